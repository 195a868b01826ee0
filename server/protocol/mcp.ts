// MCP servers the host is connected to: their state for `hermes-host mcp list`, VS Code and other clients.
import { z } from 'zod';

export const McpServerStatus = z.object({
  name: z.string(),
  transport: z.enum(['stdio', 'http', 'sse']),
  state: z.enum(['starting', 'ready', 'backoff', 'failed', 'disabled', 'stopped']),
  /** When it entered this state (ms since the epoch). */
  since: z.number(),
  lastError: z.string().optional(),
  /** backoff/failed: when the next connect is tried. */
  retryAt: z.number().optional(),
  /** Tools offered to the model (after include/exclude). */
  tools: z.number().int(),
  resources: z.boolean(),
  prompts: z.boolean(),
  /** Successful reconnects since the host started it. */
  restarts: z.number().int(),
  /** The circuit breaker is open: calls fail at once until then. */
  breakerUntil: z.number().optional(),
  /** stdio: the server's process id while it is connected. */
  pid: z.number().int().optional(),
});
export type McpServerStatus = z.infer<typeof McpServerStatus>;
export const McpStatusResult = z.object({ servers: z.array(McpServerStatus) });
export const McpStatusChangedNotification = McpServerStatus;
