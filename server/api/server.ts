// The HTTP server: security checks in a fixed order (CORS origin, Host header, failed-auth throttle, bearer key,
// rate limit), a bounded JSON body, then the route. Every error is an OpenAI-shaped JSON error.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { authenticate, bearerOf, checkHostHeader, corsHeaders } from './auth';
import { ApiError, badRequest, toApiError } from './errors';
import { RateLimiter } from './rate-limit';
import { sendJson, servedModels, type ApiServices, type RequestContext } from './context';
import { chatCompletions } from './chat-completions';
import { createResponse, deleteResponse, getResponse } from './responses';
import { VERSION } from '../version';

/** Failed authentications allowed per address per minute before even a right key waits. */
const AUTH_FAILURES_PER_MINUTE = 10;

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

export function createApiServer(s: ApiServices): Server {
  const limiter = new RateLimiter(s.settings.rate.perMinute, s.settings.rate.burst);
  const authFailures = new RateLimiter(AUTH_FAILURES_PER_MINUTE, AUTH_FAILURES_PER_MINUTE);
  const log = s.host.log.child('api');
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const controller = new AbortController();
    // The client went away before the whole response was written: its turn has nobody to answer to.
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const ctx: RequestContext = { req, res, headers: {}, caller: '', signal: controller.signal };
    handle(s, ctx, limiter, authFailures).catch((e) => {
      const err = toApiError(e);
      if (err.status >= 500) log.warn('request failed', { method: req.method, path: req.url?.split('?')[0], error: err.message });
      if (!res.headersSent) sendJson(ctx, err.status, err.body(), err.headers);
      else if (!res.writableEnded) res.end();
    });
  });
  server.headersTimeout = 30_000;
  // Receiving a request must finish in time (a slow-drip body holds nothing for long); responses may stream for as
  // long as their turn runs.
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(s: ApiServices, ctx: RequestContext, limiter: RateLimiter, authFailures: RateLimiter): Promise<void> {
  const { req } = ctx;
  const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  ctx.headers = corsHeaders(req, s.settings);
  checkHostHeader(req, s.settings);
  if (method === 'OPTIONS') {
    ctx.res.writeHead(204, ctx.headers).end();
    return;
  }
  if (method === 'GET' && (path === '/health' || path === '/v1/health')) {
    return sendJson(ctx, 200, { status: 'ok', platform: 'hermes-agent', version: VERSION });
  }
  const address = req.socket.remoteAddress ?? 'unknown';
  const wait = authFailures.blocked(address);
  if (wait) throw new ApiError(429, 'Too many failed authentication attempts; try again later', 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(wait) });
  try {
    authenticate(req, s.settings);
  } catch (e) {
    authFailures.take(address);
    throw e;
  }
  const key = s.settings.key ? bearerOf(req)! : undefined;
  ctx.caller = key ? 'key:' + createHash('sha256').update(key).digest('hex').slice(0, 16) : 'addr:' + address;
  const retry = limiter.take(ctx.caller);
  if (retry) throw new ApiError(429, `Rate limit reached (${s.settings.rate.perMinute} requests per minute); retry in ${retry} s`, 'rate_limit_error', 'rate_limit_exceeded', null, { 'retry-after': String(retry) });

  if (method === 'GET' && path === '/v1/models') return sendJson(ctx, 200, { object: 'list', data: modelList(s) });
  const modelMatch = /^\/v1\/models\/(.+)$/.exec(path);
  if (method === 'GET' && modelMatch) {
    const id = decodeURIComponent(modelMatch[1]);
    const m = modelList(s).find((x) => x.id === id);
    if (!m) throw new ApiError(404, `The model ${id} does not exist here`, 'not_found_error', 'model_not_found');
    return sendJson(ctx, 200, m);
  }
  if (method === 'GET' && path === '/v1/capabilities') return sendJson(ctx, 200, capabilities(s));
  if (method === 'POST' && path === '/v1/chat/completions') return chatCompletions(s, ctx, await readJson(req, s.settings.maxBodyBytes));
  if (method === 'POST' && path === '/v1/responses') return createResponse(s, ctx, await readJson(req, s.settings.maxBodyBytes));
  const resp = /^\/v1\/responses\/([^/]+)$/.exec(path);
  if (resp && method === 'GET') return getResponse(s, ctx, decodeURIComponent(resp[1]));
  if (resp && method === 'DELETE') return deleteResponse(s, ctx, decodeURIComponent(resp[1]));
  throw new ApiError(404, `No route ${method} ${path}`, 'not_found_error', 'not_found');
}

function modelList(s: ApiServices) {
  const created = Math.floor(Date.now() / 1000);
  return [s.settings.agentId, ...servedModels(s)].map((id) => ({ id, object: 'model' as const, created, owned_by: 'hermes-host' }));
}

function capabilities(s: ApiServices) {
  return {
    object: 'hermes.api_server.capabilities',
    platform: 'hermes-agent',
    model: s.settings.agentId,
    auth: { type: 'bearer', required: !!s.settings.key },
    runtime: { mode: 'server_agent', tool_execution: 'server', split_runtime: false },
    features: {
      chat_completions: true,
      chat_completions_streaming: true,
      responses_api: true,
      responses_streaming: true,
      tool_progress_events: true,
      approval_events: true,
      idempotency_keys: true,
      session_continuity_header: 'X-Hermes-Session-Id',
      approvals: s.settings.approvals,
      cors: s.settings.corsOrigins.length > 0,
    },
    endpoints: {
      health: { method: 'GET', path: '/health' },
      models: { method: 'GET', path: '/v1/models' },
      chat_completions: { method: 'POST', path: '/v1/chat/completions' },
      responses: { method: 'POST', path: '/v1/responses' },
      response: { method: 'GET', path: '/v1/responses/{id}' },
      delete_response: { method: 'DELETE', path: '/v1/responses/{id}' },
    },
  };
}

/** The request body as a JSON object, refused (413) past the limit without buffering more than the limit. */
async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const tooBig = () => new ApiError(413, `Request body is larger than ${limit} bytes (api.max_request_bytes)`, 'invalid_request_error', 'request_too_large');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // drain without keeping it
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) {
      req.destroy();
      throw tooBig();
    }
    chunks.push(c as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw badRequest(`Request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
  return body as Record<string, unknown>;
}

export type { ServerResponse };
