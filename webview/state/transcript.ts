// The view model of the thread on screen, rebuilt from `thread/read` and kept current by host notifications.
// It holds nothing the host does not also hold: reload the webview and the same state comes back from the host.
// Each change marks only the keys it touches (`rows`, `item:<id>`, `turn:<id>`, `status`) so views re-render
// narrowly.
import type { AnyServerNotification, Item, Thread, Turn, Usage } from '../../server/protocol';
import type { Emitter } from './emitter';

export type Row =
  | { kind: 'item'; key: string; id: string }
  | { kind: 'turn'; key: string; turnId: string }
  | { kind: 'request'; key: string; requestId: string }
  | { kind: 'notice'; key: string; text: string; tone: 'info' | 'error' };

type ThreadRead = { thread: Thread; turns: Turn[]; items: Item[] };

/** Stream output kept per command card; older output is dropped from the view (the host keeps all of it). */
export const OUTPUT_VIEW_LIMIT = 200_000;

const NOTIFICATION_THREAD = (n: AnyServerNotification): string | undefined => (n.params as { threadId?: string }).threadId;

let noticeSeq = 0;

export class Transcript {
  threadId: string | null = null;
  thread: Thread | null = null;
  rows: Row[] = [];
  readonly items = new Map<string, Item>();
  readonly turns = new Map<string, Turn>();
  /** Items the host has completed (reasoning has no status of its own). */
  readonly done = new Set<string>();
  running: Turn | null = null;
  usage: Usage | null = null;
  loading = false;
  /** Bumped on every reset so late answers for an earlier thread are dropped. */
  epoch = 0;
  private buffered: AnyServerNotification[] = [];

  constructor(private readonly emitter: Emitter) {}

  private changed(...keys: string[]): void {
    this.emitter.mark(...keys);
  }

  /** Shows an empty chat (optionally for a thread that has no items yet). */
  reset(thread: Thread | null = null): void {
    this.epoch++;
    this.threadId = thread?.id ?? null;
    this.thread = thread;
    this.rows = [];
    this.items.clear();
    this.turns.clear();
    this.done.clear();
    this.running = null;
    this.usage = thread?.usage ?? null;
    this.loading = false;
    this.buffered = [];
    this.changed('rows', 'status', 'thread');
  }

  /** Starts showing `threadId`; notifications for it are held until `load` brings the snapshot. */
  beginLoad(threadId: string): number {
    this.reset(null);
    this.threadId = threadId;
    this.loading = true;
    return this.epoch;
  }

  load(read: ThreadRead): void {
    const held = this.buffered;
    this.buffered = [];
    this.loading = false;
    this.thread = read.thread;
    this.threadId = read.thread.id;
    this.usage = read.thread.usage;
    for (const t of read.turns) this.turns.set(t.id, t);
    this.running = read.turns.find((t) => t.status === 'inProgress') ?? null;
    const rows: Row[] = [];
    let prevTurn: string | undefined;
    for (const item of read.items) {
      if (item.turnId !== prevTurn && prevTurn && this.turns.has(prevTurn)) rows.push(turnRow(prevTurn));
      prevTurn = item.turnId;
      this.items.set(item.id, item);
      // thread/read includes the running turn's unfinished items (a reply being streamed, a command running).
      if (!('status' in item && item.status === 'inProgress')) this.done.add(item.id);
      rows.push(itemRow(item.id));
    }
    if (prevTurn && this.turns.get(prevTurn)?.status !== 'inProgress' && this.turns.has(prevTurn)) rows.push(turnRow(prevTurn));
    this.rows = rows;
    this.changed('rows', 'status', 'thread');
    // Deltas for items the snapshot already holds would be counted twice; their `item/completed` is authoritative.
    for (const n of held) {
      const itemId = (n.params as { itemId?: string }).itemId;
      if (n.method.endsWith('/delta') || n.method.endsWith('/outputDelta')) {
        if (itemId && this.items.has(itemId)) continue;
      }
      this.apply(n);
    }
  }

