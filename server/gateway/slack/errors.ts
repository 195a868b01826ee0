// What a Slack Web API failure means for delivery (see outbox.ts). The WebClient is built with
// `rejectRateLimitedCalls` and no retries of its own, so every 429 and 5xx comes here and the outbox retries it
// durably (honouring Retry-After) instead of a call sleeping in memory.
import { PlatformError } from '../adapter';

/** Platform errors that a retry can fix. */
const RETRYABLE = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'team_added_to_org']);
/** The text or blocks were refused; the same text as plain text may pass. */
const FORMAT = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long', 'invalid_attachments']);

export function classifySlack(e: unknown): PlatformError {
  if (e instanceof PlatformError) return e;
  const err = e as { code?: string; message?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; original?: any };
  switch (err?.code) {
    case 'slack_webapi_rate_limited_error':
      return new PlatformError(`Slack rate limit: retry after ${err.retryAfter}s`, 'transient', err.retryAfter ?? 1);
    case 'slack_webapi_http_error':
      // Slack answers every API call with 200 and a JSON body; anything else came from a proxy or an outage.
      return new PlatformError(`Slack HTTP ${err.statusCode}`, (err.statusCode ?? 500) >= 500 || err.statusCode === 408 ? 'transient' : 'permanent');
    case 'slack_webapi_platform_error': {
      const code = err.data?.error ?? 'unknown_error';
      if (RETRYABLE.has(code)) return new PlatformError(`Slack: ${code}`, 'transient', code === 'ratelimited' ? 1 : undefined);
      if (FORMAT.has(code)) return new PlatformError(`Slack: ${code}`, 'format');
      return new PlatformError(`Slack: ${code}`, 'permanent');
    }
    case 'slack_webapi_request_error': {
      const cause = err.original?.cause ?? err.original;
      const sys = cause?.code ?? cause?.cause?.code;
      // Nothing left this machine: safe to send again. Anything else may have reached Slack.
      if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(sys))
        return new PlatformError(`Slack unreachable (${sys})`, 'transient');
      return new PlatformError(`Slack request failed (${sys ?? cause?.message ?? 'connection lost'})`, 'ambiguous');
    }
  }
  return new PlatformError(err?.message ?? String(e), 'transient');
}
