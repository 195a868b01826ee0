// Every attached client, and the host→client requests in flight. Notifications go to all initialized clients.
// A request (approval, clarify) goes to every client that can answer it; the first valid answer wins, the others
// are told it is resolved, and clients that attach later receive the requests still pending.
import { randomUUID } from 'node:crypto';
import type { AnyServerNotification, ServerRequestMethod, ServerRequestParams } from '../protocol';
import { serverRequests } from '../protocol';
import type { HostEvents } from '../agent/events';
import type { ClientAnswer, ClientRequester } from '../tools/types';
import type { Logger } from '../util/log';

/** One attached client as the hub sees it (a JSON-RPC connection, or an in-process surface). */
export interface ClientPeer {
  readonly id: string;
  readonly label: string;
  /** Initialized and not closed. */
  ready(): boolean;
  canAnswer(method: ServerRequestMethod): boolean;
  notify(n: AnyServerNotification): void;
  request(method: string, params: unknown): Promise<unknown>;
}

interface Pending {
  requestId: string;
  method: ServerRequestMethod;
  params: Record<string, unknown>;
  threadId?: string;
  sentTo: Set<string>;
  finish(answer: ClientAnswer<any>): void;
}

export class ClientHub implements ClientRequester {
  private readonly peers = new Map<string, ClientPeer>();
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly events: HostEvents,
    private readonly log: Logger,
  ) {
    events.on((n) => this.broadcast(n));
  }

  add(peer: ClientPeer): void {
    this.peers.set(peer.id, peer);
  }

  remove(peerId: string): void {
    this.peers.delete(peerId);
  }

  count(): number {
    return [...this.peers.values()].filter((p) => p.ready()).length;
  }

  private broadcast(n: AnyServerNotification): void {
    for (const p of this.peers.values()) {
      if (!p.ready()) continue;
      try {
        p.notify(n);
      } catch (e) {
        this.log.warn('notify failed', { client: p.label, error: (e as Error).message });
      }
    }
  }

  answerers(method: ServerRequestMethod): number {
    return [...this.peers.values()].filter((p) => p.ready() && p.canAnswer(method)).length;
  }

  /** Pending requests, for clients that want to list them. */
  pendingRequests(): { requestId: string; method: string; params: unknown }[] {
    return [...this.pending.values()].map((p) => ({ requestId: p.requestId, method: p.method, params: p.params }));
  }

  /** A client finished its handshake: hand it whatever is still waiting for an answer. */
  peerReady(peer: ClientPeer): void {
    for (const p of this.pending.values()) this.sendTo(peer, p);
  }

  request<M extends ServerRequestMethod>(
    method: M,
    params: Omit<ServerRequestParams<M>, 'requestId' | 'expiresAt'>,
    opts: { timeoutMs: number; signal?: AbortSignal; requestId?: string },
  ): Promise<ClientAnswer<M>> {
    const requestId = opts.requestId ?? randomUUID();
    const full = { ...params, requestId, expiresAt: Date.now() + opts.timeoutMs } as Record<string, unknown>;
    return new Promise<ClientAnswer<M>>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => pending.finish({ ok: false, reason: 'cancelled' });
      const pending: Pending = {
        requestId,
        method,
        params: full,
        threadId: typeof full.threadId === 'string' ? full.threadId : undefined,
        sentTo: new Set(),
        finish: (answer) => {
          if (!this.pending.delete(requestId)) return;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.events.emit('serverRequest/resolved', {
            requestId,
            threadId: pending.threadId,
            outcome: answer.ok ? 'answered' : answer.reason,
            // A secret's value is for the host alone, never broadcast to the other clients.
            ...(answer.ok ? { answeredBy: answer.answeredBy, ...(method === 'secret/request' ? {} : { result: answer.result }) } : {}),
          });
          resolve(answer as ClientAnswer<M>);
        },
      };
      this.pending.set(requestId, pending);
      timer = setTimeout(() => pending.finish({ ok: false, reason: 'timeout' }), opts.timeoutMs);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (const peer of this.peers.values()) if (peer.ready()) this.sendTo(peer, pending);
    });
  }

  private sendTo(peer: ClientPeer, p: Pending): void {
    if (!peer.canAnswer(p.method) || p.sentTo.has(peer.id)) return;
    p.sentTo.add(peer.id);
    const schema = serverRequests[p.method].result;
    peer.request(p.method, p.params).then(
      (result) => {
        const parsed = schema.safeParse(result);
        if (!parsed.success) {
          this.log.warn('client sent an invalid answer', { client: peer.label, method: p.method });
          return;
        }
        p.finish({ ok: true, result: parsed.data, answeredBy: peer.label });
      },
      (e) => {
        // A client that errors or goes away does not decide; another client, or the timeout, will.
        p.sentTo.delete(peer.id);
        this.log.debug('client did not answer', { client: peer.label, method: p.method, error: (e as Error)?.message });
      },
    );
  }
}
