// The command line as a client of the owning host: a typed JSON-RPC connection over the host's unix socket, the
// same protocol the editors speak. Kept free of the host's own modules so attaching stays cheap.
import { connect, type Socket } from 'node:net';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  AnyServerNotification,
  ClientRequestMethod,
  RequestParams,
  RequestResult,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResult,
} from '../protocol';
import { VERSION } from '../version';

export type ServerRequestHandlers = { [M in ServerRequestMethod]?: (p: ServerRequestParams<M>) => Promise<ServerRequestResult<M>> };

export class HostConnection {
  private readonly listeners = new Set<(n: AnyServerNotification) => void>();
  private closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(
    readonly conn: MessageConnection,
    private readonly socket: Socket,
  ) {
    conn.onNotification((method, params) => {
      const n = { method, params } as AnyServerNotification;
      for (const l of this.listeners) l(n);
    });
    this.whenClosed = new Promise((resolve) => conn.onClose(() => ((this.closed = true), resolve())));
    conn.listen();
  }

  /** Connects to a host's socket; rejects with a clear error when nothing listens there. */
  static connect(socketPath: string, timeoutMs = 5000): Promise<HostConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from the host socket ${socketPath} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new HostConnection(createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket)), socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot attach to the host at ${socketPath}: ${e.message}`));
      });
    });
  }

  async initialize(opts: {
    name: string;
    workspace?: string;
    approvals?: boolean;
    clarify?: boolean;
    /** Host→client requests beyond approval/clarify the client answers (e.g. `fs/readTextFile`). */
    ide?: string[];
    handlers?: ServerRequestHandlers;
  }): Promise<RequestResult<'initialize'>> {
    for (const [method, h] of Object.entries(opts.handlers ?? {})) this.conn.onRequest(method, (p: any) => (h as (x: unknown) => unknown)(p));
    const r = await this.request('initialize', {
      clientInfo: { name: opts.name, version: VERSION },
      ...(opts.workspace ? { workspaceFolders: [opts.workspace] } : {}),
      hermesCapabilities: { approvals: !!opts.approvals, clarify: !!opts.clarify, ...(opts.ide?.length ? { ide: opts.ide } : {}) },
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  request<M extends ClientRequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    if (this.closed) return Promise.reject(new Error('the host connection is closed'));
    return this.conn.sendRequest(method, params) as Promise<RequestResult<M>>;
  }

  onNotification(l: (n: AnyServerNotification) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  close(): void {
    try {
      this.conn.dispose();
    } catch {}
    this.socket.end();
    this.socket.unref();
  }
}
