// Context compression through the built host: a long scripted conversation with real read_file and todo calls
// passes the threshold of a small context window, the middle is summarised (or recorded by the fallback when the
// summariser fails) and the turn continues on a new thread linked to the old one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARISER_MARKER, SUMMARY_OPEN, SUMMARY_SECTIONS, countText } from '../../server/agent/compression';
import { ScriptedModelServer, type ChatBody, type ReplyStep } from '../support/model-server';
import { startHost, tempHome, writeTestConfig, type HostProcess } from '../support/host-process';

let model: ScriptedModelServer;
let host: HostProcess | undefined;

beforeAll(async () => {
  model = await ScriptedModelServer.start();
});
afterAll(async () => {
  await model.close();
});
afterEach(async () => {
  await host?.kill();
  host = undefined;
  model['queue'] = [];
  model.requests.length = 0;
});

// Three toolsets keep the fixed prompt (system prompt and tool schemas) small; protect_last_n 2 keeps the tail to
// the latest tool call. The context window is set after the first turn (see calibrate).
const CONFIG = 'toolsets: [todo, session_search, file]\ncompression:\n  protect_last_n: 2\n';
/** Tokens of conversation the window leaves before compression starts, above the fixed prompt. */
const ROOM = 1_900;

const isSummariser = (b: ChatBody) => !b.tools?.length && String(b.messages[0]?.content ?? '').includes(SUMMARISER_MARKER);
const text = (b: ChatBody) => JSON.stringify(b.messages);
const agentRequests = () => model.chatRequests().filter((r) => !isSummariser(r.body));

/** A text file of about `tokens` tokens whose every line carries `mark`. */
function writeSource(dir: string, name: string, mark: string, tokens: number): void {
  const lines: string[] = [];
  for (let i = 1; countText(lines.join('\n')) < tokens; i++) lines.push(`${mark} line ${i}: the parser reads tokens and builds nodes`);
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
}

const TODOS = [
  { id: '1', content: 'read the three source files', status: 'in_progress' },
  { id: '2', content: 'port the parser to TypeScript', status: 'pending' },
  { id: '3', content: 'run the tests', status: 'pending' },
];
const FIRST = 'FIRST: set up the project skeleton';
const GOAL = 'GOAL: port the parser in a.txt, b.txt and c.txt to TypeScript and keep the todo list current';
const SUMMARY = SUMMARY_SECTIONS.map((s) => `## ${s}\n- ${s === 'Completed actions' ? '1. Planned the work; read a.txt (the tokenizer part).' : 'as in the thread'}`).join('\n');

/**
 * Sizes the context window from the fixed prompt the host really sends (it grows as guidance and tools are added),
 * so the threshold sits ROOM tokens above it: the scripted turn crosses it at one known call, with ~500 tokens of
 * margin either side. Returns the threshold.
 */
async function calibrate(client: HostProcess['client']): Promise<number> {
  const first = agentRequests()[0].body;
  const fixed = countText(String(first.messages[0].content)) + countText(JSON.stringify(first.tools ?? [])) + 3;
  const window = Math.ceil((fixed + ROOM) / 0.85);
  await client.request('config/write', { key: 'model.context_window', value: window });
  return Math.floor(0.85 * window);
}

async function boot() {
  const home = tempHome();
  const ws = join(home, 'ws');
  mkdirSync(ws);
  writeTestConfig(home, model.baseURL, CONFIG);
  host = startHost({ home, cwd: ws });
  await host.client.initialize({ workspace: ws });
  const { thread } = await host.client.request('thread/start', {});
  return { home, ws, thread, client: host.client };
}

const read = (path: string, usage?: ReplyStep['usage']): ReplyStep => ({
  toolCalls: [{ name: 'read_file', arguments: { path } }],
  ...(usage ? { usage } : {}),
});

