// The approval gate: classify, consult the allowlists and the policy mode, ask every attached client when needed,
// and audit each request and decision. Hard-line commands are refused whatever the mode or allowlist says.
import { homedir } from 'node:os';
import type { HermesConfig } from '../config/schema';
import type { ApprovalDecision } from '../protocol';
import type { ToolContext } from '../tools/types';
import type { Logger } from '../util/log';
import type { ApprovalAudit } from './audit';
import type { ApprovalGate, GateResult } from './types';
import { classifyCommand, classifyPath, isHardline, type Finding } from './classifier';
import { Allowlist } from './allowlist';

export interface GateDeps {
  config: () => HermesConfig;
  hermesHome: string;
  audit: ApprovalAudit;
  /** Adds keys to `command_allowlist` in config.yaml (an "always" decision). */
  persistAllowlist: (keys: string[]) => void;
  log: Logger;
}

const DENIED =
  'BLOCKED: the user denied this. Do not retry it, do not rephrase it, and do not try to reach the same outcome another way. ' +
  'Tell the user what you wanted to do and why, then continue without it.';

interface Subject {
  kind: 'command' | 'fileWrite';
  tool: string;
  text: string;
  cwd?: string;
  backend?: string;
  verdict: 'allow' | 'approve' | 'block';
  reasons: Finding[];
}

export class ApprovalBroker implements ApprovalGate {
  /** "Allow for this session": per thread, by approval key. */
  private readonly session = new Map<string, Set<string>>();

  constructor(private readonly deps: GateDeps) {}

  checkCommand(
    ctx: ToolContext,
    req: { command: string; cwd?: string; backend: string; tool: string; home?: string },
  ): Promise<GateResult> {
    const v = classifyCommand(req.command, {
      home: req.backend === 'local' ? homedir() : req.home,
      hermesHome: this.deps.hermesHome,
      hostPid: req.backend === 'local' ? process.pid : undefined,
      cwd: req.cwd,
    });
    return this.decide(ctx, { kind: 'command', tool: req.tool, text: req.command, cwd: req.cwd, backend: req.backend, verdict: v.verdict, reasons: v.reasons });
  }

  checkWrite(ctx: ToolContext, req: { path: string; tool: string; home?: string }): Promise<GateResult> {
    const v = classifyPath(req.path, { home: req.home ?? homedir(), hermesHome: this.deps.hermesHome, cwd: ctx.cwd });
    return this.decide(ctx, { kind: 'fileWrite', tool: req.tool, text: req.path, verdict: v.verdict, reasons: v.reasons });
  }

  /** The thread continues under a new id (context compression): "allow for this session" goes with it. */
  rekey(fromThreadId: string, toThreadId: string): void {
    const set = this.session.get(fromThreadId);
    if (set) this.session.set(toThreadId, new Set([...(this.session.get(toThreadId) ?? []), ...set]));
  }

  /** Forget a thread's session approvals (thread deleted or reset). */
  clearSession(threadId: string): void {
    this.session.delete(threadId);
  }

  private async decide(ctx: ToolContext, s: Subject): Promise<GateResult> {
    if (s.verdict === 'allow') return { allowed: true, decision: 'safe' };
    const { audit } = this.deps;
    const keys = [...new Set(s.reasons.map((r) => r.key))];
    const reasons = s.reasons.map((r) => `${r.key}: ${r.description}${r.part && r.part !== s.text ? ` (in: ${r.part})` : ''}`);
    const row = (verdict: string, requestId?: string) =>
      audit.requested({ requestId, threadId: ctx.threadId, turnId: ctx.turnId, itemId: ctx.itemId, tool: s.tool, kind: s.kind, subject: s.text, cwd: s.cwd, backend: s.backend, verdict, reasons });

    if (s.verdict === 'block' || keys.some(isHardline)) {
      audit.decided(row('block'), 'blocked', 'policy');
      return {
        allowed: false,
        decision: 'blocked',
        message: `BLOCKED (hard line): ${reasons.join('; ')}. This is never run, whatever the approval settings. Do not retry it or reach the same outcome another way.`,
      };
    }
    const config = this.deps.config();
    const allow = new Allowlist([...config.command_allowlist, ...(this.session.get(ctx.threadId) ?? [])]);
    if (s.reasons.every((r) => allow.covers(r))) {
      audit.decided(row('approve'), 'allowlisted', 'policy');
      return { allowed: true, decision: 'allowlisted' };
    }
    if (config.approvals.mode === 'off') {
      audit.decided(row('approve'), 'policy-off', 'policy');
      return { allowed: true, decision: 'policy-off' };
    }
    if (config.approvals.mode === 'deny') {
      audit.decided(row('approve'), 'policy-deny', 'policy');
      return {
        allowed: false,
        decision: 'policy-deny',
        message: `BLOCKED: approvals.mode is "deny" (unattended), so this needs approval and is refused: ${reasons.join('; ')}. Do not retry it another way.`,
      };
    }
    const id = row('approve');
    const timeoutS = config.approvals.timeout;
    const answer = await ctx.clients.request(
      'approval/request',
      {
        threadId: ctx.threadId,
        turnId: ctx.turnId,
        itemId: ctx.itemId,
        kind: s.kind,
        tool: s.tool,
        ...(s.kind === 'command' ? { command: s.text, cwd: s.cwd } : { path: s.text }),
        reasons,
        choices: ['once', 'session', 'always', 'deny'],
      },
      { timeoutMs: timeoutS * 1000, signal: ctx.signal },
    );
    if (!answer.ok) {
      const why = answer.reason === 'timeout' ? `nobody answered within ${timeoutS} s (silence is a deny)` : 'the turn was interrupted';
      audit.decided(id, answer.reason, answer.reason === 'timeout' ? 'timeout' : 'cancelled');
      return { allowed: false, decision: 'timeout', message: `BLOCKED: ${why}. Do not retry it or reach the same outcome another way.` };
    }
    const decision: ApprovalDecision = answer.result.decision;
    audit.decided(id, decision, answer.answeredBy);
    this.deps.log.info('approval decided', { threadId: ctx.threadId, tool: s.tool, decision, by: answer.answeredBy, keys });
    switch (decision) {
      case 'once':
        return { allowed: true, decision: 'once' };
      case 'session':
        this.remember(ctx.threadId, keys);
        return { allowed: true, decision: 'session' };
      case 'always':
        this.remember(ctx.threadId, keys);
        try {
          this.deps.persistAllowlist(keys);
        } catch (e) {
          this.deps.log.warn('could not save command_allowlist', { error: (e as Error).message });
        }
        return { allowed: true, decision: 'always' };
      default:
        return { allowed: false, decision: 'deny', message: DENIED };
    }
  }

  private remember(threadId: string, keys: string[]): void {
    let set = this.session.get(threadId);
    if (!set) this.session.set(threadId, (set = new Set()));
    for (const k of keys) set.add(k);
  }
}
