// Host → client questions (approval, clarify) for the terminal chat. The handlers are registered when the connection
// is initialised, before the view exists; each question waits here until the view answers it, or until the host
// says it was settled elsewhere (another surface answered, it timed out, the turn ended).
import type { ApprovalDecision, ApprovalRequestParams, ServerRequestParams } from '../../protocol';

type ClarifyRequestParams = ServerRequestParams<'clarify/request'>;
import type { ServerRequestHandlers } from '../rpc-client';

export type Pending =
  | { kind: 'approval'; params: ApprovalRequestParams; answer(d: ApprovalDecision): void }
  | { kind: 'clarify'; params: ClarifyRequestParams; answer(text: string): void };

export class PendingRequests {
  private queue: Pending[] = [];
  private listeners = new Set<() => void>();

  readonly handlers: ServerRequestHandlers = {
    'approval/request': (params) =>
      new Promise((resolve) => this.push({ kind: 'approval', params, answer: (decision) => resolve({ decision }) })),
    'clarify/request': (params) => new Promise((resolve) => this.push({ kind: 'clarify', params, answer: (answer) => resolve({ answer }) })),
  };

  private push(p: Pending): void {
    // A re-sent request (the host re-sends pending ones on attach) replaces the copy already waiting.
    this.queue = [...this.queue.filter((q) => q.params.requestId !== p.params.requestId), p];
    this.emit();
  }

  current(): Pending | undefined {
    return this.queue[0];
  }

  /** Answers the question at the head of the queue. */
  answer(requestId: string, value: ApprovalDecision | string): void {
    const p = this.queue.find((q) => q.params.requestId === requestId);
    if (!p) return;
    this.queue = this.queue.filter((q) => q !== p);
    if (p.kind === 'approval') p.answer(value as ApprovalDecision);
    else p.answer(String(value));
    this.emit();
  }

  /** The host settled a question without us (serverRequest/resolved): drop it; our late answer would be ignored. */
  settled(requestId: string): boolean {
    const p = this.queue.find((q) => q.params.requestId === requestId);
    if (!p) return false;
    this.queue = this.queue.filter((q) => q !== p);
    if (p.kind === 'approval') p.answer('deny');
    else p.answer('');
    this.emit();
    return true;
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
