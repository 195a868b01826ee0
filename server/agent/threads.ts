// Thread lifecycle: start, resume, list, read, fork, rollback, search, archive, and running turns on them. One
// turn at a time per thread; the RPC layer and in-process surfaces (chat CLI, gateway) all come through here.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Item, Thread, Turn, UserInput } from '../protocol';
import type { HermesConfig } from '../config/schema';
import type { Store, ThreadRow } from '../store';
import { HostError } from '../util/errors';
import { newId } from '../util/ids';
import { redact } from '../util/redact';
import type { Logger } from '../util/log';
import type { HostEvents } from './events';
import type { PromptBuilder } from './prompt';
import { backendNote, today } from './prompt';
import { LiveItems } from './live-items';
import { runTurn, type TurnDeps } from './turn';
import { ContextCompactor } from './compression';

const MENTION_MAX_CHARS = 100_000;

export interface ThreadServiceDeps extends TurnDeps {
  prompt: PromptBuilder;
  hermesHome: string;
  /** The folder clients opened (first workspace folder), used when a thread gives no cwd. */
  workspaceRoot: () => string;
  /** Rewrites what the model sees of the user's message (a `/skill args` command loads the skill). */
  expandInput?: (text: string, ctx: { threadId: string; cwd: string }) => string;
}

interface ActiveTurn {
  /** The thread the turn runs on now: compression can move it to a new thread. */
  threadId: string;
  turn: Turn;
  controller: AbortController;
  done: Promise<Turn>;
}

export class ThreadService {
  private readonly active = new Map<string, ActiveTurn>();
  /** Things that happened between turns (a background process ended); the next turn's message carries them. */
  private readonly notices = new Map<string, string[]>();

  private readonly turnDeps: TurnDeps;

  private readonly live: LiveItems;

  constructor(private readonly deps: ThreadServiceDeps) {
    this.live = new LiveItems(deps.events);
    // Context compression runs inside turns (see compression/compactor.ts); one compactor keeps the usage records.
    const compactor = deps.compactor ?? new ContextCompactor({ store: deps.store, events: deps.events, log: deps.log.child('compression') });
    this.turnDeps = { ...deps, compactor };
  }

  /**
   * The thread that continues `threadId` now: itself, or the newest thread context compression moved it to. Starting
   * a turn (or interrupting, or leaving a notice) on a compacted thread's old id goes there, so clients that cached
   * the old id keep working; reading the old thread still shows the old thread.
   */
  current(threadId: string): string {
    return this.store.threads.compactionSuccessor(threadId) ?? threadId;
  }

  /** Compression moved a running turn: it is found under the new id from now on, its pending notices too. */
  private moved(entry: ActiveTurn, newThreadId: string): void {
    if (this.active.get(entry.threadId) === entry) this.active.delete(entry.threadId);
    const notes = this.notices.get(entry.threadId);
    if (notes) {
      this.notices.delete(entry.threadId);
      this.notices.set(newThreadId, [...(this.notices.get(newThreadId) ?? []), ...notes]);
    }
    entry.threadId = newThreadId;
    this.active.set(newThreadId, entry);
  }

  private get store(): Store {
    return this.deps.store;
  }

  private row(threadId: string): ThreadRow {
    const row = this.store.threads.getThreadRow(threadId);
    if (!row) throw new HostError('ThreadNotFound', `no thread with id ${threadId}`, { threadId });
    return row;
  }

  get(threadId: string): Thread {
    return this.store.threads.toThread(this.row(threadId), this.active.has(threadId));
  }

  start(params: { cwd?: string; model?: string; title?: string; source?: string; workspaceRoot?: string }): Thread {
    const config = this.deps.config();
    const root = params.workspaceRoot ?? this.deps.workspaceRoot();
    const cwd = resolve(root, params.cwd || config.terminal.cwd || root);
    const model = params.model || config.model.default;
    const id = newId('thr');
    const systemPrompt = this.buildPrompt(id, cwd, root, model);
    const row = this.store.threads.createThread({
      id,
      title: params.title,
      cwd,
      model,
      source: params.source ?? 'client',
      systemPrompt,
    });
    const thread = this.store.threads.toThread(row, false);
    this.deps.events.emit('thread/started', { thread });
    return thread;
  }

