// Host→client requests (approvals, clarify questions, secret prompts) answered from two places at once: an IDE prompt
// (modal dialog, quick pick, input box) and the chat webview's card. The first valid answer wins and becomes the
// JSON-RPC reply to the host; the host then tells every client `serverRequest/resolved`, which closes the others.
//
// Stale prompts. VS Code cannot close a modal dialog from code, so a dialog can outlive its request: the webview, a
// chat app or another editor answered first, the host timed out, or the host went away. Such a dialog is kept in
// `entries` in a non-pending state; when the user finally clicks, the click is a no-op and the user is told what
// happened instead (`PromptUi.alreadyAnswered`). Quick picks and input boxes can be closed, so they are closed.
//
// Host restarts. When the connection drops, every pending request dies with it (its reply can no longer be sent)
// and the webview cards are closed with a synthetic `serverRequest/resolved` (outcome `cancelled`). An open dialog
// is kept as "orphaned": a host that survived (attach mode) re-sends its pending requests with the same requestId
// when we re-attach, and the re-sent request adopts the open dialog instead of stacking a second one. A dialog still
// orphaned when clicked tells the user the request is no longer pending. So no dialog can act on a request that
// no longer exists, and none is left without an owner.
import type { ExtensionToWebview, ServerRequestMethod, ServerRequestParams, ServerRequestResult } from '../../server/protocol';
import { serverRequests } from '../../server/protocol';

export type AnswerableMethod = ServerRequestMethod;

/** An IDE-side prompt. `result` is undefined when the user dismissed it; `close` exists when it can be closed. */
export interface OpenPrompt<T> {
  result: Promise<T | undefined>;
  close?: () => void;
}

export interface LateAnswer {
  method: AnswerableMethod;
  params: Record<string, unknown>;
  /** resolved: answered elsewhere or timed out; hostGone: the host restarted and did not ask again. */
  reason: 'resolved' | 'hostGone';
  outcome?: 'answered' | 'timeout' | 'cancelled';
  answeredBy?: string;
  result?: unknown;
}

export interface PromptUi {
  open<M extends AnswerableMethod>(method: M, params: ServerRequestParams<M>): OpenPrompt<ServerRequestResult<M>>;
  /** The user answered a dialog whose request was already settled: their answer changed nothing. */
  alreadyAnswered(info: LateAnswer): void;
}

type State = 'pending' | 'answered' | 'resolved' | 'orphaned';

interface Entry {
  requestId: string;
  method: AnswerableMethod;
  params: Record<string, unknown>;
  state: State;
  reply?: { resolve(v: unknown): void; reject(e: Error): void };
  prompt?: OpenPrompt<unknown>;
  late?: Omit<LateAnswer, 'method' | 'params'>;
}

export class RequestSettledError extends Error {
  constructor(requestId: string, why: string) {
    super(`request ${requestId} ${why}`);
  }
}

