// Routing by thread through the built host: approvals go to the surfaces of their thread, nobody-to-ask is an
// immediate deny, streams carry no secrets, and a compacted thread keeps its shell, processes and approvals.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { useE2E } from '../support/e2e-env';
import { connectSocket, tempHome, writeTestConfig } from '../support/host-process';
import type { ChatBody } from '../support/model-server';
import { SUMMARY_SECTIONS } from '../../server/agent/compression';

const env = useE2E();

const asks = (text: string) => (b: ChatBody) => JSON.stringify(b.messages).includes(text) && !!b.tools?.length;
const rm = (dir: string) => ({ toolCalls: [{ name: 'terminal', arguments: { command: `rm -rf ${dir}` } }] });
const toolResults = (b: ChatBody) => b.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));

function auditRows(home: string): { decision: string; answered_by: string; request_id: string | null }[] {
  const db = new Database(join(home, 'hermes-host.db'), { readonly: true });
  try {
    return db.prepare('SELECT decision, answered_by, request_id FROM approvals ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

async function listenHost(extra = '') {
  const home = tempHome();
  writeTestConfig(home, env.model.baseURL, extra);
  env.start({ home, args: ['--listen'], env: { HOME: mkdtempSync(join(tmpdir(), 'hermes-user-')) } });
  const sock = join(home, 'host.sock');
  for (let i = 0; i < 400 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
  return { home, sock };
}

describe('routing by thread', () => {
  it('two editors on different threads each get only their own approvals', async () => {
    const { home, sock } = await listenHost();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    mkdirSync(join(ws, 'one'));
    mkdirSync(join(ws, 'two'));
    const a = await connectSocket(sock, { 'approval/request': async () => ({ decision: 'once' }) });
    const b = await connectSocket(sock, { 'approval/request': async () => ({ decision: 'deny' }) });
    await a.initialize({ name: 'vscode', approvals: true, workspace: ws });
    await b.initialize({ name: 'vscode', approvals: true, workspace: ws });
    const t1 = (await a.request('thread/start', {})).thread;
    const t2 = (await b.request('thread/start', {})).thread;
    env.model.script(
      { ...rm('one'), when: asks('clean one') },
      { ...rm('two'), when: asks('clean two') },
      { text: 'one done', when: asks('clean one') },
      { text: 'two done', when: asks('clean two') },
    );
    await a.request('turn/start', { threadId: t1.id, input: [{ type: 'text', text: 'clean one' }] });
    await b.request('turn/start', { threadId: t2.id, input: [{ type: 'text', text: 'clean two' }] });
    await a.waitFor('turn/completed', (p) => p.threadId === t1.id);
    await b.waitFor('turn/completed', (p) => p.threadId === t2.id);
    expect(a.serverRequests.map((r) => r.params.threadId)).toEqual([t1.id]);
    expect(b.serverRequests.map((r) => r.params.threadId)).toEqual([t2.id]);
    expect(existsSync(join(ws, 'one'))).toBe(false); // a allowed its own
    expect(existsSync(join(ws, 'two'))).toBe(true); // b denied its own
    // Neither saw the other's stream.
    expect(a.of('item/started').some((p) => p.threadId === t2.id)).toBe(false);
    const rows = auditRows(home);
    expect(rows.map((r) => r.decision).sort()).toEqual(['deny', 'once']);
    expect(rows.every((r) => r.request_id && r.answered_by.startsWith('vscode#'))).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('with nobody able to answer, a dangerous command is denied at once (not after approvals.timeout)', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    mkdirSync(join(ws, 'build'));
    writeTestConfig(home, env.model.baseURL, 'approvals:\n  timeout: 120\n');
    const host = env.start({ home, env: { HOME: mkdtempSync(join(tmpdir(), 'hermes-user-')) } });
    await host.client.initialize({ approvals: false, workspace: ws });
    const { thread } = await host.client.request('thread/start', {});
    env.model.script(rm('build'), { text: 'could not' });
    await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'clean' }] });
    await host.client.waitFor('turn/completed', () => true, 20_000);
    const result = toolResults(env.model.chatRequests().at(-1)!.body)[0];
    expect(result).toMatch(/nobody who can answer approvals follows this thread.*denied at once/);
    expect(existsSync(join(ws, 'build'))).toBe(true);
    expect(auditRows(home).at(-1)).toMatchObject({ decision: 'noAnswerer', answered_by: 'no-answerer' });
    expect(host.client.of('serverRequest/resolved')).toMatchObject([{ outcome: 'noAnswerer' }]);
  });

  it('streamed deltas, live items and thread/read never carry a secret, however it is split', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const secret = 'svc-9f8e7d6c5b4a39281726';
    writeFileSync(join(home, '.env'), `MY_SERVICE_TOKEN=${secret}\n`, { mode: 0o600 });
    const host = env.start({ home });
    await host.client.initialize({});
    const { thread } = await host.client.request('thread/start', {});
    const chunks = ['The token is ', secret.slice(0, 7), secret.slice(7, 15), secret.slice(15), ' and password: hunter2hunter2 ', 'end.'];
    env.model.script({ text: chunks, reasoning: ['I will print ', secret.slice(0, 10), secret.slice(10), ' now'], chunkDelayMs: 150 });
    await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'print it' }] });
    await host.client.waitFor('item/agentMessage/delta');
    const mid = await host.client.request('thread/read', { threadId: thread.id });
    await host.client.waitFor('turn/completed');
    const streamed = host.client.of('item/agentMessage/delta').map((d) => d.delta).join('');
    const reasoning = host.client.of('item/reasoning/delta').map((d) => d.delta).join('');
    for (const text of [streamed, reasoning, JSON.stringify(mid), JSON.stringify(host.client.notifications)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 10));
      expect(text).not.toContain('hunter2hunter2');
    }
    expect(streamed).toContain('[REDACTED');
    const final = (await host.client.request('thread/read', { threadId: thread.id })).items.find((i) => i.type === 'agentMessage');
    expect(final && 'text' in final && final.text).toBe(streamed);
  });

  it('deleting a thread while its turn runs is refused', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const host = env.start({ home });
    await host.client.initialize({});
    const { thread } = await host.client.request('thread/start', {});
    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 2' } }] }, { text: 'ok' });
    await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'wait' }] });
    await host.client.waitFor('item/started', (p) => p.item.type === 'commandExecution');
    await expect(host.client.request('thread/delete', { threadId: thread.id })).rejects.toMatchObject({ data: { kind: 'TurnInProgress' } });
    await host.client.waitFor('turn/completed');
    expect((await host.client.request('thread/list', {})).threads.map((t) => t.id)).toContain(thread.id);
  });

  it('/compress compacts now; the shell, a background process and session approvals follow the new thread', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    for (const d of ['sub/a', 'sub/b', 'sub/c']) mkdirSync(join(ws, d), { recursive: true });
    writeTestConfig(home, env.model.baseURL, 'compression:\n  protect_first_n: 1\n  protect_last_n: 1\n');
    const host = env.start({ home, env: { HOME: mkdtempSync(join(tmpdir(), 'hermes-user-')) }, handlers: { 'approval/request': async () => ({ decision: 'session' }) } });
    await host.client.initialize({ approvals: true, workspace: ws });
    const { thread } = await host.client.request('thread/start', {});
    const say = async (text: string, ...steps: Parameters<typeof env.model.script>) => {
      env.model.script(...steps);
      const { turn } = await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] });
      return host.client.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    };
    await say('go to sub', { toolCalls: [{ name: 'terminal', arguments: { command: 'cd sub' } }] }, { text: 'in sub' });
    await say('start a watcher', { toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 60', background: true } }] }, { text: 'started' });
    await say('delete a', rm('a'), { text: 'a gone' });
    expect(host.client.serverRequests).toHaveLength(1); // "allow for this session"
    const summary = SUMMARY_SECTIONS.map((s) => `## ${s}\n- tidy sub: cd sub, started a watcher, deleted a`).join('\n');
    env.model.script({ text: summary, when: (b) => !b.tools?.length });
    const r = await host.client.request('command/run', { threadId: thread.id, text: '/compress' });
    expect(r.handled).toBe(true);
    expect(r.thread!.id).not.toBe(thread.id);
    expect(r.thread!.conversationId).toBe(thread.id);
    expect(host.client.of('thread/compacted')).toMatchObject([{ threadId: thread.id, thread: { id: r.thread!.id } }]);
    // The old id still works for turn/start and lands on the new thread, with the same shell, process and approvals.
    const done = await say(
      'check',
      { toolCalls: [{ name: 'terminal', arguments: { command: 'pwd' } }, { name: 'process', arguments: { action: 'list' } }] },
      rm('b'),
      { text: 'checked' },
    );
    expect(done.threadId).toBe(r.thread!.id);
    const bodies = env.model.chatRequests().map((c) => c.body);
    const results = toolResults(bodies.at(-2)!).slice(-2);
    expect(results[0]).toContain(join(ws, 'sub'));
    expect(results[1]).toContain('sleep 60');
    expect(existsSync(join(ws, 'sub', 'b'))).toBe(false);
    expect(host.client.serverRequests).toHaveLength(1); // the session approval moved with the thread: not asked again
    expect(JSON.stringify(bodies.at(-1)!.messages)).toContain('tidy sub: cd sub, started a watcher, deleted a');
  });
});
