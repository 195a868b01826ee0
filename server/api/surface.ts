// The HTTP API's one surface in the hub. Every API turn names it as origin; it cannot answer approvals itself (an
// HTTP client has no dialog), so a turn's requests go to the thread's other surfaces or are denied at once, as
// `api.approvals` says. It follows every thread's stream while requests are in flight and hands each notification
// to the request whose turn it belongs to; it counts as attached only while requests are in flight, so it never
// keeps an editor-spawned host alive on its own.
import type { AnyServerNotification, ServerRequestMethod } from '../protocol';
import type { Surface } from '../surfaces/surface';
import type { ClientHub, SentRequest } from '../rpc/hub';

export const API_SURFACE_ID = 'api';

type TurnListener = (n: AnyServerNotification) => void;

export class ApiSurface implements Surface {
  readonly id = API_SURFACE_ID;
  readonly kind = 'api' as const;
  readonly label = 'http api';
  private active = 0;
  private readonly byTurn = new Map<string, Set<TurnListener>>();
  private readonly byThread = new Map<string, Set<(r: SentRequest | AnyServerNotification) => void>>();
  private readonly stopObserving: () => void;

  constructor(private readonly hub: ClientHub) {
    hub.add(this);
    hub.subscribe(this.id, { all: true });
    this.stopObserving = hub.observeRequests((r) => {
      if (r.threadId) for (const l of this.byThread.get(r.threadId) ?? []) l(r);
    });
  }

  ready(): boolean {
    return this.active > 0;
  }

  canAnswer(_m: ServerRequestMethod): boolean {
    return false;
  }

  request(method: ServerRequestMethod): Promise<unknown> {
    return Promise.reject(new Error(`the HTTP API cannot answer ${method}`));
  }

  notify(n: AnyServerNotification): void {
    const p = n.params as { turnId?: string; turn?: { id: string }; threadId?: string };
    const turnId = p.turnId ?? (n.method === 'turn/completed' || n.method === 'turn/started' ? p.turn?.id : undefined);
    if (turnId) for (const l of this.byTurn.get(turnId) ?? []) l(n);
    if (n.method === 'serverRequest/resolved' && p.threadId) for (const l of this.byThread.get(p.threadId) ?? []) l(n);
  }

  /** A request is in flight: notifications flow while at least one is. */
  hold(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }

  onTurn(turnId: string, l: TurnListener): () => void {
    return add(this.byTurn, turnId, l);
  }

  /** Approval requests put to someone for this thread, and how they ended. */
  onThreadRequests(threadId: string, l: (r: SentRequest | AnyServerNotification) => void): () => void {
    return add(this.byThread, threadId, l);
  }

  close(): void {
    this.stopObserving();
    this.hub.remove(this.id);
  }
}

function add<K, V>(m: Map<K, Set<V>>, k: K, v: V): () => void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
  return () => {
    s!.delete(v);
    if (!s!.size) m.delete(k);
  };
}