export class ServerRequestBroker {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly ui: PromptUi,
    private readonly toWebviews: (msg: ExtensionToWebview) => void,
  ) {}

  /** The handler for a host→client request: resolves with the first valid answer from the IDE or a webview. */
  handle<M extends AnswerableMethod>(method: M, params: ServerRequestParams<M>): Promise<ServerRequestResult<M>> {
    const p = params as Record<string, unknown> & { requestId: string };
    let entry = this.entries.get(p.requestId);
    const reply = new Promise<unknown>((resolve, reject) => {
      if (entry && entry.state === 'orphaned') {
        // Re-sent after a reconnect: the dialog that is still open answers this request now.
        entry.state = 'pending';
        entry.params = p;
        entry.reply = { resolve, reject };
      } else {
        entry?.reply?.reject(new RequestSettledError(p.requestId, 'was sent again'));
        entry = { requestId: p.requestId, method, params: p, state: 'pending', reply: { resolve, reject } };
        this.entries.set(p.requestId, entry);
        this.openPrompt(entry);
      }
    });
    this.toWebviews({ type: 'serverRequest', method, params });
    this.changed();
    return reply as Promise<ServerRequestResult<M>>;
  }

  /** An answer from a webview card. False when the request is not pending or the answer is invalid. */
  answerFromWebview(requestId: string, result: unknown): boolean {
    const e = this.entries.get(requestId);
    if (!e || e.state !== 'pending') return false;
    const parsed = serverRequests[e.method].result.safeParse(result);
    if (!parsed.success) return false;
    this.win(e, parsed.data, 'the chat view');
    return true;
  }

  /** `serverRequest/resolved` from the host: whoever answered (us included), the request is over. */
  resolved(n: { requestId: string; outcome: 'answered' | 'timeout' | 'cancelled'; answeredBy?: string; result?: unknown }): void {
    const e = this.entries.get(n.requestId);
    if (!e) return;
    if (e.state === 'pending' || e.state === 'orphaned') {
      e.state = 'resolved';
      e.late = { reason: 'resolved', outcome: n.outcome, answeredBy: n.answeredBy, result: n.result };
      e.reply?.reject(new RequestSettledError(n.requestId, `was resolved elsewhere (${n.outcome})`));
      e.reply = undefined;
    }
    this.retire(e);
    this.changed();
  }

  /** The host connection dropped: pending requests die with it. */
  connectionLost(): void {
    for (const e of this.entries.values()) {
      if (e.state !== 'pending') continue;
      e.state = 'orphaned';
      e.late = { reason: 'hostGone' };
      e.reply?.reject(new RequestSettledError(e.requestId, 'lost its connection'));
      e.reply = undefined;
      this.toWebviews({
        type: 'notification',
        method: 'serverRequest/resolved',
        params: { requestId: e.requestId, threadId: e.params.threadId, outcome: 'cancelled' },
      });
      // A closable prompt goes now; a modal dialog waits to be adopted by a re-sent request or clicked.
      if (e.prompt?.close) this.retire(e);
    }
    this.changed();
  }

  /** Requests still waiting for an answer, for a webview that (re)loads. */
  pending(): { method: AnswerableMethod; params: Record<string, unknown> }[] {
    return [...this.entries.values()].filter((e) => e.state === 'pending').map((e) => ({ method: e.method, params: e.params }));
  }

  waitingFor(method?: AnswerableMethod): number {
    return [...this.entries.values()].filter((e) => e.state === 'pending' && (!method || e.method === method)).length;
  }

  onDidChange(fn: () => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  private openPrompt(e: Entry): void {
    const prompt = this.ui.open(e.method, e.params as never) as OpenPrompt<unknown>;
    e.prompt = prompt;
    prompt.result.then(
      (answer) => this.fromPrompt(e, prompt, answer),
      () => this.fromPrompt(e, prompt, undefined),
    );
  }

  private fromPrompt(e: Entry, prompt: OpenPrompt<unknown>, answer: unknown): void {
    if (e.prompt !== prompt) return;
    e.prompt = undefined;
    if (answer === undefined) {
      // Dismissed: this prompt gives no answer; the webview or the host's timeout decides.
      this.retire(e);
      return;
    }
    if (e.state === 'pending') {
      this.win(e, answer);
      return;
    }
    if (e.late && !prompt.close) this.ui.alreadyAnswered({ method: e.method, params: e.params, ...e.late });
    this.retire(e);
  }

  private win(e: Entry, result: unknown, elsewhere?: string): void {
    e.state = 'answered';
    if (elsewhere) e.late = { reason: 'resolved', outcome: 'answered', answeredBy: elsewhere, result };
    e.reply?.resolve(result);
    e.reply = undefined;
    if (e.prompt?.close) e.prompt.close();
    this.retire(e);
    this.changed();
  }

  /** Forgets a settled entry once no open dialog can still be clicked. */
  private retire(e: Entry): void {
    if (e.state === 'pending') return;
    if (e.prompt?.close) {
      const close = e.prompt.close;
      e.prompt = undefined;
      close();
    }
    if (!e.prompt && this.entries.get(e.requestId) === e) this.entries.delete(e.requestId);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
