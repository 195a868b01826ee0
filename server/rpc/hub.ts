// Every attached surface, the threads each one follows, and the host→client requests in flight.
//
// Routing: a thread's streamed items go to the surfaces subscribed to it (or to all threads); lifecycle
// notifications (thread and turn started/updated/completed) and host-wide ones (skills, context, config) go to every
// surface so lists stay current. A request (approval, clarify, secret) for a thread goes to the surfaces allowed to
// answer for it — the turn's origin and the surfaces that subscribed to that thread — the first valid answer wins
// and the others are told; when nobody can answer, it ends at once with `noAnswerer` instead of waiting for the
// timeout. Compression moving a thread to a new id moves its subscriptions here, in one place.
import { randomUUID } from 'node:crypto';
import type { AnyServerNotification, ServerRequestMethod, ServerRequestParams } from '../protocol';
import { serverRequests } from '../protocol';
import type { HostEvents } from '../agent/events';
import type { ClientAnswer, ClientRequester, RequestRouting } from '../tools/types';
import type { Surface } from '../surfaces/surface';
import type { Logger } from '../util/log';

/** @deprecated name kept for in-process surfaces written before the surface contract. */
export type ClientPeer = Surface;

interface Pending {
  requestId: string;
  method: ServerRequestMethod;
  params: Record<string, unknown>;
  threadId?: string;
  routing: RequestRouting;
  sentTo: Set<string>;
  finish(answer: ClientAnswer<any>): void;
}

/** A request that went out, as observers see it. */
export interface SentRequest {
  requestId: string;
  method: ServerRequestMethod;
  threadId?: string;
  params: Record<string, unknown>;
  /** Labels of the surfaces it was sent to. */
  askedOf: string[];
}

interface Subscription {
  threads: Set<string>;
  all: boolean;
}

/** Notifications every surface gets, whatever it follows: they keep thread lists and status current. */
const BROADCAST = new Set<string>([
  'thread/started',
  'thread/updated',
  'thread/deleted',
  'thread/compacted',
  'turn/started',
  'turn/completed',
  'skills/changed',
  'context/changed',
  'config/changed',
  'cron/fired',
]);

/** Requests whose answer goes to the host only: `serverRequest/resolved` says who answered, not what. */
const PRIVATE_RESULTS = new Set<ServerRequestMethod>(['secret/request', 'fs/readTextFile', 'fs/writeTextFile']);

export class ClientHub implements ClientRequester {
  private readonly surfaces = new Map<string, Surface>();
  private readonly subs = new Map<string, Subscription>();
  private readonly pending = new Map<string, Pending>();
  private readonly requestObservers = new Set<(r: SentRequest) => void>();

  constructor(
    private readonly events: HostEvents,
    private readonly log: Logger,
  ) {
    events.on((n) => this.route(n));
  }

  add(surface: Surface): void {
    this.surfaces.set(surface.id, surface);
    if (!this.subs.has(surface.id)) this.subs.set(surface.id, { threads: new Set(), all: false });
  }

  remove(surfaceId: string): void {
    this.surfaces.delete(surfaceId);
    this.subs.delete(surfaceId);
    for (const p of this.pending.values()) p.sentTo.delete(surfaceId);
  }

  get(surfaceId: string): Surface | undefined {
    return this.surfaces.get(surfaceId);
  }

  count(): number {
    return [...this.surfaces.values()].filter((s) => s.ready()).length;
  }

  /** Follow a thread (its stream, and answering its requests), or every thread's stream. */
  subscribe(surfaceId: string, target: { threadId?: string; all?: boolean }): { threadIds: string[]; all: boolean } {
    const sub = this.subs.get(surfaceId);
    if (!sub) return { threadIds: [], all: false };
    if (target.all) sub.all = true;
    if (target.threadId && !sub.threads.has(target.threadId)) {
      sub.threads.add(target.threadId);
      const s = this.surfaces.get(surfaceId);
      if (s?.ready()) for (const p of this.pending.values()) if (p.threadId === target.threadId) this.sendTo(s, p);
    }
    return { threadIds: [...sub.threads], all: sub.all };
  }

  unsubscribe(surfaceId: string, target: { threadId?: string; all?: boolean }): { threadIds: string[]; all: boolean } {
    const sub = this.subs.get(surfaceId);
    if (!sub) return { threadIds: [], all: false };
    if (target.all) sub.all = false;
    if (target.threadId) sub.threads.delete(target.threadId);
    return { threadIds: [...sub.threads], all: sub.all };
  }

  /** The surface follows this thread's stream. */
  follows(surfaceId: string, threadId: string): boolean {
    const sub = this.subs.get(surfaceId);
    return !!sub && (sub.all || sub.threads.has(threadId));
  }

  private route(n: AnyServerNotification): void {
    const threadId = BROADCAST.has(n.method) ? undefined : (n.params as { threadId?: string }).threadId;
    for (const s of this.surfaces.values()) {
      if (!s.ready()) continue;
      if (threadId !== undefined && !this.follows(s.id, threadId) && !this.wasAsked(s.id, n)) continue;
      try {
        s.notify(n);
      } catch (e) {
        this.log.warn('notify failed', { client: s.label, error: (e as Error).message });
      }
    }
  }

