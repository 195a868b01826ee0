// Background processes started by `terminal(background: true)`. Each keeps a rolling output buffer (the oldest
// output falls off once it exceeds the cap), a poll cursor so `poll` returns only what is new, and the stdin text
// written since the last newline (the approval gate classifies the whole line, not the last fragment written).
// Finished processes stay visible for a while so the model can read their output, then are pruned.
import type { ProcessHandle, Sandbox } from '../sandbox/types';
import { newId } from '../util/ids';
import { tailLines } from './output';

export type ProcessStatus = 'running' | 'exited' | 'killed';

export interface ProcessInfo {
  id: string;
  threadId: string;
  command: string;
  cwd: string;
  backend: string;
  pid?: number;
  status: ProcessStatus;
  exitCode: number | null;
  signal?: string;
  startedAt: number;
  endedAt?: number;
  /** Total characters the process has written, including those dropped from the buffer. */
  outputChars: number;
}

export interface FinishedEvent {
  processId: string;
  threadId: string;
  command: string;
  exitCode: number | null;
  /** The last lines of output. */
  tail: string;
}

export interface PollResult {
  info: ProcessInfo;
  output: string;
  /** Characters produced since the last poll that were already dropped from the buffer. */
  missedChars: number;
}

export interface LogResult {
  info: ProcessInfo;
  lines: string[];
  /** 1-based number of the first returned line within the buffer. */
  firstLine: number;
  totalLines: number;
  /** True when older output was dropped from the buffer. */
  truncatedBefore: boolean;
}

export interface ProcessRegistryOptions {
  maxTracked?: number;
  bufferChars?: number;
  finishedTtlMs?: number;
  /** How long `kill` waits after SIGTERM before sending SIGKILL. */
  killGraceMs?: number;
  now?: () => number;
}

interface Entry {
  info: ProcessInfo;
  handle: ProcessHandle;
  chunks: string[];
  bufferedChars: number;
  /** Absolute output offset of the first buffered character. */
  droppedChars: number;
  pollCursor: number;
  /** Access order (a counter, not a clock: two accesses in the same millisecond must still be ordered). */
  lastAccess: number;
  stdinLine: string;
  stdinClosed: boolean;
  exited: Promise<void>;
  markExited: () => void;
}

export const notFound = (id: string) => `no background process with id ${id}; list them with process(action: "list")`;