describe('context compression', () => {
  it('summarises the middle, keeps head, goal, todo list and tail, and continues on a linked thread', async () => {
    const { ws, thread, client } = await boot();
    // a.txt and b.txt (~600 tokens each as read_file shows them) make the middle; c.txt (~1,000) the tail.
    writeSource(ws, 'a.txt', 'ALPHAMARK', 500);
    writeSource(ws, 'b.txt', 'BRAVOMARK', 500);
    writeSource(ws, 'c.txt', 'CHARLIEMARK', 850);
    // Usage with zero prompt tokens: the host has to count with gpt-tokenizer.
    const zero = { prompt: 0, completion: 0 };
    model.script({ text: 'Project skeleton is set up.', usage: zero });
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: FIRST }] });
    await client.waitFor('turn/completed');
    const threshold = await calibrate(client);
    model.script(
      { when: isSummariser, text: SUMMARY },
      { toolCalls: [{ name: 'todo', arguments: { todos: TODOS } }], usage: zero },
      { ...read('a.txt'), usage: zero },
      { ...read('b.txt'), usage: zero },
      { ...read('c.txt'), usage: zero },
      { text: 'Ported the parser; the tests are next.', usage: zero },
    );
    const { turn } = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: GOAL }] });
    const done = await client.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    expect(done.turn.status).toBe('completed');

    // The summariser was asked once, without tools, with the middle (a.txt, b.txt) and the goal, before the last call.
    const summarised = model.chatRequests().filter((r) => isSummariser(r.body));
    expect(summarised).toHaveLength(1);
    expect(summarised[0].body.tools ?? []).toHaveLength(0);
    expect(text(summarised[0].body)).toContain('ALPHAMARK');
    expect(text(summarised[0].body)).toContain('BRAVOMARK');
    expect(model.chatRequests().at(-2)!.body).toBe(summarised[0].body);
    expect(text(summarised[0].body)).toContain('GOAL: port the parser');

    // Clients were told: thread/compacted with the new thread, linked to the old one.
    const compacted = await client.waitFor('thread/compacted');
    expect(compacted).toMatchObject({ threadId: thread.id, turnId: turn.id, method: 'model', thread: { parentId: thread.id, parentKind: 'compression' } });
    expect(compacted.tokensBefore).toBeGreaterThanOrEqual(threshold);
    expect(compacted.tokensAfter).toBeLessThan(threshold - 300);
    const newId = compacted.thread.id;
    expect((await client.waitFor('thread/started', (p) => p.thread.id === newId)).thread.parentKind).toBe('compression');
    expect(done.threadId).toBe(newId);
    expect(done.turn.threadId).toBe(newId);

    // The first call after compaction: same system prompt, the first exchange, the summary with the goal and the
    // todo list, then the tail (c.txt) — and not the middle (a.txt, b.txt).
    const agent = agentRequests();
    const first = agent[0].body;
    const after = agent.at(-1)!.body;
    expect(after.messages[0]).toEqual(first.messages[0]);
    expect(after.messages[1]).toMatchObject({ role: 'user', content: FIRST });
    expect(after.messages[2]).toMatchObject({ role: 'assistant', content: 'Project skeleton is set up.' });
    const summary = String(after.messages[3].content);
    expect(after.messages[3].role).toBe('user');
    expect(summary.startsWith(SUMMARY_OPEN)).toBe(true);
    expect(summary).toContain('## Completed actions');
    expect(summary).toContain('[in_progress] 1. read the three source files');
    expect(summary).toContain('[pending] 2. port the parser to TypeScript');
    expect(summary).toMatch(/## Current goal \(the latest user request\)\nGOAL: port the parser/);
    expect(summary.endsWith(GOAL)).toBe(true); // the user's own message follows the summary
    expect(text(after)).not.toContain('ALPHAMARK');
    expect(text(after)).not.toContain('BRAVOMARK');
    expect(text(after)).toContain('CHARLIEMARK');
    const tail = after.messages.slice(4);
    expect(tail.map((m) => m.role)).toEqual(['assistant', 'tool']);
    expect(tail[1].tool_call_id).toBe((tail[0].tool_calls as { id: string }[])[0].id);

    // thread/read shows where compaction happened; the old thread keeps its history.
    const read1 = await client.request('thread/read', { threadId: newId });
    expect(read1.thread).toMatchObject({ parentId: thread.id, parentKind: 'compression' });
    const mark = read1.items.find((i) => i.type === 'contextCompaction');
    expect(mark).toMatchObject({ parentThreadId: thread.id, method: 'model', turnId: turn.id });
    expect((mark as { summary: string }).summary).toContain('## Todo list (current)');
    expect(read1.turns.at(-1)).toMatchObject({ id: turn.id, status: 'completed' });
    const old = await client.request('thread/read', { threadId: thread.id });
    expect(JSON.stringify(old.items)).toContain('ALPHAMARK');
    expect(old.turns.map((t) => t.id)).not.toContain(turn.id);

    // turn/start on the old id continues on the new thread.
    model.script({ text: 'Continuing with the tests.' });
    const next = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'now run the tests' }] });
    expect(next.turn.threadId).toBe(newId);
    const nextDone = await client.waitFor('turn/completed', (p) => p.turn.id === next.turn.id);
    expect(nextDone.threadId).toBe(newId);
    const cont = agentRequests().at(-1)!.body;
    expect(String(cont.messages[3].content).startsWith(SUMMARY_OPEN)).toBe(true);
    expect(cont.messages.at(-1)).toMatchObject({ role: 'user', content: 'now run the tests' });
    expect((await client.request('thread/read', { threadId: thread.id })).turns.map((t) => t.id)).not.toContain(next.turn.id);

    // turn/interrupt on the old id reaches the turn running on the new thread.
    model.script({ text: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 20 });
    const slow = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'write a long note' }] });
    await client.waitFor('item/agentMessage/delta', (d) => d.turnId === slow.turn.id);
    expect(await client.request('turn/interrupt', { threadId: thread.id })).toEqual({ interrupted: true, turnId: slow.turn.id });
    expect((await client.waitFor('turn/completed', (p) => p.turn.id === slow.turn.id)).turn.status).toBe('interrupted');
  });

  it("falls back to a deterministic record when the summariser fails, triggered by the provider's usage", async () => {
    const { ws, thread, client } = await boot();
    for (const n of [1, 2, 3]) writeSource(ws, `r${n}.txt`, `R${n}MARK`, 350);
    model.script({ text: 'Project skeleton is set up.' });
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: FIRST }] });
    await client.waitFor('turn/completed');
    const threshold = await calibrate(client);
    model.script(
      { kind: 'status', status: 500, when: isSummariser },
      { kind: 'status', status: 500, when: isSummariser },
      { kind: 'status', status: 400, message: 'context too long for the summariser', when: isSummariser },
      { toolCalls: [{ name: 'todo', arguments: { todos: TODOS } }] },
      read('r1.txt'),
      read('r2.txt'),
      // The provider reports a prompt at the threshold: by gpt-tokenizer counts alone the thread is ~400 below it.
      read('r3.txt', { prompt: threshold, completion: 20 }),
      { text: 'Done reading; porting next.' },
    );
    const { turn } = await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: GOAL }] });
    const done = await client.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    expect(done.turn.status).toBe('completed');
    expect(model.pending()).toBe(0);
    expect(model.chatRequests().filter((r) => isSummariser(r.body))).toHaveLength(3);

    const compacted = await client.waitFor('thread/compacted');
    expect(compacted).toMatchObject({ threadId: thread.id, method: 'fallback', thread: { parentId: thread.id, parentKind: 'compression' } });
    expect(compacted.tokensBefore).toBeGreaterThanOrEqual(threshold + 20);
    expect(compacted.tokensAfter).toBeLessThan(threshold - 300);
    // The summariser was tried right before the last call, which went to the new thread.
    expect(model.chatRequests().at(-2)!.body).toMatchObject({ messages: [{ content: expect.stringContaining(SUMMARISER_MARKER) }, {}] });

    const after = agentRequests().at(-1)!.body;
    const summary = String(after.messages[3].content);
    expect(summary.startsWith(SUMMARY_OPEN)).toBe(true);
    expect(summary).toMatch(/summariser was unavailable/);
    expect(summary).toContain('## User requests in the compressed part');
    expect(summary).toContain('todo {"todos":');
    expect(summary).toContain('read_file {"path":"r1.txt"} → ok');
    expect(summary).toContain('read_file {"path":"r2.txt"} → ok');
    expect(summary).toMatch(/## Files touched\n- r1\.txt\n- r2\.txt/);
    expect(summary).toContain('[pending] 3. run the tests');
    expect(summary).toMatch(/## Current goal \(the latest user request\)\nGOAL: port the parser/);
    expect(text(after)).not.toContain('R1MARK');
    expect(text(after)).toContain('R3MARK');

    const read1 = await client.request('thread/read', { threadId: compacted.thread.id });
    expect(read1.items.find((i) => i.type === 'contextCompaction')).toMatchObject({ method: 'fallback', parentThreadId: thread.id });
  });
});
