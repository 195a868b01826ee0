// Streams one chat completion from an OpenAI-compatible endpoint, with retries, stall detection and an optional
// fallback endpoint. Deltas are handed to the caller as they arrive; the assembled message is returned.
import OpenAI from 'openai';
import type { Stream } from 'openai/core/streaming';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Usage } from '../protocol';
import type { Logger } from '../util/log';
import type { HermesConfig } from '../config/schema';
import { resolveEndpoints, type Endpoint } from './endpoints';
import { keepAliveFetch } from '../util/keep-alive-fetch';
import { toolsJson } from './tools-json';
import { classifyFailure, retryDelay, sleep, StreamCutError, StreamStalledError, type FailureInfo, type RetryPolicy } from './retry';

export interface ChatRequest {
  messages: ChatCompletionMessageParam[];
  tools?: ChatCompletionTool[];
  temperature?: number;
  signal: AbortSignal;
}

export interface ChatCallbacks {
  onText?(delta: string): void;
  onReasoning?(delta: string): void;
  /** An attempt failed and another follows; `partial` says deltas of the failed attempt were already delivered. */
  onRetry?(info: { attempt: number; delayMs: number; message: string; partial: boolean; endpoint: string }): void;
}

export interface ToolCallOut {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatResult {
  content: string;
  reasoning: string;
  toolCalls: ToolCallOut[];
  finishReason: string | null;
  usage: Usage | null;
  model: string;
  endpoint: 'primary' | 'fallback';
}

export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly failure: FailureInfo,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

export interface ModelClientOptions {
  policy: RetryPolicy;
  streamIdleTimeoutMs: number;
  log: Logger;
}

function toUsage(u: any): Usage | null {
  if (!u) return null;
  const p = u.prompt_tokens ?? 0;
  const c = u.completion_tokens ?? 0;
  const cached = u.prompt_tokens_details?.cached_tokens;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  const cost = typeof u.cost === 'number' ? u.cost : typeof u.total_cost === 'number' ? u.total_cost : undefined;
  return {
    promptTokens: p,
    completionTokens: c,
    totalTokens: u.total_tokens ?? p + c,
    ...(cached ? { cachedTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}

/** The streamed chat completion request for `req`, as JSON text. */
export function chatBody(model: string, req: ChatRequest): string {
  const head = JSON.stringify({
    model,
    messages: req.messages,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    stream: true,
    stream_options: { include_usage: true },
  });
  return req.tools?.length ? `${head.slice(0, -1)},"tools":${toolsJson(req.tools)}}` : head;
}

export class ModelClient {
  private readonly clients = new Map<string, OpenAI>();

  constructor(
    private readonly endpoints: Endpoint[],
    private readonly opts: ModelClientOptions,
  ) {}

  private client(ep: Endpoint): OpenAI {
    const key = `${ep.baseURL}\n${ep.apiKey}`;
    let c = this.clients.get(key);
    if (!c) {
      // Retries are ours (they must honour Retry-After, the fallback and interrupts), so the SDK's are off.
      c = new OpenAI({ apiKey: ep.apiKey, baseURL: ep.baseURL, maxRetries: 0, timeout: this.opts.streamIdleTimeoutMs, fetch: keepAliveFetch });
      this.clients.set(key, c);
    }
    return c;
  }

  async complete(req: ChatRequest, cb: ChatCallbacks = {}): Promise<ChatResult> {
    let last: FailureInfo | undefined;
    for (const ep of this.endpoints) {
      const { policy } = this.opts;
      for (let attempt = 1; attempt <= policy.maxRetries + 1; attempt++) {
        let delivered = false;
        try {
          return await this.attempt(ep, req, {
            ...cb,
            onText: (d) => {
              delivered = true;
              cb.onText?.(d);
            },
            onReasoning: (d) => {
              delivered = true;
              cb.onReasoning?.(d);
            },
          });
        } catch (e) {
          if (req.signal.aborted) throw e;
          last = classifyFailure(e);
          this.opts.log.warn('model call failed', { endpoint: ep.label, attempt, message: last.message });
          if (!last.retryable || attempt > policy.maxRetries) break;
          const delayMs = retryDelay(attempt, policy, last);
          cb.onRetry?.({ attempt, delayMs, message: last.message, partial: delivered, endpoint: ep.label });
          await sleep(delayMs, req.signal);
        }
      }
      if (last && !last.retryable && !last.endpointFatal) break; // a bad request fails the same on the fallback
      if (ep !== this.endpoints[this.endpoints.length - 1]) {
        cb.onRetry?.({ attempt: 0, delayMs: 0, message: `${last?.message}; switching to the fallback model`, partial: false, endpoint: ep.label });
      }
    }
    throw new ModelCallError(last?.message ?? 'model call failed', last ?? { retryable: false, message: 'unknown' });
  }

  private async attempt(ep: Endpoint, req: ChatRequest, cb: ChatCallbacks): Promise<ChatResult> {
    const inner = new AbortController();
    const onOuter = () => inner.abort(req.signal.reason);
    req.signal.addEventListener('abort', onOuter, { once: true });
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        inner.abort(new StreamStalledError(this.opts.streamIdleTimeoutMs));
      }, this.opts.streamIdleTimeoutMs);
    };
    arm();
    try {
      // The SDK's chat.completions.create, with the body given as text (sent verbatim when the content type is
      // set) so that the tools' part is not serialised again on every call.
      const stream = await this.client(ep).post<Stream<ChatCompletionChunk>>('/chat/completions', {
        body: chatBody(ep.model, req),
        headers: { 'content-type': 'application/json' },
        signal: inner.signal,
        stream: true,
      });
      let content = '';
      let reasoning = '';
      let finishReason: string | null = null;
      let usage: Usage | null = null;
      let model = ep.model;
      const calls: { id: string; name: string; arguments: string }[] = [];
      for await (const chunk of stream) {
        arm();
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = toUsage(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta as any;
        const r = delta?.reasoning_content ?? delta?.reasoning;
        if (typeof r === 'string' && r) {
          reasoning += r;
          cb.onReasoning?.(r);
        }
        if (typeof delta?.content === 'string' && delta.content) {
          content += delta.content;
          cb.onText?.(delta.content);
        }
        for (const tc of delta?.tool_calls ?? []) {
          const i = tc.index ?? calls.length;
          const slot = (calls[i] ??= { id: '', name: '', arguments: '' });
          if (tc.id) slot.id = tc.id;
          if (tc.function?.name) slot.name += tc.function.name;
          if (tc.function?.arguments) slot.arguments += tc.function.arguments;
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (!finishReason) throw new StreamCutError();
      const toolCalls = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${i}_${Date.now().toString(36)}` }));
      return { content, reasoning, toolCalls, finishReason, usage, model, endpoint: ep.label };
    } catch (e) {
      if (stalled) throw new StreamStalledError(this.opts.streamIdleTimeoutMs);
      throw e;
    } finally {
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onOuter);
    }
  }

  /** GET /models on the primary endpoint. */
  async listModels(signal?: AbortSignal): Promise<{ id: string; ownedBy?: string }[]> {
    const ep = this.endpoints[0];
    const page = await this.client(ep).models.list({ signal });
    const out: { id: string; ownedBy?: string }[] = [];
    for await (const m of page) out.push({ id: m.id, ...(m.owned_by ? { ownedBy: m.owned_by } : {}) });
    return out;
  }
}

/**
 * Asks the configured primary endpoint for its models, once and without retries (doctor, `model/list`).
 * Throws with a readable message when no endpoint is configured or it does not answer within 10 s.
 */
export async function listEndpointModels(
  config: HermesConfig,
  env: Record<string, string | undefined>,
  log: Logger,
): Promise<{ endpoint: Endpoint; models: { id: string; ownedBy?: string }[] }> {
  // Listing needs the endpoint, not a model: with no model.default the list is exactly what the user needs to pick one.
  const endpoints = resolveEndpoints(config, env, config.model.default || 'model-list');
  const client = new ModelClient(endpoints, { policy: { maxRetries: 0, baseMs: 0, maxMs: 0 }, streamIdleTimeoutMs: 10_000, log });
  return { endpoint: endpoints[0], models: await client.listModels(AbortSignal.timeout(10_000)) };
}