  /** Applies a host notification; returns false when it is about another thread. */
  apply(n: AnyServerNotification): boolean {
    const tid = NOTIFICATION_THREAD(n);
    if (n.method === 'thread/updated' || n.method === 'thread/started') {
      if (n.params.thread.id !== this.threadId) return false;
      this.thread = n.params.thread;
      this.changed('thread');
      return true;
    }
    if (!tid || tid !== this.threadId) return false;
    if (this.loading) {
      this.buffered.push(n);
      return true;
    }
    switch (n.method) {
      case 'turn/started':
        this.turns.set(n.params.turn.id, n.params.turn);
        this.running = n.params.turn;
        this.changed('status');
        break;
      case 'turn/completed': {
        const turn = n.params.turn;
        this.turns.set(turn.id, turn);
        if (this.running?.id === turn.id) this.running = null;
        if (!this.rows.some((r) => r.kind === 'turn' && r.turnId === turn.id)) this.pushRow(turnRow(turn.id));
        this.changed('status', `turn:${turn.id}`);
        break;
      }
      case 'item/started':
      case 'item/updated':
      case 'item/completed':
        this.upsert(n.params.item, n.params.turnId, n.method === 'item/completed');
        break;
      case 'item/agentMessage/delta':
        this.appendText(n.params.itemId, n.params.turnId, 'agentMessage', n.params.delta);
        break;
      case 'item/reasoning/delta':
        this.appendText(n.params.itemId, n.params.turnId, 'reasoning', n.params.delta);
        break;
      case 'item/commandExecution/outputDelta': {
        const item = this.items.get(n.params.itemId);
        if (item?.type !== 'commandExecution') break;
        let out = (item.output ?? '') + n.params.delta;
        if (out.length > OUTPUT_VIEW_LIMIT) out = out.slice(out.length - OUTPUT_VIEW_LIMIT);
        this.items.set(item.id, { ...item, output: out });
        this.changed(`item:${item.id}`);
        break;
      }
      case 'thread/tokenUsage/updated':
        this.usage = n.params.total;
        this.changed('status');
        break;
      default:
        return true;
    }
    return true;
  }

  private upsert(item: Item, turnId: string, final: boolean): void {
    const prev = this.items.get(item.id);
    let next: Item = { ...item, turnId: item.turnId ?? turnId };
    // A completed command may omit the output it streamed; keep what the view already has.
    if (next.type === 'commandExecution' && prev?.type === 'commandExecution' && next.output === undefined) {
      next = { ...next, output: prev.output };
    }
    // `item/started` repeats what a delta may already have created; never lose streamed text to an empty start.
    if (!final && prev && (next.type === 'agentMessage' || next.type === 'reasoning') && prev.type === next.type && !next.text) {
      next = { ...next, text: prev.text };
    }
    this.items.set(item.id, next);
    if (final) this.done.add(item.id);
    if (!prev) this.pushRow(itemRow(item.id));
    this.changed(`item:${item.id}`);
  }

  private appendText(itemId: string, turnId: string, type: 'agentMessage' | 'reasoning', delta: string): void {
    const item = this.items.get(itemId);
    if (!item) {
      this.upsert(type === 'agentMessage' ? { id: itemId, turnId, type, text: delta, status: 'inProgress' } : { id: itemId, turnId, type, text: delta }, turnId, false);
      return;
    }
    if (item.type !== 'agentMessage' && item.type !== 'reasoning') return;
    this.items.set(itemId, { ...item, text: item.text + delta });
    this.changed(`item:${itemId}`);
  }

  private pushRow(row: Row): void {
    this.rows = [...this.rows, row];
    this.changed('rows');
  }

  addRequestRow(requestId: string): void {
    if (this.rows.some((r) => r.kind === 'request' && r.requestId === requestId)) return;
    this.pushRow({ kind: 'request', key: `r:${requestId}`, requestId });
  }

  addNotice(text: string, tone: 'info' | 'error' = 'info'): void {
    this.pushRow({ kind: 'notice', key: `n:${++noticeSeq}`, text, tone });
  }

  /** Drops the rows of turns the host rolled back. */
  removeTurns(turnIds: string[]): void {
    const gone = new Set(turnIds);
    this.rows = this.rows.filter((r) => {
      if (r.kind === 'turn') return !gone.has(r.turnId);
      if (r.kind !== 'item') return true;
      const turnId = this.items.get(r.id)?.turnId;
      if (turnId && gone.has(turnId)) {
        this.items.delete(r.id);
        return false;
      }
      return true;
    });
    for (const id of turnIds) this.turns.delete(id);
    this.changed('rows', 'status');
  }

  /** The newest user message on screen (what `/retry` sends again). */
  lastUserMessage(): Extract<Item, { type: 'userMessage' }> | undefined {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const r = this.rows[i];
      if (r.kind !== 'item') continue;
      const item = this.items.get(r.id);
      if (item?.type === 'userMessage') return item;
    }
    return undefined;
  }

  setThread(thread: Thread): void {
    this.thread = thread;
    this.threadId = thread.id;
    this.changed('thread', 'status');
  }
}

const itemRow = (id: string): Row => ({ kind: 'item', key: `i:${id}`, id });
const turnRow = (turnId: string): Row => ({ kind: 'turn', key: `t:${turnId}`, turnId });
