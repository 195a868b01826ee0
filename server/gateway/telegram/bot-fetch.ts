// The fetch grammy makes its Bot API calls with. A gateway makes about three calls per message (the long poll, the
// typing action, the reply), and Node's fetch (undici: Request/Response objects, web streams, a fetch controller per
// call) spent more CPU on them than the rest of the message's handling. grammy sends each call as one JSON body and
// reads the answer with `res.json()` and nothing else, so a plain http.request on keep-alive sockets, with the
// body buffered, does the same job. Calls with a streamed multipart body (file uploads) go to Node's fetch.
import http from 'node:http';
import https from 'node:https';

/** What grammy reads from a response. */
export interface BotResponse {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

interface AbortSignalLike {
  aborted: boolean;
  reason?: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener?(type: 'abort', listener: () => void): void;
}

export interface BotRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignalLike | null;
}

// One pool per scheme for the process: every chat's calls share the sockets to the Bot API.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

function abortError(signal: AbortSignalLike): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

export function botFetch(url: string, init: BotRequestInit, streamed: (url: string, init: BotRequestInit) => Promise<BotResponse>): Promise<BotResponse> {
  if (init.body !== undefined && typeof init.body !== 'string') return streamed(url, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    const body = init.body === undefined ? undefined : Buffer.from(init.body as string);
    const headers: Record<string, string | number> = { ...init.headers };
    if (body) headers['content-length'] = body.length;
    const req = (secure ? https : http).request(u, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http });
    const onAbort = () => req.destroy(abortError(signal!));
    const done = () => signal?.removeEventListener?.('abort', onAbort);
    signal?.addEventListener('abort', onAbort);
    req.on('error', (e) => {
      done();
      reject(e);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => {
        done();
        reject(e);
      });
      res.on('end', () => {
        done();
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          text: async () => text,
          // Like Response.json(): a body that is not JSON (a proxy's HTML error page) rejects with a SyntaxError.
          json: async () => JSON.parse(text),
        });
      });
    });
    req.end(body);
  });
}
