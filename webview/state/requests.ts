// Host→client requests shown as cards (approval, clarify, secret). The host decides: the card sends an answer, and
// only `serverRequest/resolved` closes it — whether this card, the VS Code dialog, another client or the timeout
// settled it.
import type { NotificationParams, ServerRequestMethod, ServerRequestParams } from '../../server/protocol';
import type { Emitter } from './emitter';

export type PendingRequest = {
  [M in ServerRequestMethod]: {
    method: M;
    params: ServerRequestParams<M>;
    state: 'pending' | 'resolved';
    /** What this webview answered, if it did (secret values are not kept). */
    sent?: unknown;
    outcome?: NotificationParams<'serverRequest/resolved'>['outcome'];
    answeredBy?: string;
    result?: unknown;
  };
}[ServerRequestMethod];

export class Requests {
  readonly byId = new Map<string, PendingRequest>();

  constructor(private readonly emitter: Emitter) {}

  add(method: ServerRequestMethod, params: ServerRequestParams<ServerRequestMethod>): PendingRequest {
    const known = this.byId.get(params.requestId);
    if (known) return known; // the extension re-sends pending requests after a reload
    const entry = { method, params, state: 'pending' } as PendingRequest;
    this.byId.set(params.requestId, entry);
    this.emitter.mark(`request:${params.requestId}`, 'requests');
    return entry;
  }

  /** Records the answer sent from here; the card stays open until the host says who won. */
  markSent(requestId: string, sent: unknown): void {
    const r = this.byId.get(requestId);
    if (!r || r.state !== 'pending') return;
    r.sent = r.method === 'secret/request' ? secretShape(sent) : sent;
    this.emitter.mark(`request:${requestId}`);
  }

  resolve(p: NotificationParams<'serverRequest/resolved'>): boolean {
    const r = this.byId.get(p.requestId);
    if (!r) return false;
    r.state = 'resolved';
    r.outcome = p.outcome;
    r.answeredBy = p.answeredBy;
    // A secret's value never lands in the view, even if a host echoed it back.
    r.result = r.method === 'secret/request' ? secretShape(p.result) : p.result;
    this.emitter.mark(`request:${p.requestId}`, 'requests');
    return true;
  }

  pending(): PendingRequest[] {
    return [...this.byId.values()].filter((r) => r.state === 'pending');
  }

  threadOf(r: PendingRequest): string | undefined {
    return r.params.threadId;
  }

  /** Forgets resolved cards of threads no longer on screen. */
  prune(keepThreadId: string | null): void {
    for (const [id, r] of this.byId) if (r.state === 'resolved' && r.params.threadId !== keepThreadId) this.byId.delete(id);
  }
}

/** A secret answer without its value: whether one was given or the user cancelled. */
function secretShape(answer: unknown): { cancelled: boolean } {
  return { cancelled: !!(answer as { cancelled?: unknown } | undefined)?.cancelled };
}
