// The chat's transcript as data: the host's notifications (and a thread read back from /history) folded into a list
// of entries the view draws. Pure, so the view stays a function of it and tests can drive it without a terminal.
import { inputPartText, type AnyServerNotification, type Item } from '../../protocol';

export type Entry =
  | { kind: 'user'; key: string; text: string }
  | { kind: 'assistant'; key: string; text: string; done: boolean }
  | { kind: 'reasoning'; key: string; text: string; done: boolean }
  | { kind: 'tool'; key: string; title: string; output: string; status: string; exitCode?: number | null; done: boolean }
  | { kind: 'notice'; key: string; text: string; tone: 'info' | 'error' | 'warn' };

export interface Transcript {
  entries: Entry[];
  /** The turn running on the shown thread, if any. */
  runningTurn: string | null;
}

export const emptyTranscript = (): Transcript => ({ entries: [], runningTurn: null });

/** Most output a tool card keeps (the tail): a noisy build must not grow the screen without bound. */
const MAX_TOOL_OUTPUT = 8_000;

export function toolTitle(item: Item): string | null {
  switch (item.type) {
    case 'commandExecution':
      return `$ ${item.command}`;
    case 'fileChange':
      return `✎ ${item.changes.map((c) => `${c.kind} ${c.path}`).join(', ')}`;
    case 'toolCall': {
      const args = JSON.stringify(item.arguments ?? {});
      return `⚙ ${item.tool} ${args.length > 100 ? args.slice(0, 100) + '…' : args}`;
    }
    default:
      return null;
  }
}

function tail(s: string): string {
  return s.length > MAX_TOOL_OUTPUT ? s.slice(s.length - MAX_TOOL_OUTPUT) : s;
}

/** The entry an item becomes (a finished item when read back from a thread). */
export function entryOf(item: Item, done: boolean): Entry | null {
  switch (item.type) {
    case 'userMessage':
      return { kind: 'user', key: item.id, text: item.content.map(inputPartText).join(' ') };
    case 'agentMessage':
      return { kind: 'assistant', key: item.id, text: item.text, done };
    case 'reasoning':
      return { kind: 'reasoning', key: item.id, text: item.text, done };
    case 'contextCompaction':
      return { kind: 'notice', key: item.id, text: `context compressed (${item.method} summary); the conversation continues`, tone: 'info' };
    default: {
      const title = toolTitle(item);
      if (!title) return null;
      const output = item.type === 'commandExecution' ? (item.output ?? '') : item.type === 'fileChange' ? item.changes.map((c) => c.diff).join('\n') : (item.result ?? '');
      return {
        kind: 'tool',
        key: item.id,
        title,
        output: tail(output),
        status: item.status,
        exitCode: item.type === 'commandExecution' ? item.exitCode : undefined,
        done: done || item.status !== 'inProgress',
      };
    }
  }
}

function upsert(t: Transcript, e: Entry): Transcript {
  const i = t.entries.findIndex((x) => x.key === e.key);
  if (i < 0) return { ...t, entries: [...t.entries, e] };
  const entries = t.entries.slice();
  entries[i] = e;
  return { ...t, entries };
}

function patch(t: Transcript, key: string, f: (e: Entry) => Entry): Transcript {
  const i = t.entries.findIndex((x) => x.key === key);
  if (i < 0) return t;
  const entries = t.entries.slice();
  entries[i] = f(entries[i]);
  return { ...t, entries };
}

export function addNotice(t: Transcript, text: string, tone: 'info' | 'error' | 'warn' = 'info'): Transcript {
  return { ...t, entries: [...t.entries, { kind: 'notice', key: `notice-${t.entries.length}-${Date.now()}`, text, tone }] };
}

/** A thread's items as a finished transcript (resume from /history). */
export function fromItems(items: Item[]): Transcript {
  const entries: Entry[] = [];
  for (const it of items) {
    const e = entryOf(it, true);
    if (e) entries.push(e);
  }
  return { entries, runningTurn: null };
}