  private buildPrompt(threadId: string, cwd: string, root: string, model: string): string {
    const config = this.deps.config();
    const { tools } = this.deps.registry.active({ config, env: this.deps.env() });
    return this.deps.prompt.build({
      threadId,
      cwd,
      workspaceRoot: root,
      hermesHome: this.deps.hermesHome,
      model,
      toolNames: tools.map((t) => t.name),
      date: today(),
      backend: config.terminal.backend,
      backendNote: backendNote(config.terminal),
    });
  }

  /**
   * A thread imported from the Hermes agent's history has no system prompt of ours and may name a folder that does
   * not exist here; the first turn continuing it gives it both, as a new thread would have.
   */
  private settleImported(row: ThreadRow): ThreadRow {
    if (row.system_prompt != null && row.cwd) return row;
    const root = this.deps.workspaceRoot();
    const cwd = row.cwd && existsSync(row.cwd) ? row.cwd : root;
    const systemPrompt = row.system_prompt ?? this.buildPrompt(row.id, cwd, root, row.model || this.deps.config().model.default);
    this.store.db.prepare('UPDATE threads SET system_prompt = ?, cwd = ? WHERE id = ?').run(systemPrompt, cwd, row.id);
    return { ...row, system_prompt: systemPrompt, cwd };
  }

  list(params: { archived?: boolean; limit?: number; cursor?: string }): { threads: Thread[]; nextCursor?: string } {
    const { rows, nextCursor } = this.store.threads.listThreads({
      archived: params.archived,
      limit: params.limit ?? 50,
      cursor: params.cursor,
    });
    return { threads: rows.map((r) => this.store.threads.toThread(r, this.active.has(r.id))), ...(nextCursor ? { nextCursor } : {}) };
  }

  read(threadId: string): { thread: Thread; turns: Turn[]; items: Item[] } {
    const thread = this.get(threadId);
    const turns = this.store.threads.listTurns(threadId);
    const items: Item[] = [];
    for (const m of this.store.threads.history(threadId)) {
      for (const it of m.items) items.push({ ...it, ...(m.turnId ? { turnId: m.turnId } : {}) } as Item);
    }
    // What the running turn has produced so far, so a view opened mid-turn starts where the stream is.
    const seen = new Set(items.map((i) => i.id));
    for (const it of this.live.of(threadId)) if (!seen.has(it.id)) items.push(structuredClone(it));
    return { thread, turns, items };
  }

  fork(threadId: string, turnId?: string): Thread {
    const src = this.row(threadId);
    const id = newId('thr');
    this.store.db.transaction(() => {
      this.store.threads.createThread({
        id,
        title: src.title ? `${src.title} (fork)` : '',
        cwd: src.cwd,
        model: src.model,
        source: src.source,
        systemPrompt: src.system_prompt,
        parentId: src.id,
        parentKind: 'fork',
      });
      this.store.threads.copyTurns(src.id, id, turnId);
    })();
    const thread = this.get(id);
    this.deps.events.emit('thread/started', { thread });
    return thread;
  }

  rollback(threadId: string, turns: number): { thread: Thread; removedTurnIds: string[] } {
    this.row(threadId);
    this.assertIdle(threadId);
    const removedTurnIds = this.store.threads.rollback(threadId, turns);
    const thread = this.get(threadId);
    this.deps.events.emit('thread/updated', { thread });
    return { thread, removedTurnIds };
  }

  archive(threadId: string, archived: boolean): Thread {
    this.row(threadId);
    this.store.threads.updateThread(threadId, { archived: archived ? 1 : 0 });
    const thread = this.get(threadId);
    this.deps.events.emit('thread/updated', { thread });
    return thread;
  }

  rename(threadId: string, title: string): Thread {
    this.row(threadId);
    this.store.threads.updateThread(threadId, { title });
    const thread = this.get(threadId);
    this.deps.events.emit('thread/updated', { thread });
    return thread;
  }

  delete(threadId: string): void {
    this.row(threadId);
    this.assertIdle(threadId);
    this.store.threads.deleteThread(threadId);
    this.deps.events.emit('thread/deleted', { threadId });
  }

  search(query: string, opts: { limit?: number; threadId?: string; excludeThreadId?: string }) {
    return this.store.search.search(query, { limit: opts.limit ?? 20, threadId: opts.threadId, excludeThreadId: opts.excludeThreadId });
  }

  addNotice(forThreadId: string, text: string): void {
    const threadId = this.current(forThreadId);
    const list = this.notices.get(threadId) ?? [];
    list.push(text);
    this.notices.set(threadId, list.slice(-10));
  }

  isBusy(threadId: string): boolean {
    return this.active.has(this.current(threadId));
  }

