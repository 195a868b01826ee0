// The Responses API: POST /v1/responses runs one agent turn and answers with a `response` (streamed as the spec's
// events, or whole); `previous_response_id` continues the thread the earlier response came from (a fork of it when
// the conversation has moved on since, so every response id stays a stable branch point); `store: false` keeps
// the response out of the store (the turn is still part of its thread, like every turn); GET and DELETE
// /v1/responses/{id} read and remove stored ones.
import { ApiError, badRequest, clientGone } from './errors';
import { fromResponsesInput, splitConversation } from './messages';
import { checkSessionId, seedHistory, SESSION_HEADER } from './sessions';
import { fingerprint, type StoredResponse } from './idempotency';
import { SseWriter } from './sse';
import { resolveModel, sendJson, type ApiServices, type RequestContext } from './context';
import { usageFields } from './turn';
import { ResponseBuilder, newResponseId } from './response-builder';
import { turnFailure } from './chat-completions';
import { runIdempotent } from './idempotent-run';

const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function createResponse(s: ApiServices, ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const stream = body.stream === true;
  const store = body.store !== false;
  const model = resolveModel(s, body.model);
  const msgs = fromResponsesInput(body.input);
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') throw badRequest('instructions must be a string', 'instructions');
  const instructions = (body.instructions as string | null | undefined) ?? null;
  const conv = splitConversation(instructions ? [{ role: 'system', text: instructions }, ...msgs] : msgs, 'input');
  const previousId = body.previous_response_id == null ? undefined : String(body.previous_response_id);
  const conversation = typeof body.conversation === 'object' && body.conversation ? (body.conversation as { id?: unknown }).id : body.conversation;
  const sessionId =
    checkSessionId(conversation, 'conversation') ?? checkSessionId(headerValue(ctx.req.headers[SESSION_HEADER]), 'X-Hermes-Session-Id') ?? checkSessionId(body.session_id, 'session_id');
  const metadata = body.metadata && typeof body.metadata === 'object' ? body.metadata : {};

  const run = async (): Promise<StoredResponse> => {
    const threadId = threadFor(s, { previousId, sessionId, conv });
    const id = newResponseId();
    const createdAt = Math.floor(Date.now() / 1000);
    const modelName = model ?? s.host.store.threads.getThreadRow(threadId)?.model ?? s.host.config.model.default;
    const base = {
      id,
      object: 'response',
      created_at: createdAt,
      status: 'in_progress',
      error: null,
      incomplete_details: null,
      instructions,
      model: modelName,
      output: [] as unknown[],
      parallel_tool_calls: true,
      previous_response_id: previousId ?? null,
      store,
      temperature: null,
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      metadata,
      usage: null as unknown,
    };
    const headers = { 'x-hermes-thread-id': threadId, ...(sessionId ? { 'x-hermes-session-id': sessionId } : {}) };
    let sse: SseWriter | undefined;
    let seq = 0;
    const emit = (type: string, payload: Record<string, unknown>) => sse?.event(type, { type, sequence_number: seq++, ...payload });
    if (stream) {
      sse = new SseWriter(ctx.res, { ...ctx.headers, ...headers });
      emit('response.created', { response: base });
      emit('response.in_progress', { response: base });
    }
    const builder = new ResponseBuilder(emit);
    const out = await s.turns.run(threadId, conv.input, {
      model,
      signal: ctx.signal,
      sink: stream ? { text: (d) => builder.text(d), tool: (p) => builder.tool(p) } : {},
      images: conv.images,
    });
    if (ctx.signal.aborted) throw clientGone(); // its partial answer is not kept for a retry with the same key
    if (!stream) for (const t of out.tools) for (const st of ['running', 'completed'] as const) builder.tool({ ...t, status: st });
    const failure = turnFailure(out);
    if (failure) {
      if (sse) {
        emit('response.failed', { response: { ...base, status: 'failed', output: builder.output, error: { code: failure.code, message: failure.message } } });
        sse.end();
      }
      throw failure;
    }
    const incomplete = out.turn.error?.kind === 'MaxIterations' || out.turn.status === 'interrupted';
    builder.finish(out.text, incomplete ? 'incomplete' : 'completed');
    const u = usageFields(out.turn.usage);
    const response = {
      ...base,
      model: out.turn.model ?? modelName,
      status: incomplete ? 'incomplete' : 'completed',
      incomplete_details: incomplete ? { reason: out.turn.status === 'interrupted' ? 'interrupted' : 'max_output_tokens' } : null,
      output: builder.output,
      output_text: out.text,
      usage: {
        input_tokens: u.prompt,
        input_tokens_details: { cached_tokens: u.cached },
        output_tokens: u.completion,
        output_tokens_details: { reasoning_tokens: u.reasoning },
        total_tokens: u.total,
      },
    };
    if (store) s.responses.put({ id, threadId: out.threadId, turnId: out.turn.id, previousId: previousId ?? null, body: response });
    if (sse) {
      emit(incomplete ? 'response.incomplete' : 'response.completed', { response });
      sse.end();
    } else sendJson(ctx, 200, response, { ...headers, 'x-hermes-thread-id': out.threadId });
    return { status: 200, body: response };
  };

  const key = headerValue(ctx.req.headers['idempotency-key']);
  await runIdempotent(s, ctx, key, `responses\0${ctx.caller}`, fingerprint({ body, session: headerValue(ctx.req.headers[SESSION_HEADER]) ?? null }), run, (stored) => {
    if (stream) replayStream(ctx, stored.body as Record<string, any>);
    else sendJson(ctx, stored.status, stored.body, { 'idempotent-replayed': 'true' });
  });
}