/** A message typed here, drawn at once; the host's echo of it (item/started) takes it over instead of drawing it twice. */
export function addLocalUser(t: Transcript, text: string): Transcript {
  return { ...t, entries: [...t.entries, { kind: 'user', key: `local-${t.entries.length}-${Date.now()}`, text }] };
}

function adoptEcho(t: Transcript, item: Item): Transcript {
  const e = entryOf(item, true);
  if (!e || e.kind !== 'user') return t;
  if (t.entries.some((x) => x.key === e.key)) return t;
  const i = t.entries.findIndex((x) => x.kind === 'user' && x.key.startsWith('local-') && x.text === e.text);
  if (i < 0) return upsert(t, e); // sent by another surface following this thread
  const entries = t.entries.slice();
  entries[i] = e;
  return { ...t, entries };
}

/** Folds one notification about the shown thread into the transcript. */
export function applyNotification(t: Transcript, n: AnyServerNotification): Transcript {
  switch (n.method) {
    case 'turn/started':
      return { ...t, runningTurn: n.params.turn.id };
    case 'item/started':
    case 'item/updated': {
      if (n.params.item.type === 'userMessage') return adoptEcho(t, n.params.item);
      const e = entryOf(n.params.item, false);
      if (!e) return t;
      const prev = t.entries.find((x) => x.key === e.key);
      // Keep output already streamed: an item/updated carries the item, not the deltas it had so far.
      if (prev && prev.kind === 'tool' && e.kind === 'tool' && !e.output) e.output = prev.output;
      if (prev && (prev.kind === 'assistant' || prev.kind === 'reasoning') && (e.kind === 'assistant' || e.kind === 'reasoning') && !e.text) e.text = prev.text;
      return upsert(t, e);
    }
    case 'item/completed': {
      if (n.params.item.type === 'userMessage') return adoptEcho(t, n.params.item);
      const e = entryOf(n.params.item, true);
      if (!e) return t;
      const prev = t.entries.find((x) => x.key === e.key);
      if (prev && prev.kind === 'tool' && e.kind === 'tool' && !e.output) e.output = prev.output;
      return upsert(t, e);
    }
    case 'item/agentMessage/delta':
    case 'item/reasoning/delta': {
      const kind = n.method === 'item/agentMessage/delta' ? 'assistant' : 'reasoning';
      const has = t.entries.some((e) => e.key === n.params.itemId);
      const base = has ? t : upsert(t, { kind, key: n.params.itemId, text: '', done: false });
      return patch(base, n.params.itemId, (e) => (e.kind === 'assistant' || e.kind === 'reasoning' ? { ...e, text: e.text + n.params.delta } : e));
    }
    case 'item/commandExecution/outputDelta':
      return patch(t, n.params.itemId, (e) => (e.kind === 'tool' ? { ...e, output: tail(e.output + n.params.delta) } : e));
    case 'turn/completed': {
      const turn = n.params.turn;
      // Whatever the turn left open (an interrupted stream, a killed command) is finished now.
      const entries = t.entries.map((e) => ('done' in e && !e.done ? { ...e, done: true, ...(e.kind === 'tool' ? { status: turn.status } : {}) } : e));
      let next: Transcript = { entries, runningTurn: t.runningTurn === turn.id ? null : t.runningTurn };
      if (turn.status === 'interrupted') next = addNotice(next, 'interrupted', 'warn');
      if (turn.error && turn.status === 'failed') next = addNotice(next, `error: ${turn.error.message}`, 'error');
      else if (turn.error) next = addNotice(next, turn.error.message, 'info');
      return next;
    }
    default:
      return t;
  }
}

/** How many leading entries are finished and will not change again (drawn once, into the scrollback). */
export function settledCount(t: Transcript): number {
  let i = 0;
  while (i < t.entries.length) {
    const e = t.entries[i];
    if ('done' in e && !e.done) break;
    i++;
  }
  return i;
}
