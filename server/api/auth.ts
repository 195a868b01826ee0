// Who may call the API. With API_SERVER_KEY set, every route but /health needs it as a bearer token (compared in
// constant time: both sides are hashed to equal length first). Without a key the API is loopback-only, and then a
// browser is the remaining way in: requests carrying an Origin that is not allowed are refused, and so is a Host
// header naming anything but this machine (a DNS-rebinding page cannot pass it).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';
import { isLoopbackHost, type ApiSettings } from './settings';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function keyMatches(given: string, key: string): boolean {
  return timingSafeEqual(digest(given), digest(key));
}

export function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
  return m?.[1]?.trim();
}

/** Throws 401 unless the request carries the key (when one is configured). */
export function authenticate(req: IncomingMessage, s: ApiSettings): void {
  if (!s.key) return;
  const given = bearerOf(req);
  if (!given) throw new ApiError(401, 'Missing API key: send Authorization: Bearer <API_SERVER_KEY>', 'authentication_error', 'invalid_api_key');
  if (!keyMatches(given, s.key)) throw new ApiError(401, 'Invalid API key', 'authentication_error', 'invalid_api_key');
}

/** The Host header of a keyless API must name loopback (or the configured bind host). */
export function checkHostHeader(req: IncomingMessage, s: ApiSettings): void {
  if (s.key) return;
  const host = req.headers.host;
  if (!host) return; // HTTP/1.0 clients; browsers always send one
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  if (isLoopbackHost(name) || name.toLowerCase() === s.host.toLowerCase()) return;
  throw new ApiError(403, `Host "${host}" is not this machine; without API_SERVER_KEY the API answers loopback names only`, 'permission_error', 'host_not_allowed');
}

export const CORS_METHODS = 'GET, POST, DELETE, OPTIONS';
export const CORS_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Hermes-Session-Id, X-Hermes-Session-Key';
export const EXPOSED_HEADERS = 'X-Hermes-Session-Id, X-Hermes-Thread-Id, Idempotent-Replayed, Retry-After';

/** CORS response headers for an allowed origin; throws 403 for an origin that is not configured. */
export function corsHeaders(req: IncomingMessage, s: ApiSettings): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  const o = origin.replace(/\/+$/, '');
  if (!s.corsOrigins.includes(o)) {
    throw new ApiError(403, `Origin ${origin} is not allowed (api.cors_origins)`, 'permission_error', 'origin_not_allowed');
  }
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-allow-methods': CORS_METHODS,
    'access-control-allow-headers': CORS_HEADERS,
    'access-control-expose-headers': EXPOSED_HEADERS,
    'access-control-max-age': '600',
  };
}
