// Host → client requests. The host sends each to every attached client; the first valid answer wins and the
// others get `serverRequest/resolved`. Pending ones are re-sent when a client attaches.
import { z } from 'zod';

export const ApprovalDecision = z.enum(['once', 'session', 'always', 'deny']);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const ApprovalKind = z.enum(['command', 'fileWrite', 'tool']);

export const ApprovalRequestParams = z.object({
  requestId: z.string(),
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  kind: ApprovalKind,
  /** The tool that asks (terminal, process, write_file, …). */
  tool: z.string(),
  command: z.string().optional(),
  cwd: z.string().optional(),
  path: z.string().optional(),
  reasons: z.array(z.string()),
  choices: z.array(ApprovalDecision),
  /** Set when the approval is to run `command` once OUTSIDE the OS sandbox (in `cwd`, unconfined). `summary` says
   * exactly what will be allowed; `reason` why the sandbox was not enough. "session" lets this same command in this
   * cwd run outside again in this thread; it is never saved to config. */
  escalation: z.object({ outsideSandbox: z.literal(true), reason: z.string(), summary: z.string() }).optional(),
  /** Epoch ms after which silence counts as a deny. */
  expiresAt: z.number().optional(),
});
export type ApprovalRequestParams = z.infer<typeof ApprovalRequestParams>;
export const ApprovalRequestResult = z.object({ decision: ApprovalDecision });

export const ClarifyRequestParams = z.object({
  requestId: z.string(),
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  question: z.string(),
  choices: z.array(z.string()).optional(),
  expiresAt: z.number().optional(),
});
export type ClarifyRequestParams = z.infer<typeof ClarifyRequestParams>;
export const ClarifyRequestResult = z.object({ answer: z.string() });

export const ServerRequestResolved = z.object({
  requestId: z.string(),
  threadId: z.string().optional(),
  /** How it ended: answered (by a client), timeout, cancelled (turn ended), or noAnswerer (nobody could answer). */
  outcome: z.enum(['answered', 'timeout', 'cancelled', 'noAnswerer']),
  answeredBy: z.string().optional(),
  /** The winning answer, so the other clients can show it. */
  result: z.unknown().optional(),
});
