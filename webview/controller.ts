// The webview's controller: turns user actions into host requests and host messages into view-model changes.
// It never runs the agent or decides anything the host decides; it shows what the host says and asks it for the rest.
import type { AnyServerNotification, ExtensionToWebview, FileChange, RequestResult, ServerRequestMethod, ServerRequestParams, UserInput } from '../server/protocol';
import { followThread } from '../server/protocol/follow';
import { HostBridge, RequestError, type VsCodeApi } from './bridge-client';
import { parseSlash, type SlashAction } from './commands';
import { Emitter } from './state/emitter';
import { HistoryState } from './state/history';
import { Requests } from './state/requests';
import { Transcript } from './state/transcript';
import { UiStateStore } from './ui-state';
import { HistoryActions } from './history-actions';
import { imageInputs, TranscriptImages, type PendingImage } from './images';

export type SkillInfo = RequestResult<'skills/list'>['skills'][number];

export interface Session {
  /** A `hello` arrived (before it, nothing is known about the host). */
  greeted: boolean;
  connected: boolean;
  hermesHome?: string;
  workspaceRoot?: string;
  models: string[];
  defaultModel: string;
  modelError?: string;
  skills: SkillInfo[];
  /** The host's own slash commands (command/list); empty with an older host, which leaves the built-in list. */
  commands: { name: string; description: string; args?: string }[];
  view: 'chat' | 'history';
  /** Read by screen readers through an assertive live region (approval prompts). */
  announcement: string;
}

/** What the composer should do after a submit. */
export interface SubmitOutcome {
  ok: boolean;
  /** Text to put back in the composer (a failed send, or the message `/undo` took back). */
  restore?: string;
}

export class ChatController {
  readonly emitter = new Emitter();
  readonly transcript = new Transcript(this.emitter);
  readonly requests = new Requests(this.emitter);
  readonly history = new HistoryState(this.emitter);
  readonly ui: UiStateStore;
  readonly bridge: HostBridge;
  readonly historyActions: HistoryActions;
  /** Pictures the transcript shows, read from the host by id. */
  readonly images: TranscriptImages;
  private greetedOnce = false;
  readonly session: Session = { greeted: false, connected: false, models: [], defaultModel: '', skills: [], commands: [], view: 'chat', announcement: '' };

  constructor(api: VsCodeApi, target?: Pick<Window, 'addEventListener'>) {
    this.ui = new UiStateStore(api);
    this.bridge = new HostBridge(
      api,
      {
        hello: (h) => void this.onHello(h),
        notification: (n) => this.onNotification(n),
        serverRequest: (m, p) => this.onServerRequest(m, p),
        command: (cmd) => void this.onCommand(cmd),
      },
      target,
    );
    this.historyActions = new HistoryActions(this);
    this.images = new TranscriptImages(this.bridge);
  }

  start(): void {
    this.bridge.ready();
  }

  private mark(...keys: string[]): void {
    this.emitter.mark(...keys);
  }

  /** Shows a failure in the transcript, plainly. */
  report(e: unknown, what?: string): void {
    const msg = e instanceof Error ? e.message : String(e);
    this.transcript.addNotice(what ? `${what}: ${msg}` : msg, 'error');
  }

  // ---- host → webview -------------------------------------------------------------------------------------------

  private async onHello(h: Extract<ExtensionToWebview, { type: 'hello' }>): Promise<void> {
    Object.assign(this.session, { greeted: true, connected: h.connected, hermesHome: h.hermesHome, workspaceRoot: h.workspaceRoot });
    this.mark('session');
    if (!h.connected) return;
    // After a reconnect, the thread on screen; after a reload, the one this webview saved (the user may have started
    // a new chat since the extension last saw a thread); in a fresh view (a new panel), the one the extension names.
    const threadId = this.greetedOnce ? this.transcript.threadId : this.ui.restored ? this.ui.get().threadId : (h.threadId ?? null);
    this.greetedOnce = true;
    // A hello after a reconnect may follow missed notifications: always rebuild from the host.
    if (threadId) await this.openThread(threadId);
    else this.newChat();
    void this.refreshModels();
    void this.refreshSkills();
    if (this.session.view === 'history') void this.historyActions.load();
  }