  /** A surface that was sent a request hears how it ended, even when it does not follow the thread. */
  private wasAsked(surfaceId: string, n: AnyServerNotification): boolean {
    return n.method === 'serverRequest/resolved' && !!this.resolvedSentTo.get(n.params.requestId)?.has(surfaceId);
  }

  private readonly resolvedSentTo = new Map<string, Set<string>>();

  /** Context compression continued `from` as `to`: whoever followed the old thread follows the new one. */
  moveThread(from: string, to: string): void {
    for (const sub of this.subs.values()) if (sub.threads.has(from)) sub.threads.add(to);
    for (const p of this.pending.values()) if (p.threadId === from) p.threadId = to;
  }

  /** A subagent's thread: whoever follows the parent follows the child (its stream, and answering for it). */
  followChild(parent: string, child: string): void {
    for (const sub of this.subs.values()) if (sub.threads.has(parent)) sub.threads.add(child);
  }

  /** May this surface answer this request? The turn's origin, and surfaces following the thread by name. */
  private eligible(s: Surface, p: Pending): boolean {
    if (!s.ready() || !s.canAnswer(p.method)) return false;
    if (p.threadId === undefined) return true;
    const { answerers, origin } = p.routing;
    if (answerers === 'none') return false;
    if (s.id === origin) return true;
    if (answerers === 'origin') return false;
    return !!this.subs.get(s.id)?.threads.has(p.threadId);
  }

  answerers(method: ServerRequestMethod, routing?: RequestRouting & { threadId?: string }): number {
    const probe = { method, threadId: routing?.threadId, routing: routing ?? { answerers: 'thread' } } as Pending;
    return [...this.surfaces.values()].filter((s) => (routing ? this.eligible(s, probe) : s.ready() && s.canAnswer(method))).length;
  }

  /** Pending requests, for clients that want to list them. */
  pendingRequests(): { requestId: string; method: string; params: unknown }[] {
    return [...this.pending.values()].map((p) => ({ requestId: p.requestId, method: p.method, params: p.params }));
  }

  /** A surface finished its handshake: hand it whatever it may answer that is still waiting. */
  peerReady(surface: Surface): void {
    for (const p of this.pending.values()) this.sendTo(surface, p);
  }

  request<M extends ServerRequestMethod>(
    method: M,
    params: Omit<ServerRequestParams<M>, 'requestId' | 'expiresAt'>,
    opts: { timeoutMs: number; signal?: AbortSignal; routing?: RequestRouting; requestId?: string },
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
        routing: opts.routing ?? { answerers: 'thread' },
        sentTo: new Set(),
        finish: (answer) => {
          if (!this.pending.delete(requestId)) return;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.resolvedSentTo.set(requestId, new Set(pending.sentTo));
          this.events.emit('serverRequest/resolved', {
            requestId,
            threadId: pending.threadId,
            outcome: answer.ok ? 'answered' : answer.reason,
            // A secret's value and a file's content are for the host alone, never broadcast to the other clients.
            ...(answer.ok ? { answeredBy: answer.answeredBy, ...(PRIVATE_RESULTS.has(method) ? {} : { result: answer.result }) } : {}),
          });
          this.resolvedSentTo.delete(requestId);
          resolve(answer as ClientAnswer<M>);
        },
      };
      this.pending.set(requestId, pending);
      if (opts.signal?.aborted) return onAbort();
      const targets = [...this.surfaces.values()].filter((s) => this.eligible(s, pending));
      if (!targets.length) return pending.finish({ ok: false, reason: 'noAnswerer' });
      timer = setTimeout(() => pending.finish({ ok: false, reason: 'timeout' }), opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (const s of targets) this.sendTo(s, pending);
      for (const o of this.requestObservers) o({ requestId, method, threadId: pending.threadId, params: full, askedOf: targets.map((s) => s.label) });
    });
  }

  /** Hears of every request that was put to someone (surfaces that cannot answer, like the HTTP API, show it). */
  observeRequests(fn: (r: SentRequest) => void): () => void {
    this.requestObservers.add(fn);
    return () => this.requestObservers.delete(fn);
  }

  private sendTo(s: Surface, p: Pending): void {
    if (!this.eligible(s, p) || p.sentTo.has(s.id)) return;
    p.sentTo.add(s.id);
    const schema = serverRequests[p.method].result;
    s.request(p.method, p.params).then(
      (result) => {
        const parsed = schema.safeParse(result);
        if (!parsed.success) {
          // An answer that does not fit the protocol decides nothing; the surface may answer again.
          p.sentTo.delete(s.id);
          this.log.warn('client sent an invalid answer', { client: s.label, method: p.method });
          return;
        }
        p.finish({ ok: true, result: parsed.data, answeredBy: s.label });
      },
      (e) => {
        // A surface that errors or goes away does not decide; another one, or the timeout, will.
        p.sentTo.delete(s.id);
        this.log.debug('client did not answer', { client: s.label, method: p.method, error: (e as Error)?.message });
      },
    );
  }
}
