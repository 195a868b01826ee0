// Approval requests as ACP permission requests. Each of the host's choices becomes an option the client shows;
// the answer is the option the user picked, mapped back. An answer that names no offered option decides nothing
// (the host then waits for another surface or its timeout); a cancelled request (the client ended the prompt turn)
// is a deny.
import type * as acp from '@agentclientprotocol/sdk';
import type { ApprovalDecision, ApprovalRequestParams } from '../protocol';

const OPTIONS: Record<ApprovalDecision, { name: string; kind: acp.PermissionOptionKind }> = {
  once: { name: 'Allow once', kind: 'allow_once' },
  // ACP has no "for this session" kind; allow_always is the nearest, and the name says how far it goes.
  session: { name: 'Allow for this session', kind: 'allow_always' },
  always: { name: 'Always allow', kind: 'allow_always' },
  deny: { name: 'Deny', kind: 'reject_once' },
};

export function permissionRequest(sessionId: string, p: ApprovalRequestParams): acp.RequestPermissionRequest {
  const what = p.escalation
    ? p.escalation.summary
    : p.command
      ? `Run ${p.command}${p.cwd ? ` in ${p.cwd}` : ''}`
      : p.path
        ? `Write ${p.path}`
        : `Use ${p.tool}`;
  const why = p.escalation ? [p.escalation.reason, ...p.reasons] : p.reasons;
  return {
    sessionId,
    toolCall: {
      toolCallId: p.itemId,
      title: what,
      kind: p.kind === 'fileWrite' ? 'edit' : 'execute',
      status: 'pending',
      content: [{ type: 'content', content: { type: 'text', text: `${p.command ? `$ ${p.command}` : what}\n\nNeeds approval: ${why.join('; ')}` } }],
      ...(p.path ? { locations: [{ path: p.path }] } : {}),
    },
    options: p.choices.map((c) => ({ optionId: c, ...OPTIONS[c] })),
  };
}

/** The host's decision for the client's answer; null when the answer names no option that was offered. */
export function decisionOf(p: ApprovalRequestParams, res: acp.RequestPermissionResponse): ApprovalDecision | null {
  if (res.outcome.outcome === 'cancelled') return 'deny';
  const id = res.outcome.optionId as ApprovalDecision;
  return p.choices.includes(id) ? id : null;
}
