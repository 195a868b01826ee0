// Unit tests of the webview's pure parts, without a browser: composer command parsing and completion, the
// transcript view model fed with host notifications, request bookkeeping, and the streaming markdown split.
import { describe, expect, it } from 'vitest';
import type { AnyServerNotification, Item } from '../../server/protocol';
import { applySuggestion, commandSuggestions, completionAt, mentionsIn, modelSuggestions, parseSlash } from '../../webview/commands';
import { Emitter } from '../../webview/state/emitter';
import { Requests } from '../../webview/state/requests';
import { OUTPUT_VIEW_LIMIT, Transcript } from '../../webview/state/transcript';
import { stableSplit } from '../../webview/markdown';
import { formatCost, formatDuration, formatUsage } from '../../webview/format';
import { thread, turn, THREAD_ID } from './fixtures';

const n = (method: string, params: unknown) => ({ method, params }) as AnyServerNotification;

describe('slash commands', () => {
  it('parses built-ins typed alone and leaves everything else to be sent as text', () => {
    expect(parseSlash('/new')).toEqual({ kind: 'new' });
    expect(parseSlash('  /undo ')).toEqual({ kind: 'undo' });
    expect(parseSlash('/retry')).toEqual({ kind: 'retry' });
    expect(parseSlash('/model gpt-x')).toEqual({ kind: 'model', id: 'gpt-x' });
    expect(parseSlash('/model')).toEqual({ kind: 'model', id: null });
    expect(parseSlash('/new chat please')).toBeNull();
    expect(parseSlash('/code-review src/a.ts')).toBeNull();
    expect(parseSlash('please /undo')).toBeNull();
  });

  it('finds what the caret completes', () => {
    expect(completionAt('/re', 3)).toEqual({ from: 0, to: 3, trigger: '/', query: 're' });
    expect(completionAt('/model gp', 9)).toEqual({ from: 7, to: 9, trigger: 'model', query: 'gp' });
    expect(completionAt('look at @src/ma now', 15)).toEqual({ from: 8, to: 15, trigger: '@', query: 'src/ma' });
    expect(completionAt('mail me@example.com', 19)).toBeNull();
    expect(completionAt('/new thing', 10)).toBeNull();
  });

  it('ranks prefix matches before inner matches and includes every skill', () => {
    const skills = [{ name: 'code-review', description: 'Review', command: '/code-review' }];
    expect(commandSuggestions('', skills).map((s) => s.label)).toEqual(['/new', '/retry', '/undo', '/model', '/code-review']);
    expect(commandSuggestions('re', skills).map((s) => s.label)).toEqual(['/retry', '/code-review']);
    expect(modelSuggestions('mini', ['gpt-4o', 'gpt-4o-mini', 'mini-x']).map((s) => s.label)).toEqual(['mini-x', 'gpt-4o-mini']);
  });

  it('applies a suggestion in place and tracks the mentions still in the text', () => {
    const c = completionAt('see @rea and more', 8)!;
    const out = applySuggestion('see @rea and more', c, { label: 'README.md', insert: '@README.md ', kind: 'file' });
    expect(out).toEqual({ text: 'see @README.md and more', caret: 15 });
    expect(mentionsIn(out.text, ['README.md', 'gone.ts'])).toEqual(['README.md']);
    expect(mentionsIn('mail a@README.md', ['README.md'])).toEqual([]);
  });
});