export class ProcessRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(e: FinishedEvent) => void>();
  private readonly maxTracked: number;
  private readonly bufferChars: number;
  private readonly finishedTtlMs: number;
  private readonly killGraceMs: number;
  private readonly now: () => number;
  private accesses = 0;

  constructor(opts: ProcessRegistryOptions = {}) {
    this.maxTracked = opts.maxTracked ?? 64;
    this.bufferChars = opts.bufferChars ?? 200_000;
    this.finishedTtlMs = opts.finishedTtlMs ?? 30 * 60_000;
    this.killGraceMs = opts.killGraceMs ?? 3000;
    this.now = opts.now ?? Date.now;
  }

  /** Called once per process when it ends; returns an unsubscribe function. */
  /** The thread continues under a new id (context compression): its processes go with it. */
  rekey(fromThreadId: string, toThreadId: string): void {
    for (const e of this.entries.values()) if (e.info.threadId === fromThreadId) e.info.threadId = toThreadId;
  }

  onFinished(cb: (e: FinishedEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  async start(
    sandbox: Sandbox,
    req: { threadId: string; command: string; cwd: string; workdir?: string; pty?: boolean },
  ): Promise<ProcessInfo> {
    this.prune();
    this.makeRoom();
    if (this.entries.size >= this.maxTracked) {
      throw new Error(
        `too many background processes (${this.maxTracked} tracked, all still running); kill some with process(action: "kill") first`,
      );
    }
    const handle = await sandbox.spawn(req.command, { workdir: req.workdir, pty: req.pty });
    const id = newId('proc');
    let markExited = () => {};
    const exited = new Promise<void>((r) => (markExited = r));
    const entry: Entry = {
      info: {
        id,
        threadId: req.threadId,
        command: req.command,
        cwd: req.workdir ?? req.cwd,
        backend: sandbox.kind,
        pid: handle.pid,
        status: 'running',
        exitCode: null,
        startedAt: this.now(),
        outputChars: 0,
      },
      handle,
      chunks: [],
      bufferedChars: 0,
      droppedChars: 0,
      pollCursor: 0,
      lastAccess: ++this.accesses,
      stdinLine: '',
      stdinClosed: false,
      exited,
      markExited,
    };
    this.entries.set(id, entry);
    handle.onData((chunk) => this.append(entry, chunk));
    handle.onExit((code, signal) => this.finish(entry, code, signal));
    return { ...entry.info };
  }

  /** Processes of one thread (all threads when omitted), newest first. */
  list(threadId?: string): ProcessInfo[] {
    this.prune();
    return [...this.entries.values()]
      .filter((e) => threadId === undefined || e.info.threadId === threadId)
      .map((e) => ({ ...e.info }))
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string, threadId?: string): ProcessInfo | undefined {
    const e = this.entry(id, threadId);
    return e && { ...e.info };
  }

  /** Output since the previous poll. */
  poll(id: string, threadId?: string): PollResult {
    const e = this.require(id, threadId);
    const total = e.info.outputChars;
    const from = Math.max(e.pollCursor, e.droppedChars);
    const missedChars = from - e.pollCursor;
    e.pollCursor = total;
    return { info: { ...e.info }, output: this.buffered(e).slice(from - e.droppedChars), missedChars };
  }

  /** Lines of the buffer: `offset` is 1-based; without it, the last `limit` lines. */
  log(id: string, opts: { offset?: number; limit?: number } = {}, threadId?: string): LogResult {
    const e = this.require(id, threadId);
    const text = this.buffered(e);
    const all = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    const limit = Math.max(1, opts.limit ?? 200);
    const start = opts.offset !== undefined ? Math.max(0, opts.offset - 1) : Math.max(0, all.length - limit);
    return {
      info: { ...e.info },
      lines: all.slice(start, start + limit),
      firstLine: start + 1,
      totalLines: all.length,
      truncatedBefore: e.droppedChars > 0,
    };
  }

  /** Resolves when the process ends, the timeout passes (`timedOut`) or `signal` aborts. */
  async wait(
    id: string,
    timeoutMs: number,
    signal?: AbortSignal,
    threadId?: string,
  ): Promise<{ info: ProcessInfo; timedOut: boolean; aborted: boolean }> {
    const e = this.require(id, threadId);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const outcome = await Promise.race([
      e.exited.then(() => 'done' as const),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
      new Promise<'aborted'>((r) => {
        if (!signal) return;
        if (signal.aborted) return r('aborted');
        onAbort = () => r('aborted');
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    e.lastAccess = ++this.accesses;
    return { info: { ...e.info }, timedOut: outcome === 'timeout', aborted: outcome === 'aborted' };
  }

  /** SIGTERM to the process group, then SIGKILL if it is still running after the grace period. */
  async kill(id: string, threadId?: string): Promise<ProcessInfo> {
    const e = this.require(id, threadId);
    if (e.info.status !== 'running') return { ...e.info };
    this.terminate(e);
    await e.exited;
    return { ...e.info };
  }

  /** Raw stdin. The caller has already cleared `pendingLine(id) + data` with the approval gate. */
  write(id: string, data: string, threadId?: string): void {
    const e = this.require(id, threadId);
    if (e.info.status !== 'running') throw new Error(`process ${id} has already ended`);
    if (e.stdinClosed) throw new Error(`stdin of process ${id} is closed`);
    e.handle.write(data);
    const nl = data.lastIndexOf('\n');
    e.stdinLine = nl === -1 ? e.stdinLine + data : data.slice(nl + 1);
  }

  /** Stdin written since the last newline (what a shell would still be collecting into a command line). */
  pendingLine(id: string, threadId?: string): string {
    return this.require(id, threadId).stdinLine;
  }

  closeStdin(id: string, threadId?: string): void {
    const e = this.require(id, threadId);
    if (e.stdinClosed || e.info.status !== 'running') return;
    e.stdinClosed = true;
    e.handle.closeStdin();
  }

  /** Kills every running process (host shutdown) and waits for them to end. */
  async stopAll(): Promise<void> {
    const running = [...this.entries.values()].filter((e) => e.info.status === 'running');
    for (const e of running) this.terminate(e);
    // A backend that never reports the exit (a dropped SSH link) must not hang shutdown.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((r) => (timer = setTimeout(r, this.killGraceMs + 2000)));
    await Promise.race([Promise.all(running.map((e) => e.exited)), giveUp]);
    clearTimeout(timer);
  }

  private terminate(e: Entry): void {
    e.info.status = 'killed';
    try {
      e.handle.kill('SIGTERM');
    } catch {
      // already gone; onExit will follow
    }
    const timer = setTimeout(() => {
      try {
        e.handle.kill('SIGKILL');
      } catch {
        // nothing left to kill
      }
    }, this.killGraceMs);
    timer.unref();
    void e.exited.then(() => clearTimeout(timer));
  }

  private entry(id: string, threadId?: string): Entry | undefined {
    const e = this.entries.get(id);
    if (!e || (threadId !== undefined && e.info.threadId !== threadId)) return undefined;
    e.lastAccess = ++this.accesses;
    return e;
  }

  private require(id: string, threadId?: string): Entry {
    const e = this.entry(id, threadId);
    if (!e) throw new Error(notFound(id));
    return e;
  }

  private buffered(e: Entry): string {
    if (e.chunks.length > 1) e.chunks = [e.chunks.join('')];
    return e.chunks[0] ?? '';
  }

  private append(e: Entry, chunk: string): void {
    if (!chunk) return;
    e.chunks.push(chunk);
    e.bufferedChars += chunk.length;
    e.info.outputChars += chunk.length;
    // Compact lazily: joining on every chunk would make a chatty process quadratic.
    if (e.bufferedChars > this.bufferChars * 1.5 || e.chunks.length > 1000) this.trim(e);
  }

  private trim(e: Entry): void {
    const text = e.chunks.join('');
    const excess = text.length - this.bufferChars;
    if (excess > 0) {
      e.chunks = [text.slice(excess)];
      e.droppedChars += excess;
      e.bufferedChars = this.bufferChars;
    } else e.chunks = [text];
  }

  private finish(e: Entry, code: number | null, signal?: string): void {
    if (e.info.endedAt !== undefined) return;
    this.trim(e);
    if (e.info.status === 'running') e.info.status = 'exited';
    e.info.exitCode = code;
    if (signal) e.info.signal = signal;
    e.info.endedAt = this.now();
    e.markExited();
    const event: FinishedEvent = {
      processId: e.info.id,
      threadId: e.info.threadId,
      command: e.info.command,
      exitCode: code,
      tail: tailLines(this.buffered(e), 20, 2000),
    };
    for (const cb of this.listeners) {
      try {
        cb(event);
      } catch {
        // a failing listener must not stop the others
      }
    }
  }

  /** Drops finished processes past their TTL. */
  private prune(): void {
    const now = this.now();
    for (const [id, e] of this.entries) {
      if (e.info.endedAt !== undefined && now - e.info.endedAt > this.finishedTtlMs) this.entries.delete(id);
    }
  }

  /** Before a start at the cap: drops finished processes, least recently used first, to free one slot. */
  private makeRoom(): void {
    if (this.entries.size < this.maxTracked) return;
    const finished = [...this.entries.values()]
      .filter((e) => e.info.endedAt !== undefined)
      .sort((a, b) => a.lastAccess - b.lastAccess);
    while (this.entries.size >= this.maxTracked && finished.length) this.entries.delete(finished.shift()!.info.id);
  }
}
