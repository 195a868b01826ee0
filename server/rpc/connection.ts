// One JSON-RPC client. Validates every request against the protocol, refuses work before `initialize`, and turns
// every failure into a JSON-RPC error with `data.kind`: input can never take the host down.
import {
  createMessageConnection,
  ResponseError,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import { ZodError, type z } from 'zod';
import type { AnyServerNotification, ClientRequestMethod, ClientRequests, RequestResult, ServerRequestMethod } from '../protocol';
import { clientRequests, ErrorCodes, type ErrorKind } from '../protocol';
import { HostError } from '../util/errors';
import { FramingError } from './message-reader';
import type { Logger } from '../util/log';
import type { ClientHub } from './hub';
import { kindOfClient, type Surface, type SurfaceKind } from '../surfaces/surface';

export interface ClientState {
  id: string;
  name: string;
  label: string;
  capabilities: { approvals: boolean; clarify: boolean; secrets: boolean; ide: string[] };
}

/** A handler for one method: params as the protocol parses them, the result the protocol promises. */
export type HandlerFor<M extends ClientRequestMethod> = (
  params: z.output<ClientRequests[M]['params']>,
  client: ClientConnection,
) => RequestResult<M> | Promise<RequestResult<M>>;
/** Every client method has exactly one handler; the compiler checks both directions. */
export type Handlers = { [M in ClientRequestMethod]: HandlerFor<M> };

let counter = 0;

export function toResponseError(e: unknown, log: Logger): ResponseError<{ kind: ErrorKind }> {
  if (e instanceof ResponseError) return e;
  if (e instanceof HostError) return new ResponseError(ErrorCodes[e.kind], e.message, { kind: e.kind, ...e.data });
  if (e instanceof ZodError) {
    const issues = e.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const msg = issues.map((i) => `${i.path || '(params)'}: ${i.message}`).join('; ');
    return new ResponseError(ErrorCodes.InvalidParams, `invalid params: ${msg}`, { kind: 'InvalidParams', issues } as any);
  }
  log.error('request failed', { error: e });
  return new ResponseError(ErrorCodes.Internal, `internal error: ${(e as Error)?.message ?? String(e)}`, { kind: 'Internal' });
}

export class ClientConnection implements Surface {
  readonly id = `client-${++counter}`;
  label = this.id;
  kind: SurfaceKind = 'client';
  private state: 'new' | 'initialized' | 'ready' | 'closed' = 'new';
  private caps: ClientState['capabilities'] = { approvals: false, clarify: false, secrets: false, ide: [] };
  readonly conn: MessageConnection;

  constructor(
    reader: MessageReader,
    private readonly writer: MessageWriter,
    private readonly handlers: Handlers,
    private readonly hub: ClientHub,
    private readonly log: Logger,
    private readonly onExit: (client: ClientConnection) => void,
  ) {
    this.conn = createMessageConnection(reader, writer, {
      error: (m) => log.error(m),
      warn: (m) => log.warn(m),
      info: (m) => log.debug(m),
      log: (m) => log.debug(m),
    });
    // A bad frame gets a JSON-RPC error (the request's id when it could be read, else null) and reading goes on;
    // a frame the reader cannot resynchronise after also ends this connection once the error is written.
    reader.onError((err) => {
      const fe = err instanceof FramingError ? err : undefined;
      const kind = fe?.kind ?? 'ParseError';
      log.warn('unreadable message', { client: this.label, kind, fatal: !!fe?.fatal, error: err.message });
      const what = kind === 'ParseError' ? 'parse error' : 'invalid request';
      writer
        .write({
          jsonrpc: '2.0',
          id: fe?.id ?? null,
          error: { code: ErrorCodes[kind], message: `${what}: ${err.message.split('\n')[0]}`, data: { kind, fatal: !!fe?.fatal } },
        } as any)
        .catch(() => {})
        .finally(() => {
          if (fe?.fatal) this.onExit(this);
        });
    });
    this.conn.onRequest((method, params) => this.dispatch(method, params));
    this.conn.onNotification((method, params) => this.onNotification(method, params));
    this.conn.onClose(() => this.close());
    hub.add(this);
    this.conn.listen();
  }

  get info(): ClientState {
    return { id: this.id, name: this.label.split('#')[0], label: this.label, capabilities: this.caps };
  }

  ready(): boolean {
    return this.state === 'initialized' || this.state === 'ready';
  }

  canAnswer(method: ServerRequestMethod): boolean {
    if (this.state !== 'ready') return false;
    if (method === 'approval/request') return this.caps.approvals;
    if (method === 'clarify/request') return this.caps.clarify;
    if (method === 'secret/request') return this.caps.secrets;
    // Editor file access (fs/readTextFile, fs/writeTextFile): only the methods the client named.
    return this.caps.ide.includes(method);
  }

  notify(n: AnyServerNotification): void {
    this.conn.sendNotification(n.method, n.params).catch(() => {});
  }

  request(method: ServerRequestMethod, params: unknown): Promise<unknown> {
    return this.conn.sendRequest(method, params);
  }

  /** Marks the handshake done and records who the client is and what it can answer. */
  setInitialized(name: string, caps: Partial<ClientState['capabilities']>): void {
    if (this.state !== 'new') throw new HostError('AlreadyInitialized', 'initialize was already called on this connection');
    this.label = `${name}#${this.id.split('-')[1]}`;
    this.kind = kindOfClient(name);
    this.caps = { approvals: !!caps.approvals, clarify: !!caps.clarify, secrets: !!caps.secrets, ide: caps.ide ?? [] };
    this.state = 'initialized';
  }

  private async dispatch(method: string, params: unknown): Promise<unknown> {
    try {
      const def = (clientRequests as Record<string, { params: { parse(x: unknown): unknown } }>)[method];
      const handler = (this.handlers as Record<string, (p: unknown, c: ClientConnection) => unknown>)[method];
      if (!def || !handler) throw new HostError('MethodNotFound', `unknown method: ${method}`, { method });
      if (this.state === 'new' && method !== 'initialize') {
        throw new HostError('NotInitialized', `${method} before initialize`, { method });
      }
      const parsed = def.params.parse(params ?? {});
      const result = await handler(parsed, this);
      return result === undefined ? null : result;
    } catch (e) {
      return toResponseError(e, this.log);
    }
  }

  private onNotification(method: string, _params: unknown): void {
    if (method === 'initialized') {
      if (this.state !== 'initialized') return;
      this.state = 'ready';
      this.hub.peerReady(this);
    } else if (method === 'exit') {
      this.onExit(this);
    }
    // Other notifications ($/setTrace, workspace/didChangeConfiguration from LSP clients) need no answer.
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.hub.remove(this.id);
    try {
      this.conn.dispose();
    } catch {}
  }
}