  private onNotification(n: AnyServerNotification): void {
    switch (n.method) {
      case 'serverRequest/resolved':
        if (this.requests.resolve(n.params)) this.announce('');
        return;
      case 'thread/started':
      case 'thread/updated':
        this.history.upsert(n.params.thread);
        this.transcript.apply(n);
        return;
      case 'thread/deleted':
        this.history.remove(n.params.threadId);
        if (n.params.threadId === this.transcript.threadId) {
          this.newChat(false);
          this.transcript.addNotice('This chat was deleted.');
        }
        return;
      case 'skills/changed':
        void this.refreshSkills();
        return;
      case 'thread/compacted': {
        // The host summarised earlier turns and continues this chat as a new thread: follow it. The new thread
        // holds the summary, the recent turns and the running turn, so the view rebuilds from it.
        this.history.upsert(n.params.thread);
        if (followThread(this.transcript.threadId, n) === this.transcript.threadId) return;
        const models = { ...this.ui.get().modelByThread };
        if (models[n.params.threadId]) models[n.params.thread.id] = models[n.params.threadId];
        this.ui.update({ modelByThread: models });
        void this.openThread(n.params.thread.id);
        this.announce('Earlier messages were summarised to free context.');
        return;
      }
      default:
        this.transcript.apply(n);
    }
  }

  private onServerRequest(method: ServerRequestMethod, params: ServerRequestParams<ServerRequestMethod>): void {
    const r = this.requests.add(method, params);
    if (r.state !== 'pending') return;
    if (!params.threadId || params.threadId === this.transcript.threadId) this.transcript.addRequestRow(params.requestId);
    this.announce(describeRequest(method, params));
  }

  private async onCommand(cmd: Extract<ExtensionToWebview, { type: 'command' }>): Promise<void> {
    switch (cmd.command) {
      case 'newChat':
        this.newChat();
        return;
      case 'openThread':
        if (cmd.threadId) await this.openThread(cmd.threadId);
        return;
      case 'focusInput':
        this.mark('focus');
        return;
      case 'sendPrompt':
        if (cmd.text) await this.submit(cmd.text, []);
        return;
    }
  }

  announce(text: string): void {
    this.session.announcement = text;
    this.mark('announce');
  }

  // ---- threads --------------------------------------------------------------------------------------------------

  newChat(showChat = true): void {
    this.transcript.reset(null);
    this.requests.prune(null);
    this.ui.update({ threadId: null });
    if (showChat) this.session.view = 'chat';
    this.mark('session', 'focus');
  }

  async openThread(threadId: string): Promise<void> {
    const epoch = this.transcript.beginLoad(threadId);
    this.requests.prune(threadId);
    this.ui.update({ threadId });
    this.session.view = 'chat';
    this.mark('session');
    try {
      const read = await this.bridge.request('thread/read', { threadId });
      if (this.transcript.epoch !== epoch) return; // another thread was opened meanwhile
      // Lets benchmarks split the host round trip from rendering (User Timing; costs nothing when unobserved).
      performance.mark('hermes:threadRead');
      this.transcript.load(read);
      for (const r of this.requests.pending()) if (r.params.threadId === threadId) this.transcript.addRequestRow(r.params.requestId);
    } catch (e) {
      if (this.transcript.epoch !== epoch) return;
      this.newChat();
      if (e instanceof RequestError && e.kind === 'ThreadNotFound') this.transcript.addNotice('That chat no longer exists; this is a new one.');
      else this.report(e, 'Could not open the chat');
    }
  }

  /** The model the next turn of the shown thread uses. */
  currentModel(): string {
    const key = this.transcript.threadId ?? '';
    return this.ui.get().modelByThread[key] || this.transcript.thread?.model || this.session.defaultModel;
  }

  setModel(id: string): void {
    const key = this.transcript.threadId ?? '';
    this.ui.update({ modelByThread: { ...this.ui.get().modelByThread, [key]: id } });
    this.mark('session', 'thread');
  }

  private modelOverride(): string | undefined {
    const key = this.transcript.threadId ?? '';
    const m = this.ui.get().modelByThread[key];
    return m && m !== this.transcript.thread?.model ? m : undefined;
  }