/** The thread a Responses request runs on (see the module comment). */
function threadFor(s: ApiServices, r: { previousId?: string; sessionId?: string; conv: ReturnType<typeof splitConversation> }): string {
  const { host } = s;
  if (r.previousId) {
    const prev = s.responses.get(r.previousId);
    if (!prev) throw new ApiError(404, `No stored response with id ${r.previousId} (it was not stored, was deleted, or never existed)`, 'not_found_error', 'previous_response_not_found', 'previous_response_id');
    const holder = host.store.threads.getTurn(prev.turnId)?.threadId ?? prev.threadId;
    if (!host.store.threads.getThreadRow(holder)) throw new ApiError(404, `The conversation of response ${r.previousId} was deleted`, 'not_found_error', 'previous_response_not_found', 'previous_response_id');
    const current = host.threads.current(holder);
    let threadId: string;
    if (host.store.threads.listTurns(current).at(-1)?.id === prev.turnId) threadId = current;
    else {
      try {
        threadId = host.threads.fork(holder, prev.turnId).id;
      } catch (e) {
        throw new ApiError(409, `Response ${r.previousId} can no longer be continued: ${(e as Error).message}`, 'conflict_error', 'previous_response_unavailable', 'previous_response_id');
      }
    }
    // Messages sent along with previous_response_id join the conversation before the new input.
    s.sessions.syncSystem(threadId, r.conv.system);
    if (r.conv.history.length) seedHistory(host, threadId, host.store.threads.getThreadRow(threadId)?.model ?? '', '', r.conv.history);
    return threadId;
  }
  if (r.sessionId) return s.sessions.named(r.sessionId, r.conv).threadId;
  return s.sessions.create(r.conv);
}

function replayStream(ctx: RequestContext, response: Record<string, any>): void {
  const sse = new SseWriter(ctx.res, { ...ctx.headers, 'idempotent-replayed': 'true' });
  let seq = 0;
  const emit = (type: string, payload: Record<string, unknown>) => sse.event(type, { type, sequence_number: seq++, ...payload });
  const start = { ...response, status: 'in_progress', output: [], usage: null };
  emit('response.created', { response: start });
  emit('response.in_progress', { response: start });
  const b = new ResponseBuilder(emit);
  for (const item of response.output as Record<string, any>[]) {
    if (item.type === 'function_call') b.tool({ tool: item.name, emoji: '', label: '', toolCallId: item.call_id, status: 'running', arguments: item.arguments });
    else if (item.type === 'function_call_output') b.tool({ tool: '', emoji: '', label: '', toolCallId: item.call_id, status: 'completed', output: item.output });
    else if (item.type === 'message') b.text(item.content?.[0]?.text ?? '');
  }
  b.finish(response.output_text ?? '', response.status === 'incomplete' ? 'incomplete' : 'completed');
  emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  sse.end();
}

export function getResponse(s: ApiServices, ctx: RequestContext, id: string): void {
  const r = s.responses.get(id);
  if (!r) throw new ApiError(404, `No stored response with id ${id}`, 'not_found_error', 'response_not_found');
  sendJson(ctx, 200, r.body);
}

export function deleteResponse(s: ApiServices, ctx: RequestContext, id: string): void {
  if (!s.responses.delete(id)) throw new ApiError(404, `No stored response with id ${id}`, 'not_found_error', 'response_not_found');
  sendJson(ctx, 200, { id, object: 'response', deleted: true });
}
