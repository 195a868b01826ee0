// HTTP calls to search/extract APIs (configured endpoints, not model-chosen URLs, so plain fetch is fine). Errors
// name the service and the status; the key is scrubbed from anything echoed back.

export interface ApiRequest {
  service: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  /** Removed from any error text, whatever the server echoes. */
  secret?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function apiRequest(req: ApiRequest): Promise<{ status: number; text: string }> {
  const timeout = AbortSignal.timeout(req.timeoutMs ?? 20_000);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const scrub = (s: string) => (req.secret ? s.split(req.secret).join('***') : s);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers: { ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal,
      redirect: 'follow',
    });
  } catch (err) {
    if (timeout.aborted && !req.signal?.aborted) throw new Error(`${req.service} did not answer within ${(req.timeoutMs ?? 20_000) / 1000}s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(scrub(`${req.service} request failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`));
  }
  const text = await res.text();
  if (!res.ok) {
    const snippet = text.replace(/\s+/g, ' ').slice(0, 200);
    throw new Error(scrub(`${req.service} answered HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`));
  }
  return { status: res.status, text };
}

export async function apiJson<T>(req: ApiRequest): Promise<T> {
  const { text } = await apiRequest({ ...req, headers: { accept: 'application/json', ...req.headers } });
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${req.service} returned something that is not JSON`);
  }
}

/** `base` + `path`, tolerating a trailing slash on the configured base URL. */
export const joinUrl = (base: string, path: string) => base.replace(/\/+$/, '') + path;
