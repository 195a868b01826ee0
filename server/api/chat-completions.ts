// POST /v1/chat/completions: one agent turn per request, rendered as OpenAI chat completions — streamed as
// `chat.completion.chunk`s (a final chunk with finish_reason, a usage chunk when stream_options.include_usage asks,
// then [DONE]) or as one `chat.completion`. Tool activity streams as `event: hermes.tool.progress` (and approvals
// as `event: hermes.approval`); their data carries `choices: []`, so a client that reads every data line as a
// chunk (the openai SDK does) sees an empty chunk, like OpenAI's own usage chunk, and moves on.
import { randomBytes } from 'node:crypto';
import { ApiError, badRequest, clientGone, toApiError } from './errors';
import { redact } from '../util/redact';
import { fromChatMessages, splitConversation } from './messages';
import { checkSessionId, SESSION_HEADER } from './sessions';
import { fingerprint, type StoredResponse } from './idempotency';
import { SseWriter } from './sse';
import { resolveModel, sendJson, type ApiServices, type RequestContext } from './context';
import { usageFields, type ApprovalProgress, type ToolProgress, type TurnOutcome } from './turn';
import { runIdempotent } from './idempotent-run';

interface Completion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: 0; message: { role: 'assistant'; content: string }; finish_reason: 'stop' | 'length'; logprobs: null }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details?: { cached_tokens: number } };
}

const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function chatCompletions(s: ApiServices, ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const stream = body.stream === true;
  const opts = body.stream_options as { include_usage?: unknown } | undefined;
  const includeUsage = !!opts && typeof opts === 'object' && opts.include_usage === true;
  if (body.n !== undefined && body.n !== 1) throw badRequest('n must be 1: the agent gives one answer per turn', 'n');
  const model = resolveModel(s, body.model);
  const conv = splitConversation(fromChatMessages(body.messages), 'messages');
  const meta = (body.metadata && typeof body.metadata === 'object' ? body.metadata : {}) as Record<string, unknown>;
  const sessionId =
    checkSessionId(headerValue(ctx.req.headers[SESSION_HEADER]), 'X-Hermes-Session-Id') ??
    checkSessionId(body.session_id, 'session_id') ??
    checkSessionId(meta.session_id, 'metadata.session_id') ??
    checkSessionId(meta.hermes_session_id, 'metadata.hermes_session_id');
  const user = checkSessionId(body.user, 'user') ?? '';

  const run = async (): Promise<StoredResponse> => {
    const bound = sessionId ? { sessionId, ...s.sessions.named(sessionId, conv) } : s.sessions.derived(conv, user);
    const headers = { 'x-hermes-session-id': bound.sessionId, 'x-hermes-thread-id': bound.threadId };
    const id = 'chatcmpl-' + randomBytes(12).toString('hex');
    const created = Math.floor(Date.now() / 1000);
    const modelName = model ?? s.host.store.threads.getThreadRow(bound.threadId)?.model ?? s.host.config.model.default;
    if (!stream) {
      const out = await s.turns.run(bound.threadId, conv.input, { model, signal: ctx.signal, images: conv.images });
      if (ctx.signal.aborted) throw clientGone();
      const completion = toCompletion(out, id, created, modelName);
      sendJson(ctx, 200, completion, { ...headers, 'x-hermes-thread-id': out.threadId });
      return { status: 200, body: completion };
    }
    const sse = new SseWriter(ctx.res, { ...ctx.headers, ...headers });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: modelName,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    sse.data(chunk({ role: 'assistant', content: '' }));
    const extra = { id, created, model: modelName, choices: [] };
    const sink = {
      text: (d: string) => sse.data(chunk({ content: d })),
      tool: (p: ToolProgress) =>
        sse.event('hermes.tool.progress', {
          ...extra,
          object: 'hermes.tool.progress',
          tool: p.tool,
          emoji: p.emoji,
          label: p.label,
          toolCallId: p.toolCallId,
          status: p.status,
          ...(p.outcome ? { outcome: p.outcome } : {}),
        }),
      approval: (p: ApprovalProgress) => sse.event('hermes.approval', { ...extra, object: 'hermes.approval', ...p }),
    };
    const out = await s.turns.run(bound.threadId, conv.input, { model, signal: ctx.signal, sink, images: conv.images }).catch((e) => {
      // Headers are out: the error travels in the stream, as OpenAI sends one, and ends it.
      sse.data(toApiError(e).body());
      sse.done();
      sse.end();
      throw e;
    });
    if (ctx.signal.aborted) throw clientGone(); // its partial answer is not kept for a retry with the same key
    const failure = turnFailure(out);
    if (failure) {
      sse.data(failure.body());
      sse.done();
      sse.end();
      throw failure; // not kept for idempotent replay; the response is already on the wire
    }
    const completion = toCompletion(out, id, created, modelName);
    sse.data(chunk({}, completion.choices[0].finish_reason));
    if (includeUsage) sse.data({ ...extra, object: 'chat.completion.chunk', usage: completion.usage });
    sse.done();
    sse.end();
    return { status: 200, body: completion };
  };

  const key = headerValue(ctx.req.headers['idempotency-key']);
  await runIdempotent(s, ctx, key, `chat\0${ctx.caller}`, fingerprint({ body, session: headerValue(ctx.req.headers[SESSION_HEADER]) ?? null }), run, (stored) => {
    if (stream) replayStream(ctx, stored.body as Completion, includeUsage);
    else sendJson(ctx, stored.status, stored.body, { 'idempotent-replayed': 'true' });
  });
}

/** A failed turn as the error a client sees; an interrupted or step-limited turn still answers with what it said. */
export function turnFailure(out: TurnOutcome): ApiError | undefined {
  if (out.turn.status !== 'failed') return undefined;
  const e = out.turn.error;
  return new ApiError(502, redact(`the agent's turn failed: ${e?.message ?? 'unknown error'}`), 'server_error', e?.kind ?? 'turn_failed');
}

function toCompletion(out: TurnOutcome, id: string, created: number, model: string): Completion {
  const failure = turnFailure(out);
  if (failure) throw failure;
  const u = usageFields(out.turn.usage);
  return {
    id,
    object: 'chat.completion',
    created,
    model: out.turn.model ?? model,
    choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: out.turn.error?.kind === 'MaxIterations' ? 'length' : 'stop', logprobs: null }],
    usage: { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.total, ...(u.cached ? { prompt_tokens_details: { cached_tokens: u.cached } } : {}) },
  };
}

/** The same answer again, as a stream: one content chunk, the finish chunk, usage when asked, [DONE]. */
function replayStream(ctx: RequestContext, c: Completion, includeUsage: boolean): void {
  const sse = new SseWriter(ctx.res, { ...ctx.headers, 'idempotent-replayed': 'true' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  sse.data(chunk({ role: 'assistant', content: '' }));
  if (c.choices[0].message.content) sse.data(chunk({ content: c.choices[0].message.content }));
  sse.data(chunk({}, c.choices[0].finish_reason));
  if (includeUsage) sse.data({ id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model, choices: [], usage: c.usage });
  sse.done();
  sse.end();
}
