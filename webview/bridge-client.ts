// The webview's end of the postMessage contract (server/protocol/bridge.ts): host methods and `ext/*` methods as
// promises, host notifications and host→client requests as callbacks, answers back to the extension.
import type { z } from 'zod';
import type {
  AnyServerNotification,
  ClientRequestMethod,
  ExtensionToWebview,
  ExtMethod,
  extMethods,
  RequestParams,
  RequestResult,
  ServerRequestMethod,
  ServerRequestParams,
  WebviewToExtension,
} from '../server/protocol';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

type ExtParams<M extends ExtMethod> = z.input<(typeof extMethods)[M]['params']>;
type ExtResult<M extends ExtMethod> = z.infer<(typeof extMethods)[M]['result']>;

/** A failed request: the host's (or extension's) message, with the protocol's `data.kind` when there is one. */
export class RequestError extends Error {
  constructor(message: string, readonly kind?: string, readonly code?: number) {
    super(message);
  }
}

export interface BridgeEvents {
  hello(msg: Extract<ExtensionToWebview, { type: 'hello' }>): void;
  notification(n: AnyServerNotification): void;
  serverRequest(method: ServerRequestMethod, params: ServerRequestParams<ServerRequestMethod>): void;
  command(msg: Extract<ExtensionToWebview, { type: 'command' }>): void;
}

const SERVER_REQUESTS = new Set(['approval/request', 'clarify/request', 'secret/request']);

export class HostBridge {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(
    private readonly api: VsCodeApi,
    private readonly on: BridgeEvents,
    target: Pick<Window, 'addEventListener'> = window,
  ) {
    target.addEventListener('message', (e) => this.receive((e as MessageEvent).data));
  }

  private post(msg: WebviewToExtension): void {
    this.api.postMessage(msg);
  }

  ready(): void {
    this.post({ type: 'ready' });
  }

  request<M extends ClientRequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    return this.call(method, params) as Promise<RequestResult<M>>;
  }

  ext<M extends ExtMethod>(method: M, params: ExtParams<M>): Promise<ExtResult<M>> {
    return this.call(method, params) as Promise<ExtResult<M>>;
  }

  answer(requestId: string, result: unknown): void {
    this.post({ type: 'answer', requestId, result });
  }

  private call(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ type: 'request', id, method, params });
    });
  }

  /** Fails every request in flight (the host went away); their answers will never come. */
  failAll(message: string): void {
    for (const w of this.waiting.values()) w.reject(new RequestError(message, 'Disconnected'));
    this.waiting.clear();
  }

  private receive(data: unknown): void {
    if (!data || typeof data !== 'object' || typeof (data as { type?: unknown }).type !== 'string') return;
    const msg = data as ExtensionToWebview;
    switch (msg.type) {
      case 'response': {
        const w = this.waiting.get(msg.id);
        if (!w) return;
        this.waiting.delete(msg.id);
        if (msg.error) w.reject(new RequestError(msg.error.message, msg.error.kind, msg.error.code));
        else w.resolve(msg.result);
        return;
      }
      case 'notification':
        this.on.notification({ method: msg.method, params: msg.params } as AnyServerNotification);
        return;
      case 'serverRequest':
        if (SERVER_REQUESTS.has(msg.method) && msg.params && typeof msg.params === 'object') {
          this.on.serverRequest(msg.method as ServerRequestMethod, msg.params as ServerRequestParams<ServerRequestMethod>);
        }
        return;
      case 'hello':
        if (!msg.connected) this.failAll('The agent host is not connected.');
        this.on.hello(msg);
        return;
      case 'command':
        this.on.command(msg);
        return;
    }
  }
}
