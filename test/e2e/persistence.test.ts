// Threads survive the host: restart and resume, search old messages, and kill -9 mid-turn loses nothing a client
// was told about.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome, writeTestConfig } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E({ killSignal: 'SIGKILL' });

async function boot(home: string) {
  const h = env.start({ home });
  await h.client.initialize();
  return h;
}

describe('persistence', () => {
  it('resumes a thread from SQLite after a restart and the model sees the history', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    env.model.script({ text: 'The capital of Peru is Lima.' });
    const a = await boot(home);
    const { thread } = await a.client.request('thread/start', { title: 'geography' });
    await a.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'capital of peru?' }] });
    await a.client.waitFor('turn/completed');
    await a.kill('SIGTERM');

    const b = await boot(home);
    const list = await b.client.request('thread/list', {});
    expect(list.threads.map((t) => t.id)).toContain(thread.id);
    const resumed = await b.client.request('thread/resume', { threadId: thread.id });
    expect(resumed.thread).toMatchObject({ id: thread.id, title: 'geography', turnCount: 1 });
    const read = await b.client.request('thread/read', { threadId: thread.id });
    expect(read.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage']);
    const systemBefore = env.model.chatRequests().at(-1)!.body.messages[0].content;
    env.model.script({ text: 'Yes, Lima.' });
    await b.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'sure?' }] });
    await b.client.waitFor('turn/completed');
    const msgs = env.model.chatRequests().at(-1)!.body.messages;
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(msgs[2].content).toBe('The capital of Peru is Lima.');
    // The stored system prompt is reused byte for byte (prompt caching).
    expect(msgs[0].content).toBe(systemBefore);
  });

  it('finds an old message with thread/search and the session_search tool', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const a = await boot(home);
    const { thread: old } = await a.client.request('thread/start', {});
    env.model.script({ text: 'Noted: the staging database lives on host zephyrion-db-7.' });
    await a.client.request('turn/start', { threadId: old.id, input: [{ type: 'text', text: 'remember the staging db host' }] });
    await a.client.waitFor('turn/completed');
    const res = await a.client.request('thread/search', { query: 'zephyrion' });
    expect(res.hits).toHaveLength(1);
    expect(res.hits[0]).toMatchObject({ threadId: old.id, role: 'assistant' });
    expect(res.hits[0].snippet).toContain('[zephyrion');
    // Prefix match as the user types, and FTS syntax in the query is harmless.
    expect((await a.client.request('thread/search', { query: 'zephyr' })).hits).toHaveLength(1);
    expect((await a.client.request('thread/search', { query: '"staging (' })).hits.length).toBeGreaterThan(0);

    const { thread: fresh } = await a.client.request('thread/start', {});
    env.model.script({ toolCalls: [{ name: 'session_search', arguments: { query: 'staging database host' } }] }, { text: 'It is zephyrion-db-7.' });
    await a.client.request('turn/start', { threadId: fresh.id, input: [{ type: 'text', text: 'where is staging?' }] });
    await a.client.waitFor('turn/completed', (p) => p.threadId === fresh.id);
    const tool = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool')!;
    expect(String(tool.content)).toContain('zephyrion-db-7');
    expect(String(tool.content)).toContain(old.id);
  });

  it('kill -9 during a turn loses no message the client was told about', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    env.model.script(
      { text: 'Step one is done.', toolCalls: [{ name: 'todo', arguments: { todos: [{ id: 'a', content: 'durable', status: 'completed' }] } }] },
      { text: Array.from({ length: 500 }, (_, i) => `x${i} `), chunkDelayMs: 20 },
    );
    const a = await boot(home);
    const { thread } = await a.client.request('thread/start', {});
    const { turn } = await a.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'durable work' }] });
    // Wait until the tool result is acknowledged and the second reply is streaming, then kill hard.
    await a.client.waitFor('item/completed', (p) => p.item.type === 'toolCall');
    await a.client.waitFor('item/agentMessage/delta', (d) => d.delta.startsWith('x5'));
    const acknowledged = a.client.of('item/completed').map((c) => c.item.id);
    await a.kill('SIGKILL');
    env.model['queue'] = [];

    const b = await boot(home);
    const read = await b.client.request('thread/read', { threadId: thread.id });
    const stored = new Set(read.items.map((i) => i.id));
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
    expect(read.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage', 'toolCall']);
    // The turn the dead host was running is closed as interrupted, and the thread takes new turns.
    expect(read.turns.find((t) => t.id === turn.id)!.status).toBe('interrupted');
    env.model.script({ text: 'continuing' });
    await b.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go on' }] });
    const done = await b.client.waitFor('turn/completed');
    expect(done.turn.status).toBe('completed');
  });

  it('forks a thread and rolls back the last turn without losing rows', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const a = await boot(home);
    const { thread } = await a.client.request('thread/start', {});
    for (const t of ['one', 'two']) {
      env.model.script({ text: `reply ${t}` });
      await a.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: t }] });
      await a.client.waitFor('turn/completed', (p) => !a.client.of('turn/completed').slice(0, -1).some((x) => x.turn.id === p.turn.id) && p.threadId === thread.id);
      await new Promise((r) => setTimeout(r, 20));
    }
    const first = (await a.client.request('thread/read', { threadId: thread.id })).turns[0];
    const { thread: fork } = await a.client.request('thread/fork', { threadId: thread.id, turnId: first.id });
    expect(fork).toMatchObject({ parentId: thread.id, parentKind: 'fork', turnCount: 1 });
    const forkItems = (await a.client.request('thread/read', { threadId: fork.id })).items;
    expect(forkItems.filter((i) => i.type === 'agentMessage').map((i: any) => i.text)).toEqual(['reply one']);

    const rb = await a.client.request('thread/rollback', { threadId: thread.id, turns: 1 });
    expect(rb.removedTurnIds).toHaveLength(1);
    expect(rb.thread.turnCount).toBe(1);
    const after = await a.client.request('thread/read', { threadId: thread.id });
    expect(after.items.filter((i) => i.type === 'agentMessage').map((i: any) => i.text)).toEqual(['reply one']);
    // Rolled-back text is no longer what the model sees …
    env.model.script({ text: 'ok' });
    await a.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'three' }] });
    await a.client.waitFor('turn/completed', (p) => p.threadId === thread.id && p.turn.id !== first.id && !rb.removedTurnIds.includes(p.turn.id) && a.client.of('turn/completed').length >= 3);
    const seen = env.model.chatRequests().at(-1)!.body.messages.map((m) => String(m.content));
    expect(seen.join('\n')).not.toContain('reply two');
  });

  it('redacts secrets before they are stored, searched or logged', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    env.model.script({ text: 'I will not repeat sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 back.' });
    const a = await boot(home);
    const { thread } = await a.client.request('thread/start', {});
    await a.client.request('turn/start', {
      threadId: thread.id,
      input: [{ type: 'text', text: 'my key is sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 keep it' }],
    });
    await a.client.waitFor('turn/completed');
    const read = await a.client.request('thread/read', { threadId: thread.id });
    const text = JSON.stringify(read.items);
    expect(text).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345');
    expect(text).toContain('[REDACTED:openai-key]');
    expect((await a.client.request('thread/search', { query: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' })).hits).toHaveLength(0);
    const db = readFileSync(join(home, 'hermes-host.db')).toString('latin1') + readFileSync(join(home, 'hermes-host.db-wal')).toString('latin1');
    expect(db).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345');
    const log = readFileSync(join(home, 'logs', 'host.log'), 'utf8');
    expect(log).not.toContain('sk-test-key-for-the-scripted-model');
  });
});