describe('transcript view model', () => {
  const agent = (id: string, text: string, status: 'inProgress' | 'completed' = 'inProgress'): Item => ({ id, type: 'agentMessage', text, status, turnId: 'turn_1' });

  it('builds rows from thread/read with a footer after each finished turn', () => {
    const t = new Transcript(new Emitter());
    t.beginLoad(THREAD_ID);
    t.load({
      thread: thread(),
      turns: [turn({ id: 'a', status: 'completed' }), turn({ id: 'b', status: 'inProgress' })],
      items: [
        { id: 'u1', turnId: 'a', type: 'userMessage', content: [{ type: 'text', text: 'hi' }] },
        { id: 'm1', turnId: 'a', type: 'agentMessage', text: 'hello', status: 'completed' },
        { id: 'u2', turnId: 'b', type: 'userMessage', content: [{ type: 'text', text: 'more' }] },
      ],
    });
    expect(t.rows.map((r) => r.key)).toEqual(['i:u1', 'i:m1', 't:a', 'i:u2']);
    expect(t.running?.id).toBe('b');
  });

  it('holds notifications during a load and drops deltas the snapshot already contains', () => {
    const t = new Transcript(new Emitter());
    t.beginLoad(THREAD_ID);
    t.apply(n('item/agentMessage/delta', { threadId: THREAD_ID, turnId: 'turn_1', itemId: 'm1', delta: ' again' }));
    t.apply(n('item/agentMessage/delta', { threadId: THREAD_ID, turnId: 'turn_1', itemId: 'm2', delta: 'new' }));
    t.load({ thread: thread(), turns: [turn()], items: [agent('m1', 'snapshot text')] });
    expect((t.items.get('m1') as { text: string }).text).toBe('snapshot text');
    expect((t.items.get('m2') as { text: string }).text).toBe('new');
  });

  it('streams text, keeps it across a late item/started, and takes item/completed as final', () => {
    const t = new Transcript(new Emitter());
    t.reset(thread());
    t.apply(n('item/agentMessage/delta', { threadId: THREAD_ID, turnId: 'turn_1', itemId: 'm', delta: 'Hel' }));
    t.apply(n('item/started', { threadId: THREAD_ID, turnId: 'turn_1', item: agent('m', '') }));
    t.apply(n('item/agentMessage/delta', { threadId: THREAD_ID, turnId: 'turn_1', itemId: 'm', delta: 'lo' }));
    expect((t.items.get('m') as { text: string }).text).toBe('Hello');
    t.apply(n('item/completed', { threadId: THREAD_ID, turnId: 'turn_1', item: agent('m', 'Hello!', 'completed') }));
    expect(t.items.get('m')).toMatchObject({ text: 'Hello!', status: 'completed' });
    expect(t.rows).toHaveLength(1);
    expect(t.apply(n('item/agentMessage/delta', { threadId: 'thr_other', turnId: 'x', itemId: 'z', delta: 'no' }))).toBe(false);
  });

  it('caps command output kept in the view and keeps it when the completed item omits it', () => {
    const t = new Transcript(new Emitter());
    t.reset(thread());
    const cmd: Item = { id: 'c', type: 'commandExecution', tool: 'terminal', command: 'yes', status: 'inProgress' };
    t.apply(n('item/started', { threadId: THREAD_ID, turnId: 'turn_1', item: cmd }));
    const chunk = 'y\n'.repeat(60_000);
    for (let i = 0; i < 3; i++) t.apply(n('item/commandExecution/outputDelta', { threadId: THREAD_ID, turnId: 'turn_1', itemId: 'c', delta: chunk }));
    expect((t.items.get('c') as { output: string }).output.length).toBe(OUTPUT_VIEW_LIMIT);
    t.apply(n('item/completed', { threadId: THREAD_ID, turnId: 'turn_1', item: { ...cmd, status: 'completed', exitCode: 0 } }));
    expect((t.items.get('c') as { output: string }).output.length).toBe(OUTPUT_VIEW_LIMIT);
  });

  it('removes rolled-back turns', () => {
    const t = new Transcript(new Emitter());
    t.reset(thread());
    t.apply(n('item/completed', { threadId: THREAD_ID, turnId: 'a', item: { id: 'u1', turnId: 'a', type: 'userMessage', content: [{ type: 'text', text: 'one' }] } }));
    t.apply(n('turn/completed', { threadId: THREAD_ID, turn: turn({ id: 'a', status: 'completed' }) }));
    t.apply(n('item/completed', { threadId: THREAD_ID, turnId: 'b', item: { id: 'u2', turnId: 'b', type: 'userMessage', content: [{ type: 'text', text: 'two' }] } }));
    t.apply(n('turn/completed', { threadId: THREAD_ID, turn: turn({ id: 'b', status: 'completed' }) }));
    expect(t.lastUserMessage()?.id).toBe('u2');
    t.removeTurns(['b']);
    expect(t.rows.map((r) => r.key)).toEqual(['i:u1', 't:a']);
    expect(t.lastUserMessage()?.id).toBe('u1');
  });
});

describe('requests', () => {
  it('keeps a secret answer out of its record, from here or from the host', () => {
    const r = new Requests(new Emitter());
    r.add('secret/request', { requestId: 's', name: 'KEY', prompt: 'key?' });
    r.markSent('s', { value: 'sk-live-1234567890' });
    r.resolve({ requestId: 's', outcome: 'answered', result: { value: 'sk-live-1234567890' } });
    expect(JSON.stringify(r.byId.get('s'))).not.toContain('sk-live');
    expect(r.pending()).toHaveLength(0);
  });

  it('ignores a re-sent request it already has and resolutions of unknown ones', () => {
    const r = new Requests(new Emitter());
    const p = { requestId: 'a', threadId: 't', turnId: 'u', itemId: 'i', kind: 'command' as const, tool: 'terminal', reasons: [], choices: ['once' as const, 'deny' as const] };
    const first = r.add('approval/request', p);
    expect(r.add('approval/request', p)).toBe(first);
    expect(r.resolve({ requestId: 'zzz', outcome: 'timeout' })).toBe(false);
  });
});

describe('streaming markdown split', () => {
  it('cuts after the last blank line outside a code fence', () => {
    expect(stableSplit('para one\n\npara two')).toBe('para one\n\n'.length);
    expect(stableSplit('intro\n\n```ts\nconst a = 1;\n\nconst b = 2;')).toBe('intro\n\n'.length);
    const closed = 'intro\n\n```ts\nx\n```\n\nafter';
    expect(stableSplit(closed)).toBe(closed.length - 'after'.length);
    expect(stableSplit('no blank line yet')).toBe(0);
  });
});

describe('formatting', () => {
  it('formats usage, cost and durations briefly', () => {
    expect(formatUsage({ promptTokens: 1200, completionTokens: 34, totalTokens: 1234, costUsd: 0.0012 })).toBe('1,234 tokens (1,200 in · 34 out) · $0.0012');
    expect(formatUsage({ promptTokens: 1, completionTokens: 1, totalTokens: 2 })).toBe('2 tokens (1 in · 1 out)');
    expect(formatCost(1.5)).toBe('$1.50');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
