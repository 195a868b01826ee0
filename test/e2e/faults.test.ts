// Every fault the scripted model can inject, through the real openai client and the built host.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E({ drained: true });
let host: HostProcess | undefined;

async function turn(text: string, extra = '') {
  const home = tempHome();
  writeTestConfig(home, env.model.baseURL, extra);
  host = env.start({ home });
  const client = host.client;
  await client.initialize();
  const { thread } = await client.request('thread/start', {});
  const before = env.model.chatRequests().length;
  await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] });
  const done = await client.waitFor('turn/completed');
  return { client, thread, done, calls: env.model.chatRequests().slice(before) };
}

describe('model faults', () => {
  it('retries a 429 after the Retry-After the server asked for', async () => {
    env.model.script({ kind: 'status', status: 429, retryAfter: 1, message: 'slow down' }, { text: 'ok after 429' });
    const { done, calls } = await turn('a');
    expect(done.turn.status).toBe('completed');
    expect(calls).toHaveLength(2);
    // Retry-After: 1 (second) is what the host waited, not its own 20–200 ms backoff.
    const log = readFileSync(join(host!.home, 'logs', 'host.log'), 'utf8');
    expect(log).toMatch(/model retry .*"delayMs":1000,"message":"429: slow down"/);
  });

  it('retries a 500 and completes', async () => {
    env.model.script({ kind: 'status', status: 500, message: 'boom' }, { text: 'ok after 500' });
    const { done, client } = await turn('b');
    expect(done.turn.status).toBe('completed');
    expect(client.of('item/completed').find((i) => i.item.type === 'agentMessage')!.item).toMatchObject({ text: 'ok after 500' });
  });

  it('retries a stream cut mid-way and discards the fragment', async () => {
    env.model.script({ kind: 'cut', text: 'partial fragm' }, { text: 'complete answer' });
    const { done, client, thread } = await turn('c');
    expect(done.turn.status).toBe('completed');
    const agent = client.of('item/completed').filter((c) => c.item.type === 'agentMessage').map((c) => c.item as any);
    expect(agent.map((a) => [a.text, a.status])).toEqual([
      ['partial fragm', 'failed'],
      ['complete answer', 'completed'],
    ]);
    const read = await client.request('thread/read', { threadId: thread.id });
    expect(read.items.filter((i) => i.type === 'agentMessage').map((i: any) => i.text)).toEqual(['complete answer']);
  });

  it('gives up on a stalled stream and retries', async () => {
    env.model.script({ kind: 'stall', text: 'stuck…' }, { text: 'unstuck' });
    const { done, calls } = await turn('d', '');
    expect(done.turn.status).toBe('completed');
    expect(calls).toHaveLength(2);
  });

  it('fails the turn with the provider message after the last retry', async () => {
    env.model.script(
      { kind: 'status', status: 503, message: 'upstream overloaded' },
      { kind: 'status', status: 503, message: 'upstream overloaded' },
      { kind: 'status', status: 503, message: 'upstream overloaded' },
    );
    const { done, calls } = await turn('e', '  max_retries: 2\n');
    expect(calls).toHaveLength(3); // max_retries 2 below: first try + 2 retries
    expect(done.turn.status).toBe('failed');
    expect(done.turn.error).toMatchObject({ kind: 'ModelError', httpStatus: 503 });
    expect(done.turn.error!.message).toContain('upstream overloaded');
  }, 20_000);

  it('does not retry a 400 and reports it', async () => {
    env.model.script({ kind: 'status', status: 400, message: 'bad request: messages too long' });
    const { done, calls } = await turn('f');
    expect(calls).toHaveLength(1);
    expect(done.turn.error).toMatchObject({ kind: 'ModelError', httpStatus: 400 });
    expect(done.turn.error!.message).toContain('messages too long');
  });

  it('switches to the fallback model when the primary keeps failing', async () => {
    env.model.script(
      { kind: 'status', status: 500, when: (b) => b.model === 'test-model' },
      { kind: 'status', status: 500, when: (b) => b.model === 'test-model' },
      { text: 'from the fallback', when: (b) => b.model === 'fallback-model' },
    );
    const { done, calls, client } = await turn('g', '  max_retries: 1\n  fallback:\n    model: fallback-model\n');
    expect(done.turn.status).toBe('completed');
    expect(calls.map((c) => c.body.model)).toEqual(['test-model', 'test-model', 'fallback-model']);
    expect(client.of('item/completed').find((i) => i.item.type === 'agentMessage')!.item).toMatchObject({ text: 'from the fallback' });
  });

  it('reports an unreachable endpoint clearly', async () => {
    const home = tempHome();
    writeTestConfig(home, 'http://127.0.0.1:9/v1', '  max_retries: 1\n');
    host = env.start({ home });
    await host.client.initialize();
    const { thread } = await host.client.request('thread/start', {});
    await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'x' }] });
    const done = await host.client.waitFor('turn/completed');
    expect(done.turn.status).toBe('failed');
    expect(done.turn.error!.kind).toBe('ModelUnavailable');
    expect(done.turn.error!.message).toMatch(/cannot reach the model endpoint/);
  });
});
