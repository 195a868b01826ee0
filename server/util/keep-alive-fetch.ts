// The fetch the model client (the OpenAI SDK) and the Slack and Discord REST clients make their calls with. Node's
// fetch (undici) spent ~0.7 ms of CPU per call building Request objects, validating headers and running its fetch
// controller: on a busy gateway, with a model call and a platform call or two per message, a fifth of each message's
// CPU, and CPU there is latency for every other chat. These clients send one string or byte body and read the
// answer's status, headers and body, so this sends it with http.request on keep-alive sockets and answers with a real
// Response whose body is the socket's stream. Any other body (a stream, a form: uploads) goes to Node's fetch.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { decodedBody } from './content-encoding';

// Free sockets are closed after 4 s unless the server's Keep-Alive header says less (Node's agent reads it), so a
// request is rarely written to a socket the server is closing (Node's own servers close idle ones after 5 s).
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: 4000 }),
  https: new https.Agent({ keepAlive: true, timeout: 4000 }),
};

const CONNECT_TIMEOUT_MS = 10_000;

/** Statuses whose Response must have no body (the constructor throws otherwise). */
const NULL_BODY = new Set([204, 205, 304]);

function headerRecord(h: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers || Array.isArray(h)) for (const [k, v] of h as Iterable<[string, string]>) out[k] = v;
  else Object.assign(out, h);
  return out;
}

function responseHeaders(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i], raw[i + 1]);
  return h;
}

/** A body sent as it is; anything else is left to Node's fetch. */
function plainBody(body: RequestInit['body']): Buffer | undefined | false {
  if (body == null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return false;
}

export function keepAliveFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const body = plainBody(init.body);
  if (input instanceof Request || body === false) return fetch(input, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const url = new URL(String(input));
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return fetch(input, init);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = headerRecord(init.headers);
    if (body) headers['content-length'] = body.length;
    // With `signal`, Node destroys the request (and the response stream, mid-body too) with an AbortError.
    const req = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http, signal });
    req.on('error', reject);
    // http.request waits for a connection as long as the OS does (minutes for a dropped SYN). Node's fetch gave up
    // after 10 s with this code, which the callers' classifiers read as "nothing was sent": kept, so they still do.
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`connect timeout (${url.host})`), { code: 'UND_ERR_CONNECT_TIMEOUT' })), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    req.on('response', (res) => {
      try {
        resolve(toResponse(res, init.method, signal));
      } catch (e) {
        // A status or header the Response constructor refuses (a broken server or proxy): the call fails, the
        // process does not.
        res.destroy();
        reject(e);
      }
    });
    req.end(body);
  });
}

function toResponse(res: http.IncomingMessage, method: string | undefined, signal: AbortSignal | undefined): Response {
  const status = res.statusCode ?? 0;
  let stream: ReadableStream | null = null;
  if (NULL_BODY.has(status) || method === 'HEAD') res.resume();
  else {
    // A server may compress even though we asked for nothing; Node's fetch decodes these too.
    const src = decodedBody(res);
    // A response cut mid-body surfaces as the stream's error, as with Node's fetch.
    if (src !== res) res.on('error', (e) => src.destroy(e));
    // An abort mid-body ends the stream with the abort's reason (Node's fetch does the same), not with the
    // ECONNRESET of the socket that the abort destroys.
    if (signal) {
      const onAbort = () => src.destroy(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      src.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    stream = Readable.toWeb(src) as ReadableStream;
  }
  return new Response(stream, { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.rawHeaders) });
}
