// Which model-call failures are worth another try, and how long to wait before it.
import OpenAI from 'openai';

export class StreamStalledError extends Error {
  constructor(ms: number) {
    super(`the model stream sent nothing for ${ms} ms`);
    this.name = 'StreamStalledError';
  }
}

export class StreamCutError extends Error {
  constructor() {
    super('the model stream ended before the response was complete');
    this.name = 'StreamCutError';
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export interface FailureInfo {
  retryable: boolean;
  message: string;
  httpStatus?: number;
  retryAfterMs?: number;
  /** Endpoint not usable at all (unknown model, bad key): try the fallback at once. */
  endpointFatal?: boolean;
}

function retryAfterMs(headers: unknown): number | undefined {
  const get = (k: string): string | null | undefined =>
    headers && typeof (headers as any).get === 'function' ? (headers as any).get(k) : (headers as any)?.[k];
  const ms = get('retry-after-ms');
  if (ms && !isNaN(Number(ms))) return Number(ms);
  const v = get('retry-after');
  if (!v) return undefined;
  if (!isNaN(Number(v))) return Number(v) * 1000;
  const at = Date.parse(v);
  return isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function providerMessage(e: InstanceType<typeof OpenAI.APIError>): string {
  const body = e.error as any;
  const msg = body?.message ?? body?.error?.message ?? (typeof body === 'string' ? body : undefined);
  return msg ? String(msg) : e.message;
}

export function classifyFailure(e: unknown): FailureInfo {
  if (e instanceof StreamStalledError || e instanceof StreamCutError) return { retryable: true, message: e.message };
  if (e instanceof OpenAI.APIConnectionTimeoutError) return { retryable: true, message: 'model request timed out' };
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = (e as any).cause?.code ?? (e as any).cause?.message;
    return { retryable: true, message: `cannot reach the model endpoint${cause ? ` (${cause})` : ''}` };
  }
  if (e instanceof OpenAI.APIError) {
    const status = e.status;
    const message = `${status ?? 'error'}: ${providerMessage(e)}`;
    if (status === undefined) return { retryable: true, message };
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return { retryable: true, message, httpStatus: status, retryAfterMs: retryAfterMs(e.headers) };
    }
    return { retryable: false, message, httpStatus: status, endpointFatal: status === 401 || status === 403 || status === 404 };
  }
  const err = e as any;
  const code = err?.code ?? err?.cause?.code;
  if (code && NETWORK_CODES.has(code)) return { retryable: true, message: `network error (${code})` };
  // undici reports a connection dropped mid-body as a TypeError 'terminated'.
  if (err?.name === 'TypeError' && /terminated|fetch failed|other side closed/.test(String(err.message))) {
    return { retryable: true, message: `the connection to the model endpoint broke (${err.cause?.message ?? err.message})` };
  }
  if (err?.name === 'SyntaxError' || /JSON/.test(String(err?.message))) {
    return { retryable: true, message: `malformed response from the model endpoint: ${err.message}` };
  }
  return { retryable: false, message: String(err?.message ?? e) };
}

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with jitter; a server's Retry-After wins when it gives one (bounded to 5 minutes). */
export function retryDelay(attempt: number, policy: RetryPolicy, failure: FailureInfo, rand = Math.random): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, Math.max(policy.maxMs, 300_000));
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (rand() * exp) / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
