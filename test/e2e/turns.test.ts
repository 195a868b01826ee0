import { describe, expect, it } from 'vitest';
import { tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E();
let host: HostProcess | undefined;

async function boot(extra = '', opts: { clarify?: boolean; handlers?: Record<string, (p: any) => unknown> } = {}) {
  const home = tempHome();
  writeTestConfig(home, env.model.baseURL, extra);
  host = env.start({ home, handlers: opts.handlers });
  await host.client.initialize({ clarify: opts.clarify });
  const { thread } = await host.client.request('thread/start', {});
  return { home, thread, client: host.client };
}

describe('turns over stdio', () => {
  it('streams a reply as deltas and completes the turn with usage', async () => {
    env.model.script({ text: ['Hel', 'lo, ', 'world'], usage: { prompt: 42, completion: 7, cost: 0.0012 } });
    const { client, thread } = await boot();
    const { turn } = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    expect(turn.status).toBe('inProgress');
    const done = await client.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    expect(done.turn.status).toBe('completed');
    expect(done.turn.usage).toMatchObject({ promptTokens: 42, completionTokens: 7, totalTokens: 49, costUsd: 0.0012 });
    const deltas = client.of('item/agentMessage/delta').map((d) => d.delta);
    // Deltas are redacted at the source, so a word is released once it is complete: 'Hel' waits for 'lo, '.
    expect(deltas.join('')).toBe('Hello, world');
    expect(deltas.length).toBeGreaterThan(1);
    const completed = client.of('item/completed').map((c) => c.item);
    expect(completed.find((i) => i.type === 'agentMessage')).toMatchObject({ text: 'Hello, world', status: 'completed' });
    expect(completed.find((i) => i.type === 'userMessage')).toMatchObject({ content: [{ type: 'text', text: 'hi' }] });
    const usage = client.of('thread/tokenUsage/updated').at(-1)!;
    expect(usage.total.totalTokens).toBe(49);
    // The model saw the system prompt and the user's message.
    const req = env.model.chatRequests().at(-1)!.body;
    expect(req.messages[0].role).toBe('system');
    expect(req.messages.at(-1)).toMatchObject({ role: 'user', content: 'hi' });
    expect(req.stream).toBe(true);
    const read = await client.request('thread/read', { threadId: thread.id });
    expect(read.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage']);
    expect(read.turns[0]).toMatchObject({ id: turn.id, status: 'completed' });
    expect(read.thread.usage.costUsd).toBeCloseTo(0.0012);
  });

  it('streams reasoning deltas as a reasoning item', async () => {
    env.model.script({ reasoning: ['Let me ', 'think.'], text: 'Done.' });
    const { client, thread } = await boot();
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'think' }] });
    await client.waitFor('turn/completed');
    expect(client.of('item/reasoning/delta').map((d) => d.delta).join('')).toBe('Let me think.');
    const items = (await client.request('thread/read', { threadId: thread.id })).items;
    expect(items.map((i) => i.type)).toEqual(['userMessage', 'reasoning', 'agentMessage']);
  });

  it('runs several tool calls of one response and feeds every result back', async () => {
    env.model.script(
      {
        toolCalls: [
          { name: 'todo', arguments: { todos: [{ id: '1', content: 'write tests', status: 'in_progress' }] } },
          { name: 'session_search', arguments: { query: 'nothing-matches-this' } },
        ],
      },
      { text: 'All set.' },
    );
    const { client, thread } = await boot();
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'plan it' }] });
    const done = await client.waitFor('turn/completed');
    expect(done.turn.status).toBe('completed');
    const tools = client.of('item/completed').filter((c) => c.item.type === 'toolCall').map((c) => c.item);
    expect(tools.map((t) => (t as any).tool).sort()).toEqual(['session_search', 'todo']);
    expect(tools.every((t) => (t as any).status === 'completed')).toBe(true);
    const todo = await client.waitFor('thread/todo/updated');
    expect(todo.todos).toEqual([{ id: '1', content: 'write tests', status: 'in_progress' }]);
    // Second request carries the assistant tool calls and both results, paired by id.
    const second = env.model.chatRequests().at(-1)!.body.messages;
    const assistant = second.find((m) => m.role === 'assistant')!;
    const ids = (assistant.tool_calls as { id: string }[]).map((c) => c.id);
    const results = second.filter((m) => m.role === 'tool');
    expect(results.map((r) => r.tool_call_id).sort()).toEqual([...ids].sort());
    expect(String(results.find((r) => r.content && String(r.content).includes('open'))!.content)).toContain('write tests');
  });

  it('answers invalid arguments, malformed JSON and unknown tools with tool results, not failures', async () => {
    env.model.script(
      {
        toolCalls: [
          { name: 'todo', arguments: '{"todos": [ {"id": 1,' },
          { name: 'session_search', arguments: { limit: 'many' } },
          { name: 'no_such_tool', arguments: {} },
        ],
      },
      { text: 'Recovered.' },
    );
    const { client, thread } = await boot();
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const done = await client.waitFor('turn/completed');
    expect(done.turn.status).toBe('completed');
    const results = env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(results[0]).toMatch(/not valid JSON/);
    expect(results[1]).toMatch(/Invalid arguments for session_search: query: .*limit: /s);
    expect(results[2]).toMatch(/Unknown tool 'no_such_tool'. Available tools: .*todo/);
  });

  it('stops a turn that repeats the same failing call (loop guard)', async () => {
    const bad = { name: 'session_search', arguments: { limit: 3 } };
    env.model.script({ toolCalls: [bad] }, { toolCalls: [bad] }, { toolCalls: [bad] }, { text: 'never reached' });
    const { client, thread } = await boot();
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'loop' }] });
    const done = await client.waitFor('turn/completed');
    expect(done.turn.status).toBe('failed');
    expect(done.turn.error).toMatchObject({ kind: 'ToolLoop' });
    expect(env.model.pending()).toBe(1);
    const second = env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(second.at(-1)).toMatch(/loop guard/);
    env.model.fallback = { text: 'script exhausted' };
    env.model['queue'] = [];
  });

  it('ends with a tool-less summary call when the iteration budget runs out', async () => {
    const call = (n: number) => ({ toolCalls: [{ name: 'todo', arguments: { todos: [{ id: String(n), content: `step ${n}`, status: 'pending' }], merge: true } }] });
    env.model.script(call(1), call(2), { text: 'Summary: two steps planned.' });
    const { client, thread } = await boot('agent:\n  max_iterations: 2\n');
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'work' }] });
    const done = await client.waitFor('turn/completed');
    expect(done.turn.status).toBe('completed');
    expect(done.turn.error).toMatchObject({ kind: 'MaxIterations' });
    const last = env.model.chatRequests().at(-1)!.body;
    expect(last.tools ?? []).toHaveLength(0);
    expect(String(last.messages.at(-1)!.content)).toMatch(/step budget/);
  });

  it('asks the client through clarify/request and uses the answer', async () => {
    env.model.script({ toolCalls: [{ name: 'clarify', arguments: { question: 'Which colour?', choices: ['red', 'blue'] } }] }, { text: 'Blue it is.' });
    const { client, thread } = await boot('', { clarify: true, handlers: { 'clarify/request': async () => ({ answer: 'blue' }) } });
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'paint' }] });
    await client.waitFor('turn/completed');
    const req = client.serverRequests.find((r) => r.method === 'clarify/request')!;
    expect(req.params).toMatchObject({ threadId: thread.id, question: 'Which colour?', choices: ['red', 'blue'] });
    const resolved = await client.waitFor('serverRequest/resolved');
    expect(resolved).toMatchObject({ requestId: req.params.requestId, outcome: 'answered' });
    const toolMsg = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool')!;
    expect(String(toolMsg.content)).toContain('blue');
  });

  it('interrupts mid-stream, keeps what was produced and stays usable', async () => {
    env.model.script({ text: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 20 }, { text: 'after' });
    const { client, thread } = await boot();
    const { turn } = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'long' }] });
    await client.waitFor('item/agentMessage/delta', (d) => d.delta.startsWith('w3'));
    const r = await client.request('turn/interrupt', { threadId: thread.id });
    expect(r).toEqual({ interrupted: true, turnId: turn.id });
    const done = await client.waitFor('turn/completed');
    expect(done.turn.status).toBe('interrupted');
    const read = await client.request('thread/read', { threadId: thread.id });
    const msg = read.items.find((i) => i.type === 'agentMessage') as any;
    expect(msg.status).toBe('interrupted');
    expect(msg.text).toMatch(/^w0 w1 w2 w3/);
    expect(msg.text.length).toBeLessThan(200 * 4);
    // The thread takes a new turn; the kept partial reply is part of its history.
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'again' }] });
    await client.waitFor('turn/completed', (p) => p.turn.id !== turn.id);
    const hist = env.model.chatRequests().at(-1)!.body.messages;
    expect(hist.some((m) => m.role === 'assistant' && String(m.content).startsWith('w0 w1'))).toBe(true);
  });
});

describe('reading a thread mid-turn', () => {
  it('includes what the running turn has streamed so far', async () => {
    env.model.script({ text: Array.from({ length: 200 }, (_, i) => `p${i} `), chunkDelayMs: 20 });
    const { client, thread } = await boot();
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'stream' }] });
    await client.waitFor('item/agentMessage/delta', (d) => d.delta.startsWith('p5'));
    const read = await client.request('thread/read', { threadId: thread.id });
    const partial = read.items.find((i) => i.type === 'agentMessage') as any;
    expect(partial.status).toBe('inProgress');
    expect(partial.text).toMatch(/^p0 p1 p2 p3 p4 p5/);
    expect(read.turns[0].status).toBe('inProgress');
    await client.request('turn/interrupt', { threadId: thread.id });
    await client.waitFor('turn/completed');
  });
});
