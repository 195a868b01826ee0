// Keeps one connection to the host alive. Each (re)start builds a fresh client (a vscode-languageclient client
// cannot be started again after a failed start), re-installs the handlers registered here, and reports the
// connection going up or down. A lost connection is restarted with backoff; the user hears about it once per
// failure burst (see RestartPolicy).
import { RestartPolicy } from './restart-policy';

type Disposable = { dispose(): unknown };

/** The part of a LanguageClient the rest of the extension uses; tests pass a fake. */
export interface HostClient {
  start(): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
  sendRequest(method: string, params: unknown): Promise<unknown>;
  sendNotification(method: string, params: unknown): Promise<void>;
  onNotification(method: string, handler: (params: any) => void): Disposable;
  onRequest(method: string, handler: (params: any) => unknown): Disposable;
  readonly initializeResult: unknown;
}

/** Builds a client; `onClosed` must be called when its connection closes (the LanguageClient close handler). */
export type HostClientFactory = (hooks: { onClosed: () => void }) => Promise<HostClient>;

export type HostState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface SupervisorUi {
  /** First failure of a burst. */
  notifyFailure(message: string): void;
  /** A start that needs the user to change `setting` first. */
  notifyConfigProblem(message: string, setting: string): void;
  log(message: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class HostUnavailableError extends Error {}

/** Starting cannot succeed until the user changes a setting (e.g. no usable Node): no restarts, one message with a
 * way to the setting. */
export class HostConfigError extends Error {
  constructor(
    message: string,
    readonly setting: string,
  ) {
    super(message);
  }
}

export class HostSupervisor {
  private client: HostClient | null = null;
  private gen = 0;
  private lostGen = 0;
  private timer: unknown = null;
  private _state: HostState = 'stopped';
  private readonly notificationHandlers = new Map<string, Set<(params: any) => void>>();
  private readonly requestHandlers = new Map<string, (params: any) => unknown>();
  private readonly stateListeners = new Set<(state: HostState, info?: unknown) => void>();
  private waiters: { resolve(c: HostClient): void; reject(e: Error): void }[] = [];

  constructor(
    private readonly factory: HostClientFactory,
    private readonly ui: SupervisorUi,
    private readonly policy = new RestartPolicy(),
    private readonly timers: Timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  get state(): HostState {
    return this._state;
  }

  /** The initialize result of the current connection. */
  get info(): unknown {
    return this._state === 'running' ? this.client?.initializeResult : undefined;
  }

  onNotification(method: string, handler: (params: any) => void): Disposable {
    let set = this.notificationHandlers.get(method);
    if (!set) {
      set = new Set();
      this.notificationHandlers.set(method, set);
      // Installed once per method on each client; the set fans out to every listener.
      this.client?.onNotification(method, (p) => this.fan(method, p));
    }
    set.add(handler);
    return { dispose: () => set!.delete(handler) };
  }

  /** One handler per host→client request method. */
  onRequest(method: string, handler: (params: any) => unknown): void {
    this.requestHandlers.set(method, handler);
    this.client?.onRequest(method, handler);
  }

  onDidChangeState(fn: (state: HostState, info?: unknown) => void): Disposable {
    this.stateListeners.add(fn);
    return { dispose: () => this.stateListeners.delete(fn) };
  }

  /** Sends a request, waiting for a connection that is (re)starting; fails at once when the host is down for good. */
  async request(method: string, params: unknown): Promise<unknown> {
    const client = await this.connected();
    return client.sendRequest(method, params);
  }

  start(): void {
    if (this._state === 'running' || this._state === 'starting') return;
    this.policy.reset();
    void this.launch();
  }

  /** Stops the current connection on purpose (no crash notification) and starts a new one. */
  async restart(): Promise<void> {
    await this.stopClient();
    this.policy.reset();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.stopClient();
    this.setState('stopped');
    this.rejectWaiters(new HostUnavailableError('the Hermes host was stopped'));
  }

  private connected(): Promise<HostClient> {
    if (this._state === 'running' && this.client) return Promise.resolve(this.client);
    if (this._state === 'failed' || this._state === 'stopped') {
      return Promise.reject(new HostUnavailableError(`the Hermes host is not running (${this._state}); run "Hermes: Restart Host"`));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private async stopClient(): Promise<void> {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    const old = this.client;
    this.client = null;
    this.lostGen = ++this.gen; // the close that follows is ours, not a crash
    if (old) await old.stop(2000).catch(() => {});
  }

  private async launch(): Promise<void> {
    const gen = ++this.gen;
    this.setState(this._state === 'restarting' ? 'restarting' : 'starting');
    let client: HostClient;
    try {
      client = await this.factory({ onClosed: () => this.lost(gen, 'the connection closed') });
      if (gen !== this.gen) return;
      this.client = client;
      for (const method of this.notificationHandlers.keys()) client.onNotification(method, (p) => this.fan(method, p));
      for (const [method, h] of this.requestHandlers) client.onRequest(method, h);
      await client.start();
    } catch (e) {
      if (e instanceof HostConfigError && gen === this.gen) {
        this.ui.log(`cannot start the host: ${e.message}`);
        this.ui.notifyConfigProblem(e.message, e.setting);
        this.setState('failed');
        this.rejectWaiters(new HostUnavailableError(`the Hermes host cannot start: ${e.message}`));
        return;
      }
      this.lost(gen, (e as Error)?.message ?? String(e));
      return;
    }
    if (gen !== this.gen || this.lostGen >= gen) return;
    this.policy.connected();
    this.setState('running', client.initializeResult);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(client);
  }

  private lost(gen: number, reason: string): void {
    if (gen !== this.gen || this.lostGen >= gen) return; // stale client, or already handled
    this.lostGen = gen;
    const old = this.client;
    this.client = null;
    if (old) void old.stop(1000).catch(() => {});
    const d = this.policy.failed();
    this.ui.log(`host connection lost (${reason}); failure ${d.attempt} in a row`);
    if (d.notify) this.ui.notifyFailure(`The Hermes host stopped (${reason}). Restarting it; your threads are kept.`);
    if (d.giveUp) {
      this.ui.log('too many failures in a row; not restarting until "Hermes: Restart Host"');
      this.setState('failed');
      this.rejectWaiters(new HostUnavailableError('the Hermes host keeps failing; see the Hermes output'));
      return;
    }
    this.setState('restarting');
    this.ui.log(`restarting in ${d.delayMs} ms`);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.launch();
    }, d.delayMs);
  }

  private fan(method: string, params: unknown): void {
    for (const h of this.notificationHandlers.get(method) ?? []) {
      try {
        h(params);
      } catch (e) {
        this.ui.log(`handler for ${method} failed: ${(e as Error)?.message}`);
      }
    }
  }

  private rejectWaiters(e: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(e);
  }

  private setState(state: HostState, info?: unknown): void {
    if (state === this._state && state !== 'running') return;
    this._state = state;
    for (const fn of this.stateListeners) fn(state, info);
  }
}