  private async ensureThread(): Promise<string> {
    if (this.transcript.threadId) return this.transcript.threadId;
    const model = this.ui.get().modelByThread[''];
    const { thread } = await this.bridge.request('thread/start', model ? { model } : {});
    this.transcript.reset(thread);
    // The picked model is now the thread's own; the pending choice for "a new chat" is used up.
    const models = { ...this.ui.get().modelByThread };
    delete models[''];
    this.ui.update({ threadId: thread.id, modelByThread: models });
    return thread.id;
  }

  // ---- composer -------------------------------------------------------------------------------------------------

  /** Sends a message: text, `@file` mentions and pasted images. Pictures only go with a message, not a command. */
  async submit(text: string, mentions: string[], images: PendingImage[] = []): Promise<SubmitOutcome> {
    const hostCommand = images.length ? null : this.hostCommandOf(text);
    if (hostCommand) return this.runHostCommand(hostCommand, text, mentions);
    const action = images.length ? null : parseSlash(text);
    if (action) return this.runSlash(action);
    if (!text.trim() && mentions.length === 0 && images.length === 0) return { ok: false };
    const input: UserInput[] = [];
    if (text.trim()) input.push({ type: 'text', text });
    for (const path of mentions) input.push({ type: 'mention', path });
    input.push(...imageInputs(images));
    try {
      await this.startTurn(input);
      return { ok: true };
    } catch (e) {
      this.report(e, 'Could not send');
      return { ok: false, restore: text };
    }
  }

  private async startTurn(input: UserInput[]): Promise<void> {
    const threadId = await this.ensureThread();
    const model = this.modelOverride();
    await this.bridge.request('turn/start', { threadId, input, ...(model ? { model } : {}) });
  }

  async interrupt(): Promise<void> {
    const threadId = this.transcript.threadId;
    if (!threadId) return;
    try {
      await this.bridge.request('turn/interrupt', { threadId });
    } catch (e) {
      this.report(e, 'Could not stop');
    }
  }

  /**
   * A slash command the host defines (server/commands): run there, so the chat apps and the terminal behave the same.
   * `/new` and `/model` stay in the view: a new chat starts its thread lazily, and `/model` picks the model of the
   * next turns in the picker, before any thread exists.
   */
  private hostCommandOf(text: string): string | null {
    const m = /^\/([A-Za-z0-9][\w.-]*)(?:\s|$)/.exec(text.trim());
    if (!m || m[1] === 'new' || m[1] === 'model') return null;
    return this.session.commands.some((c) => c.name === m[1]) ? m[1] : null;
  }

  private async runHostCommand(name: string, text: string, mentions: string[]): Promise<SubmitOutcome> {
    const threadId = this.transcript.threadId;
    if ((name === 'undo' || name === 'retry') && this.transcript.running) {
      this.transcript.addNotice('Stop the running turn first (Escape).', 'error');
      return { ok: false };
    }
    try {
      const r = await this.bridge.request('command/run', { ...(threadId ? { threadId } : {}), text: text.trim() });
      if (!r.handled) {
        const input: UserInput[] = [{ type: 'text', text }, ...mentions.map((path) => ({ type: 'mention' as const, path }))];
        await this.startTurn(input);
        return { ok: true };
      }
      // Rollbacks and compaction change what the thread holds: show it as the host has it now.
      // The composer gets its text back first (/undo); the transcript is then re-read from the host.
      if (r.thread && r.thread.id !== threadId) void this.openThread(r.thread.id);
      else if (threadId && (name === 'undo' || name === 'retry')) void this.openThread(threadId);
      // /undo and /retry speak through the transcript itself; their message only says when there was nothing to do.
      const didSomething = !!(r.thread || r.turn || r.restoredInput);
      if (r.message && (!didSomething || (name !== 'undo' && name !== 'retry'))) this.transcript.addNotice(r.message);
      return r.restoredInput ? { ok: true, restore: r.restoredInput } : { ok: true };
    } catch (e) {
      this.report(e, `Could not run /${name}`);
      return { ok: false, restore: text };
    }
  }

