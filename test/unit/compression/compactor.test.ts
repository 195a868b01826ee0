// The compactor against a real SQLite store, with a stand-in for the model client (its `complete` only).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContextCompactor, SUMMARISER_MARKER, SUMMARY_OPEN, SUMMARY_SECTIONS, joinSummaryMessages } from '../../../server/agent/compression';
import { HostEvents } from '../../../server/agent/events';
import { toChatMessages } from '../../../server/agent/history';
import type { ChatRequest, ChatResult } from '../../../server/agent/model-client';
import { HermesConfigSchema } from '../../../server/config/schema';
import type { AnyServerNotification } from '../../../server/protocol';
import { openStore, type Store } from '../../../server/store';
import { createLogger } from '../../../server/util/log';

const SYSTEM = 'SYSTEM PROMPT v1 — byte for byte';
const goodSummary = SUMMARY_SECTIONS.map((s) => `## ${s}\n- noted: ${s}`).join('\n');
const log = createLogger({ stderr: false, level: 'error' });
/** What the turn sends: stored rows as chat messages, the summary joined with a user message next to it. */
const wireOf = (s: Store, threadId: string) => joinSummaryMessages(toChatMessages(SYSTEM, s.threads.history(threadId)));

let store: Store | undefined;
afterEach(() => store?.close());

function setup(opts: { window?: number; enabled?: boolean } = {}) {
  store = openStore(join(mkdtempSync(join(tmpdir(), 'hermes-compact-')), 'state.db'));
  const s = store;
  const events = new HostEvents();
  const seen: AnyServerNotification[] = [];
  events.on((n) => seen.push(n));
  const config = HermesConfigSchema.parse({
    model: { default: 'm', context_window: opts.window ?? 2_000 },
    compression: { enabled: opts.enabled ?? true, protect_last_n: 2 },
  });
  s.threads.createThread({ id: 'thr_old', title: 'Port the parser', cwd: '/w', model: 'm', source: 'test', systemPrompt: SYSTEM });
  let turnNo = 0;
  let callNo = 0;
  let current = '';
  const api = {
    turn(text: string) {
      current = `turn_${++turnNo}`;
      s.threads.createTurn(current, 'thr_old', 'm');
      s.threads.insertMessage({ threadId: 'thr_old', turnId: current, role: 'user', content: text, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [{ id: `u${turnNo}`, type: 'userMessage', content: [{ type: 'text', text }] }] });
      return api;
    },
    say(text: string) {
      s.threads.insertMessage({ threadId: 'thr_old', turnId: current, role: 'assistant', content: text, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [{ id: `a${callNo++}`, type: 'agentMessage', text }] });
      return api;
    },
    read(path: string, result: string) {
      const id = `call_${++callNo}`;
      s.threads.insertMessage({ threadId: 'thr_old', turnId: current, role: 'assistant', content: null, reasoning: null, toolCalls: [{ id, name: 'read_file', arguments: JSON.stringify({ path }) }], toolCallId: null, toolName: null, items: [] });
      s.threads.insertMessage({ threadId: 'thr_old', turnId: current, role: 'tool', content: result, reasoning: null, toolCalls: null, toolCallId: id, toolName: 'read_file', items: [{ id: `t${id}`, type: 'toolCall', tool: 'read_file', arguments: { path }, status: 'completed', result }] });
      return api;
    },
    get turnId() {
      return current;
    },
  };
  const compactor = new ContextCompactor({ store: s, events, log });
  return { s, events, seen, config, api, compactor };
}

function client(answer: (req: ChatRequest) => Promise<Partial<ChatResult>> | Partial<ChatResult>) {
  const requests: ChatRequest[] = [];
  return {
    requests,
    complete: async (req: ChatRequest): Promise<ChatResult> => {
      requests.push(req);
      return { content: '', reasoning: '', toolCalls: [], finishReason: 'stop', usage: null, model: 'm', endpoint: 'primary', ...(await answer(req)) };
    },
  };
}

/** About 400 tokens. */
const filler = (tag: string) => `${tag}: ${'lorem ipsum dolor sit amet '.repeat(80)}`;

/** A thread well past 85% of a 2,000-token window: first exchange, four turns of file reads, a running turn. */
function longThread(api: ReturnType<typeof setup>['api']) {
  api.turn('FIRST: set up the project').say('Project set up.');
  for (let i = 1; i <= 4; i++) api.turn(`request ${i}`).read(`src/f${i}.ts`, filler(`file ${i}`)).say(`done ${i}`);
  api.turn('LATEST: port the parser to TypeScript').read('src/parser.py', filler('parser'));
}

