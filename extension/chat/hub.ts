// Every open chat webview (the sidebar view and any editor panels): broadcasts, and the thread the chat is on.
import type { ExtensionToWebview } from '../../server/protocol';
import type { WebviewBridge } from './bridge';

export interface ThreadMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const THREAD_KEY = 'hermes.chat.threadId';

export class WebviewHub {
  private readonly bridges = new Set<WebviewBridge>();
  private readonly threadListeners = new Set<(id: string | null) => void>();

  constructor(private readonly memory: ThreadMemory) {}

  add(bridge: WebviewBridge): { dispose(): void } {
    this.bridges.add(bridge);
    return { dispose: () => this.bridges.delete(bridge) };
  }

  get size(): number {
    return this.bridges.size;
  }

  broadcast(msg: ExtensionToWebview): void {
    for (const b of this.bridges) b.send(msg);
  }

  notify(method: string, params: unknown): void {
    this.broadcast({ type: 'notification', method, params });
  }

  /** Connection state changed: every view re-reads its state from the host. */
  helloAll(): void {
    for (const b of this.bridges) b.hello();
  }

  readonly thread = {
    get: (): string | null => this.memory.get<string>(THREAD_KEY) ?? null,
    set: (id: string | null): void => {
      if (id === this.thread.get()) return;
      void this.memory.update(THREAD_KEY, id ?? undefined);
      for (const fn of this.threadListeners) fn(id);
    },
  };

  onDidChangeThread(fn: (id: string | null) => void): { dispose(): void } {
    this.threadListeners.add(fn);
    return { dispose: () => this.threadListeners.delete(fn) };
  }
}
