// Fetches one page for web_extract: a hard deadline, a byte cap (on the decompressed body), at most five
// redirects, each hop checked for scheme and address. Built on node:http(s) rather than fetch so that every
// connection's DNS answer goes through the private-address guard.
import type http from 'node:http';
import { isIP } from 'node:net';
import { checkUrl, guardedLookup, isPrivateAddress, UnsafeUrlError } from './url-safety';
import { decodedBody } from '../../util/content-encoding';

export interface FetchOptions {
  allowPrivate: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

export interface FetchedPage {
  /** URL after redirects. */
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** The body was cut at `maxBytes`. */
  truncated: boolean;
}

export const USER_AGENT = 'Mozilla/5.0 (compatible; hermes-host/0.1; +https://github.com/hermes-host)';

export async function fetchPage(raw: string, opts: FetchOptions): Promise<FetchedPage> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const maxRedirects = opts.maxRedirects ?? 5;
  let url = await checkUrl(raw, opts.allowPrivate);
  try {
    for (let hop = 0; ; hop++) {
      const res = await request(url, opts, signal);
      const location = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
        res.resume();
        if (hop >= maxRedirects) throw new Error(`too many redirects (more than ${maxRedirects})`);
        url = await checkUrl(new URL(location, url).toString(), opts.allowPrivate);
        continue;
      }
      const { body, truncated } = await readBody(res, opts.maxBytes ?? 2 * 1024 * 1024);
      return {
        url: url.toString(),
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        body,
        truncated,
      };
    }
  } catch (err) {
    if (deadline.aborted && !opts.signal?.aborted) throw new Error(`timed out after ${timeoutMs / 1000}s`);
    throw err;
  }
}

function request(url: URL, opts: FetchOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // Literal IPs skip DNS (and so the lookup guard); check them here.
  if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host))
    return Promise.reject(new UnsafeUrlError(`${host} is a private or loopback address`));
  // node:https brings the TLS stack; required on the first fetch, not at host start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod: typeof http = url.protocol === 'https:' ? require('node:https') : require('node:http');
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        agent: false,
        signal,
        lookup: guardedLookup(opts.allowPrivate),
        headers: {
          'user-agent': USER_AGENT,
          accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.8,*/*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
          'accept-language': 'en;q=0.9, *;q=0.5',
        },
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

function readBody(res: http.IncomingMessage, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const stream = decodedBody(res);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ body: Buffer.concat(chunks).subarray(0, maxBytes), truncated });
    };
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > maxBytes) {
        finish(true);
        res.destroy();
        stream.destroy();
      }
    });
    stream.on('end', () => finish(false));
    stream.on('error', (err) => (done ? undefined : reject(err)));
    res.on('error', (err) => (done ? undefined : reject(err)));
  });
}
