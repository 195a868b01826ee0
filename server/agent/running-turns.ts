// The turns running now, one per thread, and what waits for each thread: queued turns (busy mode `queue`) and text
// for the running turn (busy mode `steer`). Compression can move a running turn to a new thread id mid-way; this is
// the one place that follows it (the hub and the tools wiring hear of it through `onMoved`).
import type { Turn, UserInput } from '../protocol';
import { HostError } from '../util/errors';

/** A message sent with busy mode `steer`: what the model reads, and the parts its transcript item shows. */
export interface SteerEntry {
  content: string;
  parts: UserInput[];
}

export interface ActiveTurn {
  /** The thread the turn runs on now: compression can move it to a new thread. */
  threadId: string;
  turn: Turn;
  controller: AbortController;
  done: Promise<Turn>;
  /** Messages sent with busy mode `steer`, taken by the loop before its next model call. */
  steering: SteerEntry[];
  /** The surface that started the turn (from its policy), so surfaces can tell their own turns from others'. */
  origin?: { surfaceId: string; kind: string; label: string };
}

type Queued = { turnId: string; run: () => void };

export class RunningTurns {
  private readonly active = new Map<string, ActiveTurn>();
  private readonly queued = new Map<string, Queued[]>();
  private readonly moveListeners = new Set<(from: string, to: string) => void>();

  get(threadId: string): ActiveTurn | undefined {
    return this.active.get(threadId);
  }

  has(threadId: string): boolean {
    return this.active.has(threadId);
  }

  all(): ActiveTurn[] {
    return [...this.active.values()];
  }

  assertIdle(threadId: string): void {
    const a = this.active.get(threadId);
    if (a) throw new HostError('TurnInProgress', `thread ${threadId} is running turn ${a.turn.id}`, { threadId, turnId: a.turn.id });
  }

  /** Registers a started turn; when it ends, the thread's next queued turn starts. */
  begin(entry: ActiveTurn): void {
    this.active.set(entry.threadId, entry);
    entry.done = entry.done.finally(() => {
      if (this.active.get(entry.threadId) === entry) this.active.delete(entry.threadId);
      this.next(entry.threadId);
    });
  }

  /** Runs `run` after the thread's running turn (and the turns queued before it). */
  enqueue(threadId: string, turnId: string, run: () => void): void {
    const list = this.queued.get(threadId) ?? [];
    list.push({ turnId, run });
    this.queued.set(threadId, list);
  }

  queuedCount(threadId: string): number {
    return this.queued.get(threadId)?.length ?? 0;
  }

  /** Drops what waits for a thread (`/stop` clears the queue too); returns how many were dropped. */
  clearQueue(threadId: string): number {
    return this.takeQueue(threadId).length;
  }

  /** Drops what waits for a thread and returns the ids of the turns dropped. */
  takeQueue(threadId: string): string[] {
    const ids = (this.queued.get(threadId) ?? []).map((q) => q.turnId);
    this.queued.delete(threadId);
    return ids;
  }

  /** Takes one queued turn out of the thread's queue before it starts; false when it is not queued (any more). */
  dropQueued(threadId: string, turnId: string): boolean {
    const list = this.queued.get(threadId);
    const i = list?.findIndex((q) => q.turnId === turnId) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    if (!list.length) this.queued.delete(threadId);
    return true;
  }

  private next(threadId: string): void {
    const list = this.queued.get(threadId);
    const q = list?.shift();
    if (!list?.length) this.queued.delete(threadId);
    if (q) queueMicrotask(q.run);
  }

  /** Compression continued the running turn on `to`: it, its queue and its listeners follow. */
  moved(entry: ActiveTurn, to: string): void {
    const from = entry.threadId;
    if (this.active.get(from) === entry) this.active.delete(from);
    entry.threadId = to;
    this.active.set(to, entry);
    const q = this.queued.get(from);
    if (q) {
      this.queued.delete(from);
      this.queued.set(to, [...(this.queued.get(to) ?? []), ...q]);
    }
    for (const l of this.moveListeners) {
      try {
        l(from, to);
      } catch {}
    }
  }

  /** Everything keyed by thread id that must follow a compacted thread subscribes here. */
  onMoved(listener: (from: string, to: string) => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }
}
