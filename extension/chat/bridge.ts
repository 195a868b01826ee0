// One webview's side of the bridge (server/protocol/bridge.ts): host methods pass through to the host, `ext/*`
// methods are answered here, host notifications and host→client requests go down, answers come up to the broker.
import { extMethods, WebviewToExtension, type ExtensionToWebview, type ExtMethod } from '../../server/protocol';

export interface BridgeHost {
  request(method: string, params: unknown): Promise<unknown>;
  readonly connected: boolean;
  readonly hermesHome?: string;
}

export interface BridgeDeps {
  host: BridgeHost;
  ext: (method: ExtMethod, params: any) => Promise<unknown>;
  broker: {
    answerFromWebview(requestId: string, result: unknown): boolean;
    pending(): { method: string; params: unknown }[];
  };
  /** The thread the chat shows, kept across reloads (the webview keeps no state of its own). */
  thread: { get(): string | null; set(id: string | null): void };
  workspaceRoot: () => string | undefined;
  log: (message: string) => void;
}

type ErrorBody = { message: string; code?: number; kind?: string };

export function toErrorBody(e: unknown): ErrorBody {
  const err = e as { message?: string; code?: unknown; data?: { kind?: unknown } };
  const body: ErrorBody = { message: err?.message ?? String(e) };
  if (typeof err?.code === 'number') body.code = err.code;
  if (typeof err?.data?.kind === 'string') body.kind = err.data.kind;
  return body;
}

export class WebviewBridge {
  constructor(
    private readonly post: (msg: ExtensionToWebview) => unknown,
    private readonly deps: BridgeDeps,
  ) {}

  send(msg: ExtensionToWebview): void {
    try {
      void this.post(msg);
    } catch (e) {
      this.deps.log(`webview post failed: ${(e as Error).message}`);
    }
  }

  hello(): void {
    this.send({
      type: 'hello',
      connected: this.deps.host.connected,
      hermesHome: this.deps.host.hermesHome,
      workspaceRoot: this.deps.workspaceRoot(),
      threadId: this.deps.thread.get(),
    });
  }

  async receive(raw: unknown): Promise<void> {
    const parsed = WebviewToExtension.safeParse(raw);
    if (!parsed.success) {
      this.deps.log(`ignored a malformed webview message: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      this.hello();
      // A webview that (re)loads shows whatever is still waiting for an answer.
      if (this.deps.host.connected) for (const r of this.deps.broker.pending()) this.send({ type: 'serverRequest', method: r.method, params: r.params });
      return;
    }
    if (msg.type === 'answer') {
      if (!this.deps.broker.answerFromWebview(msg.requestId, msg.result)) this.deps.log(`answer for ${msg.requestId} not taken (already settled or invalid)`);
      return;
    }
    try {
      const result = msg.method.startsWith('ext/') ? await this.ext(msg.method, msg.params) : await this.toHost(msg.method, msg.params);
      this.send({ type: 'response', id: msg.id, result });
    } catch (e) {
      this.send({ type: 'response', id: msg.id, error: toErrorBody(e) });
    }
  }

  private async ext(method: string, params: unknown): Promise<unknown> {
    const def = (extMethods as Record<string, { params: { safeParse(x: unknown): { success: boolean; data?: unknown; error?: { message: string } } } }>)[method];
    if (!def) throw Object.assign(new Error(`unknown method: ${method}`), { code: -32601, data: { kind: 'MethodNotFound' } });
    const p = def.params.safeParse(params ?? {});
    if (!p.success) throw Object.assign(new Error(`invalid params for ${method}: ${p.error?.message}`), { code: -32602, data: { kind: 'InvalidParams' } });
    return this.deps.ext(method as ExtMethod, p.data);
  }

  private async toHost(method: string, params: unknown): Promise<unknown> {
    let p = params;
    if (method === 'thread/start') {
      const given = (params ?? {}) as Record<string, unknown>;
      p = { source: 'vscode', ...(this.deps.workspaceRoot() ? { cwd: this.deps.workspaceRoot() } : {}), ...given };
    }
    const result = await this.deps.host.request(method, p);
    this.track(method, p as Record<string, unknown> | undefined, result as Record<string, any> | undefined);
    return result;
  }

  /** Remembers which thread the chat is on, so a reloaded view and editor commands continue there. */
  private track(method: string, params: Record<string, unknown> | undefined, result: Record<string, any> | undefined): void {
    const id = typeof params?.threadId === 'string' ? params.threadId : undefined;
    if (method === 'thread/start' || method === 'thread/fork') {
      if (typeof result?.thread?.id === 'string') this.deps.thread.set(result.thread.id);
    } else if (method === 'thread/resume' || method === 'thread/read' || method === 'turn/start') {
      if (id) this.deps.thread.set(id);
    } else if (method === 'thread/delete' && id && id === this.deps.thread.get()) {
      this.deps.thread.set(null);
    }
  }
}
