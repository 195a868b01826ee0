// Cards for the host's questions: approve a command, answer a clarifying question, provide a secret. A card sends
// its answer and waits; `serverRequest/resolved` closes it with the outcome, wherever the answer came from.
import { useState } from 'preact/hooks';
import type { ApprovalDecision, ServerRequestParams } from '../../server/protocol';
import type { ChatController } from '../controller';
import type { PendingRequest } from '../state/requests';
import { useKeys } from '../state/emitter';

const DECISIONS: Record<ApprovalDecision, { label: string; key: string; done: string }> = {
  once: { label: 'Allow once', key: 'o', done: 'Allowed once' },
  session: { label: 'Allow for this session', key: 's', done: 'Allowed for this session' },
  always: { label: 'Always allow', key: 'a', done: 'Always allowed' },
  deny: { label: 'Deny', key: 'd', done: 'Denied' },
};

export function RequestCard({ c, requestId }: { c: ChatController; requestId: string }) {
  useKeys(c.emitter, `request:${requestId}`);
  const r = c.requests.byId.get(requestId);
  if (!r) return null;
  switch (r.method) {
    case 'approval/request':
      return <ApprovalCard c={c} r={r} params={r.params} />;
    case 'clarify/request':
      return <ClarifyCard c={c} r={r} params={r.params} />;
    case 'secret/request':
      return <SecretCard c={c} r={r} params={r.params} />;
  }
}

/** Who settled it, in words: here, elsewhere (another client, the VS Code dialog), the clock, or the turn ending. */
function settledBy(r: PendingRequest): string {
  if (r.outcome === 'timeout') return 'no answer in time';
  if (r.outcome === 'cancelled') return 'cancelled, the turn ended';
  return r.sent !== undefined ? 'answered here' : r.answeredBy ? `answered by ${r.answeredBy}` : 'answered elsewhere';
}

function Outcome({ text }: { text: string }) {
  return (
    <p class="outcome" role="status">
      {text}
    </p>
  );
}

/** Focuses a new card (not its buttons: an Enter meant for the composer must not approve anything). */
function focusOnMount(el: HTMLElement | null): void {
  if (el && !el.dataset.focused) {
    el.dataset.focused = '1';
    const active = document.activeElement as HTMLTextAreaElement | null;
    if (!(active?.tagName === 'TEXTAREA' && active.value)) el.focus();
  }
}