  private async runSlash(action: SlashAction): Promise<SubmitOutcome> {
    if (action.kind === 'new') {
      this.newChat();
      return { ok: true };
    }
    if (action.kind === 'model') {
      if (!action.id) {
        this.transcript.addNotice(`Model: ${this.currentModel() || 'default'}. Type /model <id> to change it for the next turns.`);
        return { ok: true };
      }
      this.setModel(action.id);
      this.transcript.addNotice(`The next turns use ${action.id}.`);
      return { ok: true };
    }
    const threadId = this.transcript.threadId;
    const last = this.transcript.lastUserMessage();
    if (!threadId || !last) {
      this.transcript.addNotice(`Nothing to ${action.kind === 'undo' ? 'undo' : 'retry'} yet.`);
      return { ok: true };
    }
    if (this.transcript.running) {
      this.transcript.addNotice('Stop the running turn first (Escape).', 'error');
      return { ok: false };
    }
    try {
      const r = await this.bridge.request('thread/rollback', { threadId, turns: 1 });
      this.transcript.removeTurns(r.removedTurnIds);
      this.transcript.setThread(r.thread);
      if (action.kind === 'undo') {
        const text = last.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n').trim();
        return { ok: true, restore: text };
      }
      await this.startTurn(last.content);
      return { ok: true };
    } catch (e) {
      this.report(e, action.kind === 'undo' ? 'Could not undo' : 'Could not retry');
      return { ok: false };
    }
  }

  // ---- requests the user answers --------------------------------------------------------------------------------

  answer(requestId: string, result: unknown): void {
    const r = this.requests.byId.get(requestId);
    if (!r || r.state !== 'pending') return;
    this.requests.markSent(requestId, result);
    this.bridge.answer(requestId, result);
  }

  // ---- lists the UI offers --------------------------------------------------------------------------------------

  async refreshModels(): Promise<void> {
    try {
      const r = await this.bridge.request('model/list', {});
      this.session.models = r.models.map((m) => m.id);
      this.session.defaultModel = r.default;
      this.session.modelError = r.error;
    } catch (e) {
      this.session.modelError = (e as Error).message;
    }
    this.mark('session');
  }

  async refreshSkills(): Promise<void> {
    try {
      this.session.skills = (await this.bridge.request('skills/list', {})).skills;
    } catch {
      this.session.skills = []; // an older host without skills: the built-in commands still work
    }
    try {
      this.session.commands = (await this.bridge.request('command/list', {})).commands.filter((c) => c.source === 'host');
    } catch {
      this.session.commands = []; // an older host: the view's own /new /retry /undo /model
    }
    this.mark('session');
  }

  async workspaceFiles(query: string): Promise<string[]> {
    try {
      return (await this.bridge.ext('ext/workspaceFiles', { query, limit: 50 })).files;
    } catch {
      return [];
    }
  }

  // ---- IDE actions ----------------------------------------------------------------------------------------------

  copy(text: string): void {
    this.bridge.ext('ext/copy', { text }).catch((e) => this.report(e, 'Could not copy'));
  }

  openDiff(change: FileChange): void {
    const title = `${change.path} (${change.kind})`;
    this.bridge.ext('ext/openDiff', { path: change.path, diff: change.diff, title }).catch((e) => this.report(e, 'Could not open the diff'));
  }

  openFile(path: string, line?: number): void {
    this.bridge.ext('ext/openFile', line ? { path, line } : { path }).catch((e) => this.report(e, 'Could not open the file'));
  }

  showView(view: Session['view']): void {
    this.session.view = view;
    this.mark('session');
    if (view === 'history') void this.historyActions.load();
  }
}

function describeRequest(method: ServerRequestMethod, p: ServerRequestParams<ServerRequestMethod>): string {
  if (method === 'approval/request') {
    const a = p as ServerRequestParams<'approval/request'>;
    return `Approval needed: ${a.tool} wants to run ${a.command ?? a.path ?? 'an action'}.`;
  }
  if (method === 'clarify/request') return `Question from Hermes: ${(p as ServerRequestParams<'clarify/request'>).question}`;
  return `Hermes needs the secret ${(p as ServerRequestParams<'secret/request'>).name}.`;
}
