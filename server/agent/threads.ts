// Thread lifecycle: start, resume, list, read, fork, rollback, search, archive, and running turns on them. One
// turn at a time per thread; the RPC layer and in-process surfaces (chat CLI, gateway) all come through here.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BusyMode, Item, Thread, Turn, UserInput } from '../protocol';
import type { HermesConfig } from '../config/schema';
import type { Store, ThreadRow } from '../store';
import { HostError } from '../util/errors';
import { newId } from '../util/ids';
import { redact } from '../util/redact';
import type { Logger } from '../util/log';
import type { HostEvents } from './events';
import type { PromptBuilder } from './prompt';
import { backendNote, today } from './prompt';
import { localSandboxNote } from '../sandbox/sandbox-note';
import { LiveItems } from './live-items';
import { modelClientFor, runTurn, type TurnDeps } from './turn';
import { ContextCompactor } from './compression';
import { RunningTurns, type ActiveTurn } from './running-turns';
import { HOST_ORIGIN, policyFor, type TurnPolicy } from './policy';
import { AttachmentStore } from '../attachments/store';
import { ingestInput, type ImageRef } from '../attachments/ingest';
import { renderInput, titleFrom } from './input-text';


export interface ThreadServiceDeps extends TurnDeps {
  prompt: PromptBuilder;
  hermesHome: string;
  /** The folder clients opened (first workspace folder), used when a thread gives no cwd. */
  workspaceRoot: () => string;
  /** Where images users send are kept; defaults to HERMES_HOME/attachments. */
  attachments?: AttachmentStore;
  /** Rewrites what the model sees of the user's message (a `/skill args` command loads the skill). */
  expandInput?: (text: string, ctx: { threadId: string; cwd: string }) => string;
}

export class ThreadService {
  /** Turns running now, what is queued behind them, and where compression moved them. */
  readonly running = new RunningTurns();
  /** Things that happened between turns (a background process ended); the next turn's message carries them. */
  private readonly notices = new Map<string, string[]>();

  private readonly turnDeps: TurnDeps;

  private readonly live: LiveItems;

  /** Images users sent, kept once each (see attachments/store.ts). */
  readonly attachments: AttachmentStore;

  constructor(private readonly deps: ThreadServiceDeps) {
    this.live = new LiveItems(deps.events);
    this.attachments = deps.attachments ?? new AttachmentStore(deps.hermesHome);
    this.running.onMoved((from, to) => this.live.move(from, to));
    // Context compression runs inside turns (see compression/compactor.ts); one compactor keeps the usage records.
    const compactor = deps.compactor ?? new ContextCompactor({ store: deps.store, events: deps.events, log: deps.log.child('compression') });
    this.turnDeps = { ...deps, compactor, attachments: this.attachments };
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
    const notes = this.notices.get(entry.threadId);
    if (notes) {
      this.notices.delete(entry.threadId);
      this.notices.set(newThreadId, [...(this.notices.get(newThreadId) ?? []), ...notes]);
    }
    this.running.moved(entry, newThreadId);
  }

  /** Things keyed by thread id (shells, processes, session approvals) follow a compacted thread from here. */
  onMoved(listener: (from: string, to: string) => void): () => void {
    return this.running.onMoved(listener);
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
    return this.store.threads.toThread(this.row(threadId), this.running.has(threadId));
  }