function ApprovalCard({ c, r, params }: { c: ChatController; r: PendingRequest; params: ServerRequestParams<'approval/request'> }) {
  const pending = r.state === 'pending';
  const choices = params.choices.length ? params.choices : (['once', 'deny'] as ApprovalDecision[]);
  const decide = (d: ApprovalDecision) => c.answer(params.requestId, { decision: d });
  const onKeyDown = (e: KeyboardEvent) => {
    if (!pending || e.ctrlKey || e.metaKey || e.altKey || (e.target as HTMLElement).tagName === 'INPUT') return;
    const hit = choices.find((d) => DECISIONS[d].key === e.key.toLowerCase());
    if (hit) {
      e.preventDefault();
      decide(hit);
    }
  };
  const decided = (r.result as { decision?: ApprovalDecision } | undefined)?.decision ?? (r.sent as { decision?: ApprovalDecision } | undefined)?.decision;
  // Silence and cancellation count as a deny on the host's side.
  const outcome =
    r.outcome !== 'answered' ? `Denied (${settledBy(r)})` : decided ? `${DECISIONS[decided].done} (${settledBy(r)})` : `Answered (${settledBy(r)})`;
  const what = params.escalation
    ? 'run a command once OUTSIDE the sandbox'
    : params.kind === 'fileWrite' ? 'write a file' : params.kind === 'command' ? 'run a command' : 'use a tool';
  return (
    <section
      class={`card request approval ${r.state}`}
      aria-label={`Approval request: ${params.tool} wants to ${what}`}
      tabIndex={-1}
      ref={pending ? focusOnMount : undefined}
      onKeyDown={onKeyDown}
      data-request={params.requestId}
    >
      <header class="card-head">
        <span class="card-kind">Approval</span>
        <span class="tool-name">{params.tool}</span> wants to {what}
      </header>
      {params.command && (
        <pre class="cmd">
          <code>{params.command}</code>
        </pre>
      )}
      {params.path && (
        <div class="meta">
          file <code>{params.path}</code>
        </div>
      )}
      {params.cwd && (
        <div class="meta">
          in <code>{params.cwd}</code>
        </div>
      )}
      {params.reasons.length > 0 && (
        <ul class="reasons" aria-label="Why it asks">
          {params.reasons.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      )}
      {pending ? (
        <div class="actions" role="group" aria-label="Decision">
          {choices.map((d) => (
            <button
              key={d}
              type="button"
              class={d === 'deny' ? 'secondary deny' : d === 'once' ? 'primary' : ''}
              data-decision={d}
              aria-keyshortcuts={DECISIONS[d].key.toUpperCase()}
              disabled={r.sent !== undefined}
              onClick={() => decide(d)}
            >
              {DECISIONS[d].label} <kbd aria-hidden="true">{DECISIONS[d].key.toUpperCase()}</kbd>
            </button>
          ))}
        </div>
      ) : (
        <Outcome text={outcome} />
      )}
    </section>
  );
}

function ClarifyCard({ c, r, params }: { c: ChatController; r: PendingRequest; params: ServerRequestParams<'clarify/request'> }) {
  const [text, setText] = useState('');
  const pending = r.state === 'pending';
  const send = (answer: string) => answer.trim() && c.answer(params.requestId, { answer: answer.trim() });
  const answered = (r.result as { answer?: string } | undefined)?.answer ?? (r.sent as { answer?: string } | undefined)?.answer;
  const inputId = `clarify-${params.requestId}`;
  return (
    <section class={`card request clarify ${r.state}`} aria-label="Question from Hermes" tabIndex={-1} ref={pending ? focusOnMount : undefined} data-request={params.requestId}>
      <header class="card-head">
        <span class="card-kind">Question</span>
      </header>
      <p class="question">{params.question}</p>
      {pending ? (
        <>
          {params.choices && params.choices.length > 0 && (
            <div class="actions choices" role="group" aria-label="Suggested answers">
              {params.choices.map((ch) => (
                <button key={ch} type="button" disabled={r.sent !== undefined} onClick={() => send(ch)}>
                  {ch}
                </button>
              ))}
            </div>
          )}
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              send(text);
            }}
          >
            <label for={inputId} class="sr-only">
              Your answer
            </label>
            <input id={inputId} type="text" placeholder="Or type an answer…" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} disabled={r.sent !== undefined} />
            <button type="submit" disabled={!text.trim() || r.sent !== undefined}>
              Answer
            </button>
          </form>
        </>
      ) : (
        <Outcome text={r.outcome === 'answered' && answered ? `Answered “${answered}” (${settledBy(r)})` : `Not answered (${settledBy(r)})`} />
      )}
    </section>
  );
}

function SecretCard({ c, r, params }: { c: ChatController; r: PendingRequest; params: ServerRequestParams<'secret/request'> }) {
  const pending = r.state === 'pending';
  const inputId = `secret-${params.requestId}`;
  const submit = (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('secret') as HTMLInputElement;
    const value = input.value;
    // The value goes to the host only; clear it from the page at once.
    input.value = '';
    if (value) c.answer(params.requestId, { value });
  };
  const cancelled = (r.result as { cancelled?: boolean } | undefined)?.cancelled;
  return (
    <section class={`card request secret ${r.state}`} aria-label={`Secret needed: ${params.name}`} tabIndex={-1} ref={pending ? focusOnMount : undefined} data-request={params.requestId}>
      <header class="card-head">
        <span class="card-kind">Secret</span>
        <code>{params.name}</code>
        {params.skill && <span class="meta"> for {params.skill}</span>}
      </header>
      <p class="question">{params.prompt}</p>
      {params.help && <p class="help">{params.help}</p>}
      {pending ? (
        <form class="inline-form" onSubmit={submit}>
          <label for={inputId} class="sr-only">
            {params.name}
          </label>
          <input id={inputId} name="secret" type="password" autocomplete="off" spellcheck={false} disabled={r.sent !== undefined} />
          <button type="submit" disabled={r.sent !== undefined}>
            Save
          </button>
          <button type="button" class="secondary" disabled={r.sent !== undefined} onClick={() => c.answer(params.requestId, { cancelled: true })}>
            Cancel
          </button>
        </form>
      ) : (
        <Outcome text={r.outcome === 'answered' ? (cancelled ? `Cancelled (${settledBy(r)})` : `Saved (${settledBy(r)})`) : `Not provided (${settledBy(r)})`} />
      )}
    </section>
  );
}