  private assertIdle(threadId: string): void {
    const a = this.active.get(threadId);
    if (a) throw new HostError('TurnInProgress', `thread ${threadId} is running turn ${a.turn.id}`, { threadId, turnId: a.turn.id });
  }

  /** Commits the user's message and starts the turn; returns at once with the turn in progress. */
  startTurn(requestedId: string, input: UserInput[], opts: { model?: string } = {}): Turn {
    this.row(requestedId);
    const threadId = this.current(requestedId); // a compacted thread continues on its successor
    this.assertIdle(threadId);
    const row = this.settleImported(this.row(threadId));
    const model = opts.model || row.model || this.deps.config().model.default;
    const notices = this.notices.get(threadId);
    this.notices.delete(threadId);
    const rendered = renderInput(input, row.cwd);
    const content = redact(
      (this.deps.expandInput?.(rendered, { threadId, cwd: row.cwd }) ?? rendered) + (notices?.length ? `\n\n[Since your last turn:\n${notices.map((n) => `- ${n}`).join('\n')}]` : ''),
    );
    const turnId = newId('turn');
    const userItem: Item = { id: newId('item'), turnId, type: 'userMessage', content: input.map((i) => (i.type === 'text' ? { ...i, text: redact(i.text) } : i)) };
    let turn!: Turn;
    this.store.db.transaction(() => {
      turn = this.store.threads.createTurn(turnId, threadId, model);
      this.store.threads.insertMessage({
        threadId,
        turnId,
        role: 'user',
        content,
        reasoning: null,
        toolCalls: null,
        toolCallId: null,
        toolName: null,
        items: [userItem],
      });
      if (!row.title) this.store.threads.updateThread(threadId, { title: titleFrom(input) });
    })();
    const controller = new AbortController();
    const entry: ActiveTurn = { threadId, turn, controller, done: Promise.resolve(turn) };
    this.active.set(threadId, entry);
    this.deps.events.emit('turn/started', { threadId, turn });
    this.deps.events.emit('item/started', { threadId, turnId, item: userItem });
    this.deps.events.emit('item/completed', { threadId, turnId, item: userItem });
    if (!row.title) this.deps.events.emit('thread/updated', { thread: this.get(threadId) });
    entry.done = runTurn(this.turnDeps, {
      threadId,
      turn,
      cwd: row.cwd,
      systemPrompt: row.system_prompt ?? '',
      model,
      signal: controller.signal,
      onThreadMoved: (newThreadId) => this.moved(entry, newThreadId),
    }).finally(() => {
      if (this.active.get(entry.threadId) === entry) this.active.delete(entry.threadId);
    });
    return turn;
  }

  interrupt(threadId: string): { interrupted: boolean; turnId?: string } {
    this.row(threadId);
    const a = this.active.get(this.current(threadId));
    if (!a) return { interrupted: false };
    a.controller.abort(new Error('interrupted by the user'));
    return { interrupted: true, turnId: a.turn.id };
  }

  /** Resolves with the finished turn (or at once when the thread is idle). */
  async waitIdle(threadId: string): Promise<Turn | undefined> {
    return this.active.get(this.current(threadId))?.done;
  }

  async shutdown(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort(new Error('host shutting down'));
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }
}

function titleFrom(input: UserInput[]): string {
  const text = input.map((i) => (i.type === 'text' ? i.text : `@${i.path}`)).join(' ').replace(/\s+/g, ' ').trim();
  return redact(text.length > 60 ? text.slice(0, 57) + '…' : text) || 'New thread';
}

/** Text parts as typed; `@file` mentions inlined so the model sees the file's content. */
export function renderInput(input: UserInput[], cwd: string): string {
  const parts: string[] = [];
  for (const i of input) {
    if (i.type === 'text') parts.push(i.text);
    else {
      const path = isAbsolute(i.path) ? i.path : resolve(cwd, i.path);
      try {
        const st = statSync(path);
        if (!st.isFile()) throw new Error('not a file');
        let text = readFileSync(path, 'utf8');
        if (text.length > MENTION_MAX_CHARS) text = text.slice(0, MENTION_MAX_CHARS) + `\n[... truncated: ${st.size} bytes in total]`;
        parts.push(`<file path="${i.path}">\n${text}\n</file>`);
      } catch (e) {
        parts.push(`[@${i.path}: could not read the file (${(e as Error).message})]`);
      }
    }
  }
  return parts.join('\n\n');
}
