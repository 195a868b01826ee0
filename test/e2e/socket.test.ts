// One long-running host, several clients on its unix socket: all see the same threads and notifications, a
// host→client request goes to every client, the first answer wins, and a client attaching later gets what is
// still pending.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { connectSocket, startHost, tempHome, writeTestConfig, type HostProcess, type RpcClient } from '../support/host-process';

let model: ScriptedModelServer;
let host: HostProcess;
let home: string;
const clients: RpcClient[] = [];

async function waitForSocket(path: string) {
  for (let i = 0; i < 200; i++) {
    try {
      statSync(path);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`socket ${path} never appeared: ${host.stderr()}`);
}

beforeAll(async () => {
  model = await ScriptedModelServer.start();
  home = tempHome();
  writeTestConfig(home, model.baseURL);
  host = startHost({ home, args: ['--listen'] });
  await waitForSocket(join(home, 'host.sock'));
});
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});
afterAll(async () => {
  await host.kill();
  await model.close();
});

async function attach(name: string, handlers?: Record<string, (p: any) => unknown>, clarify = false) {
  const c = await connectSocket(join(home, 'host.sock'), handlers);
  clients.push(c);
  await c.initialize({ name, clarify });
  return c;
}

describe('--listen socket', () => {
  it('is private to the user', () => {
    expect(statSync(join(home, 'host.sock')).mode & 0o777).toBe(0o600);
  });

  it('serves several clients that share threads and notifications', async () => {
    const a = await attach('editor');
    const b = await attach('phone');
    const { thread } = await a.request('thread/start', {});
    expect((await b.request('thread/list', {})).threads.map((t) => t.id)).toContain(thread.id);
    model.script({ text: 'shared reply' });
    await b.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'from b' }] });
    const [ta, tb] = await Promise.all([a.waitFor('turn/completed'), b.waitFor('turn/completed')]);
    expect(ta.turn.id).toBe(tb.turn.id);
    expect(a.of('item/agentMessage/delta').map((d) => d.delta).join('')).toBe('shared reply');
    expect(b.of('thread/started').map((t) => t.thread.id)).toContain(thread.id);
  });

  it('sends a request to every client, takes the first answer and tells the others', async () => {
    let answer!: (v: unknown) => void;
    const slowAnswer = new Promise((r) => (answer = r));
    const a = await attach('slow', { 'clarify/request': () => slowAnswer }, true);
    const b = await attach('fast', { 'clarify/request': async () => ({ answer: 'green' }) }, true);
    const { thread } = await a.request('thread/start', {});
    await b.request('thread/subscribe', { threadId: thread.id }); // b shows the thread too
    model.script({ toolCalls: [{ name: 'clarify', arguments: { question: 'Colour?' } }] }, { text: 'Green then.' });
    await a.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'pick' }] });
    const resolved = await a.waitFor('serverRequest/resolved', (p) => p.threadId === thread.id);
    expect(resolved).toMatchObject({ outcome: 'answered', result: { answer: 'green' } });
    expect(resolved.answeredBy).toMatch(/^fast#/);
    expect(a.serverRequests.some((r) => r.method === 'clarify/request')).toBe(true);
    answer({ answer: 'red' }); // too late: ignored
    await a.waitFor('turn/completed', (p) => p.threadId === thread.id);
    const tool = model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool')!;
    expect(String(tool.content)).toContain('green');
  });

  it('re-sends a pending request to a client that attaches later', async () => {
    const a = await attach('watcher'); // can not answer clarify
    const { thread } = await a.request('thread/start', {});
    // A first answering client is attached so the tool asks at all, then goes away without answering.
    const gone = await attach('leaver', {}, true);
    await gone.request('thread/subscribe', { threadId: thread.id });
    model.script({ toolCalls: [{ name: 'clarify', arguments: { question: 'Deploy now?' } }] }, { text: 'Deploying.' });
    await a.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'deploy' }] });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (gone.serverRequests.length) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });
    gone.dispose();
    const late = await attach('late', { 'clarify/request': async (p: any) => ({ answer: `yes (${p.question})` }) }, true);
    await late.request('thread/subscribe', { threadId: thread.id });
    const done = await a.waitFor('turn/completed', (p) => p.threadId === thread.id);
    expect(done.turn.status).toBe('completed');
    expect(late.serverRequests[0].params.question).toBe('Deploy now?');
    const tool = model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool')!;
    expect(String(tool.content)).toContain('yes (Deploy now?)');
  });
});