describe('ContextCompactor', () => {
  it('writes the compacted thread: same system prompt, first exchange, summary, tail, moved turn, todos', async () => {
    const { s, seen, config, api, compactor } = setup();
    longThread(api);
    s.threads.setTodos('thr_old', [{ id: '1', content: 'port parser', status: 'in_progress' }]);
    const before = s.threads.history('thr_old');
    const model = client(() => ({ content: goodSummary, usage: { promptTokens: 900, completionTokens: 80, totalTokens: 980 } }));
    let movedTo = '';
    let startedBeforeMove = false;
    const out = await compactor.maybeCompact({
      threadId: 'thr_old', turnId: api.turnId, systemPrompt: SYSTEM, toolsJson: '[]', client: model, signal: new AbortController().signal, config,
      onMoved: (id) => {
        movedTo = id;
        startedBeforeMove = seen.some((n) => n.method === 'thread/started');
      },
    });
    expect(out).not.toBeNull();
    expect(out!.method).toBe('model');
    expect(out!.usage?.totalTokens).toBe(980);
    expect(movedTo).toBe(out!.threadId);
    expect(startedBeforeMove).toBe(false);
    expect(out!.tokensAfter).toBeLessThan(out!.tokensBefore);

    // One summariser call, without tools, marked as such.
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0].tools).toEqual([]);
    expect(String(model.requests[0].messages[0].content)).toContain(SUMMARISER_MARKER);
    expect(String(model.requests[0].messages[1].content)).toContain('request 2');

    const row = s.threads.getThreadRow(out!.threadId)!;
    expect(row).toMatchObject({ parent_id: 'thr_old', parent_kind: 'compression', system_prompt: SYSTEM, cwd: '/w', title: 'Port the parser (2)' });
    expect(s.threads.getTodos(out!.threadId)).toEqual([{ id: '1', content: 'port parser', status: 'in_progress' }]);
    // The running turn now belongs to the new thread, after the copied ones.
    const turns = s.threads.listTurns(out!.threadId);
    expect(turns.at(-1)!.id).toBe(api.turnId);
    expect(s.threads.listTurns('thr_old').map((t) => t.id)).not.toContain(api.turnId);
    // The parent keeps its whole history.
    expect(s.threads.history('thr_old')).toEqual(before);

    const wire = wireOf(s, out!.threadId);
    expect(wire[0]).toEqual({ role: 'system', content: SYSTEM });
    expect(wire[1]).toMatchObject({ role: 'user', content: 'FIRST: set up the project' });
    expect(wire[2]).toMatchObject({ role: 'assistant', content: 'Project set up.' });
    const summary = String(wire[3].content);
    expect(wire[3].role).toBe('user');
    expect(summary.startsWith(SUMMARY_OPEN)).toBe(true);
    expect(summary).toContain('## Completed actions');
    expect(summary).toMatch(/## Current goal \(the latest user request\)\nLATEST: port the parser to TypeScript/);
    expect(summary.endsWith('[END OF SUMMARY]\n\nLATEST: port the parser to TypeScript')).toBe(true);
    expect(summary).toContain('[in_progress] 1. port parser');
    // The middle is gone; the running turn's tool call and result are there.
    const all = JSON.stringify(wire);
    expect(all).not.toContain('file 1: lorem');
    expect(all).toContain('parser: lorem');
    // Valid roles: no two user messages in a row, every tool result right after its call.
    for (let i = 1; i < wire.length; i++) expect(wire[i].role === 'user' && wire[i - 1].role === 'user').toBe(false);
    expect(wire.at(-1)!.role).toBe('tool');

    const methods = seen.map((n) => n.method);
    expect(methods).toEqual(['thread/started', 'thread/compacted', 'thread/updated', 'item/started', 'item/completed', 'thread/todo/updated']);
    const compacted = seen.find((n) => n.method === 'thread/compacted')!.params as any;
    expect(compacted).toMatchObject({ threadId: 'thr_old', turnId: api.turnId, method: 'model', thread: { id: out!.threadId, parentId: 'thr_old', parentKind: 'compression', status: 'active' } });
    const item = (seen.find((n) => n.method === 'item/completed')!.params as any).item;
    expect(item).toMatchObject({ type: 'contextCompaction', parentThreadId: 'thr_old', method: 'model' });
    expect(compacted.summaryChars).toBe(item.summary.length);
  });

  it('falls back to the deterministic record when the summariser fails or answers garbage', async () => {
    for (const answer of [
      () => Promise.reject(new Error('500: upstream exploded')),
      () => ({ content: 'OK' }),
      () => ({ content: '' }),
    ]) {
      const { s, config, api, compactor } = setup();
      longThread(api);
      const out = await compactor.maybeCompact({ threadId: 'thr_old', turnId: api.turnId, systemPrompt: SYSTEM, toolsJson: '[]', client: client(answer), signal: new AbortController().signal, config });
      expect(out!.method).toBe('fallback');
      const summary = String(wireOf(s, out!.threadId)[3].content);
      expect(summary).toContain('## User requests in the compressed part');
      expect(summary).toMatch(/1\. request 1/);
      expect(summary).toContain('read_file {"path":"src/f1.ts"} → ok');
      expect(summary).toContain('src/f2.ts');
      expect(summary).toContain('LATEST: port the parser to TypeScript');
      store!.close();
      store = undefined;
    }
  });

  it('leaves the thread alone below the threshold, when disabled, or when interrupted while summarising', async () => {
    const small = setup();
    small.api.turn('hi').say('hello');
    const model = client(() => ({ content: goodSummary }));
    const base = { threadId: 'thr_old', systemPrompt: SYSTEM, toolsJson: '[]', client: model, signal: new AbortController().signal };
    expect(await small.compactor.maybeCompact({ ...base, turnId: small.api.turnId, config: small.config })).toBeNull();
    store!.close();

    const off = setup({ enabled: false });
    longThread(off.api);
    expect(await off.compactor.maybeCompact({ ...base, turnId: off.api.turnId, config: off.config })).toBeNull();
    store!.close();

    const cut = setup();
    longThread(cut.api);
    const ac = new AbortController();
    const slow = client(() => {
      ac.abort();
      return Promise.reject(new Error('aborted'));
    });
    expect(await cut.compactor.maybeCompact({ ...base, client: slow, signal: ac.signal, turnId: cut.api.turnId, config: cut.config })).toBeNull();
    expect(cut.s.threads.compactionSuccessor('thr_old')).toBeUndefined();
    expect(model.requests).toHaveLength(0);
  });

  it('stores the summary outside any turn and joins it with a user message next to it on the wire', async () => {
    const { s, config, api, compactor } = setup();
    api.turn('FIRST').say('ok');
    for (let i = 1; i <= 5; i++) api.turn(`request ${i}`).read(`src/f${i}.ts`, filler(`file ${i}`)).say(filler(`answer ${i}`) + filler('more') + filler('and more'));
    api.turn('LATEST: go on');
    const out = await compactor.maybeCompact({ threadId: 'thr_old', turnId: api.turnId, systemPrompt: SYSTEM, toolsJson: '[]', client: client(() => ({ content: goodSummary })), signal: new AbortController().signal, config });
    const wire = wireOf(s, out!.threadId);
    for (let i = 1; i < wire.length; i++) expect(wire[i].role === 'user' && wire[i - 1].role === 'user').toBe(false);
    const last = String(wire.at(-1)!.content);
    expect(wire.at(-1)!.role).toBe('user');
    expect(last.startsWith(SUMMARY_OPEN)).toBe(true);
    expect(last.endsWith('LATEST: go on')).toBe(true);
    // thread/read shows the compaction marker and then the user's message.
    const rows = s.threads.history(out!.threadId);
    expect(rows.flatMap((m) => m.items.map((it) => it.type)).slice(-2)).toEqual(['contextCompaction', 'userMessage']);
    const summaryRow = rows.find((m) => m.items[0]?.type === 'contextCompaction')!;
    expect(summaryRow.turnId).toBeNull();
    expect(summaryRow.items[0].turnId).toBe(api.turnId);
    // Rolling back the turn that compacted keeps the summary (and with it the middle) in the new thread.
    s.threads.rollback(out!.threadId, 1);
    expect(s.threads.history(out!.threadId).some((m) => m.id === summaryRow.id)).toBe(true);
    expect(s.threads.history(out!.threadId).some((m) => m.content === 'LATEST: go on')).toBe(false);
    // The parent's copy of that turn stays visible there.
    expect(s.threads.history('thr_old').some((m) => m.content === 'LATEST: go on')).toBe(true);
  });

  it('follows a chain of compactions to the newest thread', async () => {
    const { s, config, api, compactor } = setup();
    longThread(api);
    const first = await compactor.maybeCompact({ threadId: 'thr_old', turnId: api.turnId, systemPrompt: SYSTEM, toolsJson: '[]', client: client(() => ({ content: goodSummary })), signal: new AbortController().signal, config });
    expect(s.threads.compactionSuccessor('thr_old')).toBe(first!.threadId);
    s.threads.createThread({ id: 'thr_third', cwd: '/w', model: 'm', source: 'test', systemPrompt: SYSTEM, parentId: first!.threadId, parentKind: 'compression' });
    s.threads.createThread({ id: 'thr_fork', cwd: '/w', model: 'm', source: 'test', systemPrompt: SYSTEM, parentId: 'thr_third', parentKind: 'fork' });
    expect(s.threads.compactionSuccessor('thr_old')).toBe('thr_third');
    expect(s.threads.compactionSuccessor('thr_third')).toBeUndefined();
  });
});
