// The approval audit as clients read it: every dangerous-command or sensitive-write request, how it was decided and
// by whom, newest first.
import { z } from 'zod';

export const ApprovalsListParams = z.object({
  threadId: z.string().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  /** From a previous result's nextCursor: continue with older entries. */
  cursor: z.string().regex(/^\d+$/, 'cursor must be a nextCursor from an earlier approvals/list').optional(),
});

export const ApprovalAuditEntry = z.object({
  /** The audit row. */
  id: z.number().int(),
  /** The id of the approval/request clients were sent; null when nobody was asked (blocked, allowlisted, mode). */
  requestId: z.string().nullable(),
  /** When it was requested (epoch ms). */
  time: z.number(),
  threadId: z.string().nullable(),
  turnId: z.string().nullable(),
  itemId: z.string().nullable(),
  tool: z.string(),
  kind: z.string(),
  /** The command or path, redacted before it was stored. */
  subject: z.string(),
  cwd: z.string().nullable(),
  backend: z.string().nullable(),
  /** The classifier's verdict: approve or block. */
  verdict: z.string(),
  reasons: z.array(z.string()),
  /** once, session, always, deny, blocked, allowlisted, policy-off, policy-deny, timeout, cancelled; null while pending. */
  decision: z.string().nullable(),
  answeredBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
});
export type ApprovalAuditEntry = z.infer<typeof ApprovalAuditEntry>;

export const ApprovalsListResult = z.object({
  entries: z.array(ApprovalAuditEntry),
  nextCursor: z.string().optional(),
});
export type ApprovalsListResult = z.infer<typeof ApprovalsListResult>;
