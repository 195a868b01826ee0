// Errors as OpenAI clients expect them: `{"error": {"message", "type", "param", "code"}}` with a matching status,
// so the `openai` SDK raises its typed errors (AuthenticationError, RateLimitError, NotFoundError, …).

export type ApiErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'conflict_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ApiErrorType = 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', code, param);

/** Anything that is not an ApiError is the host's fault: a 500 whose message names what failed, nothing more. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const kind = (e as { kind?: string })?.kind;
  const message = (e as Error)?.message ?? String(e);
  if (kind === 'ThreadNotFound') return new ApiError(404, message, 'not_found_error', 'session_not_found');
  if (kind === 'TurnInProgress') return new ApiError(409, message, 'conflict_error', 'session_busy');
  if (kind === 'InvalidParams') return badRequest(message);
  return new ApiError(500, `internal error: ${message}`, 'server_error', 'internal_error');
}

/** The client closed the connection before its answer was complete (nginx's 499); nobody reads this response. */
export const clientGone = () => new ApiError(499, 'the client closed the request', 'invalid_request_error', 'client_closed_request');