  start(params: {
    cwd?: string;
    model?: string;
    title?: string;
    source?: string;
    workspaceRoot?: string;
    /** A subagent's thread: linked to the thread that delegated to it. */
    parent?: { id: string; kind: 'delegate' };
    /** Appended to the system prompt (a subagent's task). */
    promptSuffix?: string;
  }): Thread {
    const config = this.deps.config();
    const root = params.workspaceRoot ?? this.deps.workspaceRoot();
    const cwd = resolve(root, params.cwd || config.terminal.cwd || root);
    const model = params.model || config.model.default;
    const id = newId('thr');
    const systemPrompt = this.buildPrompt(id, cwd, root, model) + (params.promptSuffix ? `\n\n${params.promptSuffix}` : '');
    const row = this.store.threads.createThread({
      id,
      title: params.title,
      cwd,
      model,
      source: params.source ?? 'client',
      systemPrompt,
      ...(params.parent ? { parentId: params.parent.id, parentKind: params.parent.kind } : {}),
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
      backendNote: backendNote(config.terminal) ?? localSandboxNote(config.terminal, cwd, this.deps.hermesHome),
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
    return { threads: rows.map((r) => this.store.threads.toThread(r, this.running.has(r.id))), ...(nextCursor ? { nextCursor } : {}) };
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

  /** `/model id`: the conversation's next turns use this model. */
  setModel(requestedId: string, model: string): Thread {
    const threadId = this.current(requestedId);
    this.row(threadId);
    this.store.threads.updateThread(threadId, { model });
    const thread = this.get(threadId);
    this.deps.events.emit('thread/updated', { thread });
    return thread;
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
    const images = this.store.threads.attachmentsOf(threadId);
    this.store.threads.deleteThread(threadId);
    // Images no other thread names (forks and compacted threads share them) go with it.
    for (const id of images) if (!this.store.threads.attachmentInUse(id)) this.attachments.remove(id);
    this.deps.events.emit('thread/deleted', { threadId });
  }

  /** `thread/attachment`: the bytes of an image the thread's transcript shows. */
  attachment(threadId: string, attachmentId: string): { attachmentId: string; mimeType: ImageRef['mimeType']; size: number; data: string } {
    this.row(threadId);
    const found = this.store.threads.mentions(threadId, attachmentId) ? this.attachments.read(attachmentId) : undefined;
    if (!found) throw new HostError('NotFound', `thread ${threadId} has no image ${attachmentId}`, { threadId, attachmentId });
    return { attachmentId, mimeType: found.image.mimeType, size: found.image.size, data: found.bytes.toString('base64') };
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
    return this.running.has(this.current(threadId));
  }

  private assertIdle(threadId: string): void {
    this.running.assertIdle(threadId);
  }

  /**
   * Starts a turn on a thread, or — when the thread is busy — refuses, queues, interrupts or steers as `busy` says.
   * Returns at once: the turn runs in the background (after the running one, for `queue`).
   */
  async startTurn(
    requestedId: string,
    input: UserInput[],
    opts: { model?: string; policy?: TurnPolicy; busy?: BusyMode } = {},
  ): Promise<{ turn: Turn; disposition: 'started' | 'queued' | 'steered' }> {
    const requested = this.row(requestedId);
    const threadId = this.current(requestedId); // a compacted thread continues on its successor
    const policy = opts.policy ?? policyFor(this.deps.config(), HOST_ORIGIN);
    const cwd = (threadId === requestedId ? requested : this.row(threadId)).cwd;
    // Images are checked and stored now, so a bad one is refused to the caller and a queued turn holds no bytes.
    input = ingestInput(input, this.attachments, cwd || this.deps.workspaceRoot());
    const running = this.running.get(threadId);
    if (running) {
      switch (opts.busy ?? 'refuse') {
        case 'refuse':
          this.assertIdle(threadId);
          break;
        case 'steer':
          this.steer(threadId, input);
          return { turn: running.turn, disposition: 'steered' };
        case 'interrupt':
          running.controller.abort(new Error('interrupted by a new message'));
          this.dropQueue(threadId);
          await running.done.catch(() => {});
          break;
        case 'queue': {
          const turnId = newId('turn');
          const row = this.row(threadId);
          this.running.enqueue(threadId, turnId, () => {
            try {
              this.begin(this.current(threadId), input, opts.model, policy, turnId);
            } catch (e) {
              this.deps.log.warn('queued turn could not start', { threadId, error: (e as Error).message });
            }
          });
          const turn: Turn = { id: turnId, threadId, status: 'inProgress', startedAt: Date.now(), model: opts.model || row.model };
          return { turn, disposition: 'queued' };
        }
      }
    }
    // Whoever waited (interrupt) may find the thread moved by compression meanwhile.
    return { turn: this.begin(this.current(threadId), input, opts.model, policy), disposition: 'started' };
  }

  /** Commits the user's message and starts the turn on an idle thread. */
  private begin(threadId: string, input: UserInput[], modelOverride: string | undefined, policy: TurnPolicy, turnId = newId('turn')): Turn {
    this.assertIdle(threadId);
    const row = this.settleImported(this.row(threadId));
    const model = modelOverride || row.model || this.deps.config().model.default;
    const notices = this.notices.get(threadId);
    this.notices.delete(threadId);
    const rendered = renderInput(input, row.cwd, this.attachments);
    const content = redact(
      (this.deps.expandInput?.(rendered, { threadId, cwd: row.cwd }) ?? rendered) + (notices?.length ? `\n\n[Since your last turn:\n${notices.map((n) => `- ${n}`).join('\n')}]` : ''),
    );
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
    const entry: ActiveTurn = { threadId, turn, controller, done: Promise.resolve(turn), steering: [], origin: policy.origin };
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
      policy,
      takeSteering: () => entry.steering.splice(0),
      onThreadMoved: (newThreadId) => this.moved(entry, newThreadId),
    });
    this.running.begin(entry);
    return turn;
  }

  /** Hands text to the thread's running turn (seen before its next model call); false when nothing runs. */
  steer(requestedId: string, input: UserInput[]): boolean {
    const threadId = this.current(requestedId);
    const running = this.running.get(threadId);
    if (!running) return false;
    const parts = ingestInput(input, this.attachments, this.row(threadId).cwd || this.deps.workspaceRoot());
    running.steering.push({ content: renderInput(parts, this.row(threadId).cwd, this.attachments), parts });
    return true;
  }

  /**
   * `/compress`: summarises the middle of an idle thread now, as a turn of its own (so nothing else runs on the thread
   * meanwhile and clients see it start and end). Resolves with the thread the conversation continues on.
   */
  async compactNow(requestedId: string): Promise<{ compacted: boolean; thread: Thread; tokensBefore?: number; tokensAfter?: number }> {
    this.row(requestedId);
    const threadId = this.current(requestedId);
    const row = this.row(threadId);
    this.assertIdle(threadId);
    const config = this.deps.config();
    const turn = this.store.threads.createTurn(newId('turn'), threadId, row.model);
    const controller = new AbortController();
    const entry: ActiveTurn = { threadId, turn, controller, done: Promise.resolve(turn), steering: [] };
    this.deps.events.emit('turn/started', { threadId, turn });
    let outcome: Awaited<ReturnType<ContextCompactor['maybeCompact']>> = null;
    let failure: string | undefined;
    entry.done = (async () => {
      try {
        outcome = await this.turnDeps.compactor!.maybeCompact({
          threadId,
          turnId: turn.id,
          systemPrompt: row.system_prompt ?? '',
          toolsJson: '',
          client: modelClientFor(this.turnDeps, config, row.model || config.model.default),
          signal: controller.signal,
          config,
          force: true,
          onMoved: (to) => this.moved(entry, to),
        });
      } catch (e) {
        failure = (e as Error).message;
      }
      const at = outcome?.threadId ?? threadId;
      const status = controller.signal.aborted ? 'interrupted' : failure ? 'failed' : 'completed';
      const done = this.store.threads.completeTurn(turn.id, at, status, { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, failure ? { kind: 'Internal', message: failure } : undefined);
      this.deps.events.emit('turn/completed', { threadId: at, turn: done });
      return done;
    })();
    this.running.begin(entry);
    await entry.done;
    const o = outcome as Awaited<ReturnType<ContextCompactor['maybeCompact']>>;
    if (failure) throw new HostError('Internal', `compression failed: ${failure}`);
    return o
      ? { compacted: true, thread: this.get(o.threadId), tokensBefore: o.tokensBefore, tokensAfter: o.tokensAfter }
      : { compacted: false, thread: this.get(threadId) };
  }

  private readonly interruptListeners = new Set<(threadId: string) => void>();

  /** Hears every user interrupt of a thread, running turn or not (subagents of that thread stop too). */
  onInterrupt(listener: (threadId: string) => void): () => void {
    this.interruptListeners.add(listener);
    return () => this.interruptListeners.delete(listener);
  }

  interrupt(threadId: string, opts: { clearQueue?: boolean; turnId?: string } = {}): { interrupted: boolean; turnId?: string; dropped?: number } {
    this.row(threadId);
    const id = this.current(threadId);
    if (opts.turnId && this.running.get(id)?.turn.id !== opts.turnId) {
      // Only that turn: a queued one is taken out of the queue; another surface's running turn is left alone.
      if (!this.running.dropQueued(id, opts.turnId)) return { interrupted: false };
      this.endQueued(id, [opts.turnId]);
      return { interrupted: true, turnId: opts.turnId };
    }
    for (const l of this.interruptListeners) {
      try {
        l(id);
      } catch (e) {
        this.deps.log.warn('interrupt listener failed', { threadId: id, error: (e as Error).message });
      }
    }
    const dropped = opts.clearQueue ? this.dropQueue(id) : 0;
    const a = this.running.get(id);
    if (!a) return { interrupted: false, ...(dropped ? { dropped } : {}) };
    a.controller.abort(new Error('interrupted by the user'));
    return { interrupted: true, turnId: a.turn.id, ...(dropped ? { dropped } : {}) };
  }

  /** Drops the thread's queued turns; returns how many. */
  private dropQueue(threadId: string): number {
    const ids = this.running.takeQueue(threadId);
    this.endQueued(threadId, ids);
    return ids.length;
  }

  /** Queued turns that will never run end as interrupted, so whoever waits for them (turn/start said they would
   * run) hears they are over. They never started: no turn/started, nothing stored. */
  private endQueued(threadId: string, turnIds: string[]): void {
    const now = Date.now();
    for (const id of turnIds) this.deps.events.emit('turn/completed', { threadId, turn: { id, threadId, status: 'interrupted', startedAt: now, completedAt: now } });
  }

  /** Resolves with the finished turn (or at once when the thread is idle). */
  async waitIdle(threadId: string): Promise<Turn | undefined> {
    return this.running.get(this.current(threadId))?.done;
  }

  /** Set once the host is closing: nothing new should start. */
  closing = false;

  async shutdown(): Promise<void> {
    this.closing = true;
    const all = this.running.all();
    for (const a of all) {
      this.running.clearQueue(a.threadId);
      a.controller.abort(new Error('host shutting down'));
    }
    await Promise.allSettled(all.map((a) => a.done));
  }
}
