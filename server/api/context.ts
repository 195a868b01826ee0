// What every route handler gets: the host, the API's settings and services, and the request at hand.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Host } from '../host';
import type { ApiSettings } from './settings';
import type { ApiTurns } from './turn';
import type { ApiSessions } from './sessions';
import type { Idempotency } from './idempotency';
import type { ResponseStore } from './response-store';
import { ApiError } from './errors';

export interface ApiServices {
  host: Host;
  settings: ApiSettings;
  turns: ApiTurns;
  sessions: ApiSessions;
  idempotency: Idempotency;
  responses: ResponseStore;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Headers every response to this request carries (CORS). */
  headers: Record<string, string>;
  /** Who is calling: a hash of the key, or the address; scopes idempotency keys. */
  caller: string;
  /** Aborts when the client goes away before the response is complete. */
  signal: AbortSignal;
}

/** The model a request names: the agent id (or nothing) means the configured default; a configured model is used as is. */
export function resolveModel(s: ApiServices, requested: unknown): string | undefined {
  if (requested === undefined || requested === null || requested === '') return undefined;
  if (typeof requested !== 'string') throw new ApiError(400, 'model must be a string', 'invalid_request_error', null, 'model');
  if (requested === s.settings.agentId) return undefined;
  const models = servedModels(s);
  if (models.includes(requested)) return requested;
  throw new ApiError(404, `The model ${requested} does not exist here; use ${[s.settings.agentId, ...models].join(', ')}`, 'not_found_error', 'model_not_found', 'model');
}

/** The models this host runs turns on: the default and the fallback. */
export function servedModels(s: ApiServices): string[] {
  const m = s.host.config.model;
  return [...new Set([m.default, m.fallback?.model].filter((x): x is string => !!x))];
}

export function sendJson(ctx: RequestContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (ctx.res.headersSent) return;
  const text = JSON.stringify(body);
  ctx.res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...ctx.headers, ...headers });
  ctx.res.end(text);
}
