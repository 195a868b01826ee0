// The approval gate: classify, consult the allowlists and the turn's policy, ask the surfaces allowed to answer for
// the thread when needed, and audit each request and decision. Hard-line commands are refused whatever the mode or
// allowlist says. The approval mode, timeout and who may answer come from the turn's policy (ctx.policy), never
// from global config, so a cron run or a non-interactive CLI turn cannot be asked in a dialog nobody sees.
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import type { HermesConfig } from '../config/schema';
import type { ApprovalDecision, ApprovalRequestParams } from '../protocol';
import type { ToolContext } from '../tools/types';
import type { Logger } from '../util/log';
import type { ApprovalAudit } from './audit';
import type { ApprovalGate, GateResult } from './types';
import { APPROVE, classifyCommand, classifyPath, isHardline, stdinConsumer, type Finding, type FsProbe, type ShellState, type Verdict } from './classifier';
import { scanSql } from './classifier/rules-dev';
import { createLocalProbe } from './fs-probe';
import { classifyWithRemoteFiles, type RemoteFiles } from './remote-probe';
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
  /** "Run outside the sandbox for this session": per thread, by exact command and cwd. */
  private readonly outside = new Map<string, Set<string>>();
  /** Aliases and functions each thread's persistent shell holds, from the commands it was allowed to run. */
  private readonly shells = new Map<string, ShellState>();
  private readonly probe: FsProbe = createLocalProbe();
  /** HERMES_HOME with symlinks resolved: writes through its real location are policy changes too. */
  private readonly hermesHomeReal: string;

  constructor(private readonly deps: GateDeps) {
    let real = deps.hermesHome;
    try {
      real = realpathSync(deps.hermesHome);
    } catch {
      /* not created yet */
    }
    this.hermesHomeReal = real;
  }

  async checkEscalation(
    ctx: ToolContext,
    req: { command: string; cwd: string; backend: string; tool: string; reason: string; home?: string },
  ): Promise<GateResult> {
    const { audit } = this.deps;
    const v = classifyCommand(req.command, {
      home: req.backend === 'local' ? homedir() : req.home,
      hermesHome: this.deps.hermesHome,
      hostPid: req.backend === 'local' ? process.pid : undefined,
      cwd: req.cwd,
    });
    const summary = `run once OUTSIDE the sandbox: ${req.command} in ${req.cwd}`;
    const reasons = [summary, `why: ${req.reason}`, ...v.reasons.map((r) => `${r.key}: ${r.description}`)];
    const row = (verdict: string, requestId?: string) =>
      audit.requested({ requestId, threadId: ctx.threadId, turnId: ctx.turnId, itemId: ctx.itemId, tool: req.tool, kind: 'command', subject: req.command, cwd: req.cwd, backend: req.backend, verdict, reasons });
    if (v.verdict === 'block' || v.reasons.some((r) => isHardline(r.key))) {
      audit.decided(row('block'), 'blocked', 'policy');
      return { allowed: false, decision: 'blocked', message: `BLOCKED (hard line): ${reasons.slice(2).join('; ')}. This is never run, inside the sandbox or outside.` };
    }
    const key = `${req.cwd}\0${req.command}`;
    if (this.outside.get(ctx.threadId)?.has(key)) {
      audit.decided(row('escalate'), 'session', 'policy');
      return { allowed: true, decision: 'session' };
    }
    const policy = ctx.policy;
    if (policy.approvalMode === 'off' || policy.approvalMode === 'deny') {
      audit.decided(row('escalate'), 'policy-deny', 'policy');
      return {
        allowed: false,
        decision: 'policy-deny',
        message: `BLOCKED: running outside the OS sandbox needs the user's approval each time, and this turn's approval mode is "${policy.approvalMode}", so nobody can give it. Reason it was needed: ${req.reason}. Do not retry it another way; tell the user (they can allow the path with terminal.sandbox_writable).`,
      };
    }
    const asked = await this.ask(
      ctx,
      (requestId) => row('escalate', requestId),
      {
        kind: 'command',
        tool: req.tool,
        command: req.command,
        cwd: req.cwd,
        reasons,
        choices: ['once', 'session', 'deny'],
        escalation: { outsideSandbox: true, reason: req.reason, summary },
      },
      'the command stays inside the sandbox. Do not retry it another way.',
    );
    if (!asked.ok) return asked.result;
    const { decision, answeredBy } = asked;
    this.deps.log.info('escalation decided', { threadId: ctx.threadId, tool: req.tool, decision, by: answeredBy });
    if (decision === 'once') return { allowed: true, decision: 'once' };
    // "always" is not offered for running outside; a client that sends it anyway gets what "session" means here.
    if (decision === 'session' || decision === 'always') {
      let set = this.outside.get(ctx.threadId);
      if (!set) this.outside.set(ctx.threadId, (set = new Set()));
      set.add(key);
      return { allowed: true, decision: 'session' };
    }
    return { allowed: false, decision: 'deny', message: `BLOCKED: the user did not allow this to run outside the sandbox. ${DENIED}` };
  }


  async checkCommand(
    ctx: ToolContext,
    req: { command: string; cwd?: string; backend: string; tool: string; home?: string; stdinOf?: string; files?: RemoteFiles },
  ): Promise<GateResult> {
    const local = req.backend === 'local';
    const opts = {
      home: local ? homedir() : req.home,
      hermesHome: local ? this.hermesHomeReal : this.deps.hermesHome,
      hostPid: local ? process.pid : undefined,
      cwd: req.cwd,
      // Files the command will run are read where it runs: here for the local backend, through `files` otherwise.
      probe: local ? this.probe : undefined,
    };
    const consumer = req.stdinOf === undefined ? 'shell' : stdinConsumer(req.stdinOf);
    let v: Verdict;
    if (consumer === 'interpreter') {
      // Text typed into a REPL is code with the full power of the language: it always asks.
      const r: Finding = { key: APPROVE.INTERACTIVE_CODE, severity: 'approve', part: req.command, description: `input to an interactive interpreter (${req.stdinOf}) runs as code` };
      const inner = classifyCommand(req.command, opts);
      v = { verdict: inner.verdict === 'block' ? 'block' : 'approve', reasons: [r, ...inner.reasons.filter((f) => f.severity === 'block')], parts: [] };
    } else if (consumer === 'sql') {
      const reasons: Finding[] = [];
      scanSql((key, description) => reasons.push({ key, severity: 'approve', part: req.command, description }), req.command);
      v = { verdict: reasons.length ? 'approve' : 'allow', reasons, parts: [] };
    } else {
      // The terminal's shell keeps state; a process's shell is its own, so it starts from nothing known.
      const state = req.tool === 'terminal' ? this.shells.get(ctx.threadId) : undefined;
      v =
        !local && req.files
          ? await classifyWithRemoteFiles((probe) => classifyCommand(req.command, { ...opts, probe, state }), req.files)
          : classifyCommand(req.command, { ...opts, state });
    }
    const result = await this.decide(ctx, { kind: 'command', tool: req.tool, text: req.command, cwd: req.cwd, backend: req.backend, verdict: v.verdict, reasons: v.reasons });
    if (result.allowed && v.state && req.tool === 'terminal') this.shells.set(ctx.threadId, v.state);
    return result;
  }

  checkWrite(ctx: ToolContext, req: { path: string; tool: string; home?: string; real?: string }): Promise<GateResult> {
    const opts = { home: req.home ?? homedir(), hermesHome: this.deps.hermesHome, cwd: ctx.cwd };
    const v = classifyPath(req.path, opts);
    // The real location of a symlinked HERMES_HOME is the same config and secrets.
    if (req.real && this.hermesHomeReal !== this.deps.hermesHome) {
      const r = classifyPath(req.real, { ...opts, hermesHome: this.hermesHomeReal });
      v.reasons.push(...r.reasons);
      if (r.verdict === 'block' || (r.verdict === 'approve' && v.verdict === 'allow')) v.verdict = r.verdict;
    }
    // A symlink in the workspace to ~/.bashrc or config.yaml: the write lands on the target.
    if (req.real && req.real !== req.path) {
      const r = classifyPath(req.real, opts);
      for (const f of r.reasons) v.reasons.push({ ...f, description: `${f.description} (${req.path} leads there)` });
      if (r.verdict === 'block' || (r.verdict === 'approve' && v.verdict === 'allow')) v.verdict = r.verdict;
    }
    return this.decide(ctx, { kind: 'fileWrite', tool: req.tool, text: req.path, verdict: v.verdict, reasons: v.reasons });
  }

  /** The thread continues under a new id (context compression): "allow for this session" goes with it. */
  rekey(fromThreadId: string, toThreadId: string): void {
    const set = this.session.get(fromThreadId);
    if (set) this.session.set(toThreadId, new Set([...(this.session.get(toThreadId) ?? []), ...set]));
    const out = this.outside.get(fromThreadId);
    if (out) this.outside.set(toThreadId, new Set([...(this.outside.get(toThreadId) ?? []), ...out]));
    const shell = this.shells.get(fromThreadId);
    if (shell) this.shells.set(toThreadId, shell);
  }

  /** Forget a thread's session approvals (thread deleted or reset). */
  clearSession(threadId: string): void {
    this.session.delete(threadId);
    this.outside.delete(threadId);
    this.shells.delete(threadId);
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
    const policy = ctx.policy;
    const allow = new Allowlist([...config.command_allowlist, ...(this.session.get(ctx.threadId) ?? [])]);
    if (s.reasons.every((r) => allow.covers(r))) {
      audit.decided(row('approve'), 'allowlisted', 'policy');
      return { allowed: true, decision: 'allowlisted' };
    }
    if (policy.approvalMode === 'off') {
      audit.decided(row('approve'), 'policy-off', 'policy');
      return { allowed: true, decision: 'policy-off' };
    }
    if (policy.approvalMode === 'deny') {
      audit.decided(row('approve'), 'policy-deny', 'policy');
      return {
        allowed: false,
        decision: 'policy-deny',
        message: `BLOCKED: this turn runs unattended (${policy.origin.label}; approval mode "deny"), so this needs approval and is refused: ${reasons.join('; ')}. Do not retry it another way.`,
      };
    }
    const asked = await this.ask(
      ctx,
      (requestId) => row('approve', requestId),
      {
        kind: s.kind,
        tool: s.tool,
        ...(s.kind === 'command' ? { command: s.text, cwd: s.cwd } : { path: s.text }),
        reasons,
        choices: ['once', 'session', 'always', 'deny'],
      },
      'Do not retry it or reach the same outcome another way; tell the user what you wanted to run so they can run it or allow it from a surface that can answer.',
    );
    if (!asked.ok) return asked.result;
    const { decision, answeredBy } = asked;
    this.deps.log.info('approval decided', { threadId: ctx.threadId, tool: s.tool, decision, by: answeredBy, keys });
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

  async checkAction(ctx: ToolContext, req: { tool: string; subject: string; reason: string; sessionKey?: string }): Promise<GateResult> {
    const { audit } = this.deps;
    const reasons = [req.reason];
    const row = (verdict: string, requestId?: string) =>
      audit.requested({ requestId, threadId: ctx.threadId, turnId: ctx.turnId, itemId: ctx.itemId, tool: req.tool, kind: 'tool', subject: req.subject, verdict, reasons });
    const policy = ctx.policy;
    if (req.sessionKey && this.session.get(ctx.threadId)?.has(req.sessionKey)) {
      audit.decided(row('approve'), 'session', 'policy');
      return { allowed: true, decision: 'session' };
    }
    if (policy.approvalMode === 'off') {
      audit.decided(row('approve'), 'policy-off', 'policy');
      return { allowed: true, decision: 'policy-off' };
    }
    if (policy.approvalMode === 'deny') {
      audit.decided(row('approve'), 'policy-deny', 'policy');
      return { allowed: false, decision: 'policy-deny', message: `BLOCKED: this turn runs unattended (approval mode "deny"), so this is refused: ${req.subject}. Do not retry it another way.` };
    }
    const asked = await this.ask(
      ctx,
      (requestId) => row('approve', requestId),
      { kind: 'tool', tool: req.tool, command: req.subject, reasons, choices: req.sessionKey ? ['once', 'session', 'deny'] : ['once', 'deny'] },
      'Do not retry it another way.',
    );
    if (!asked.ok) return asked.result;
    if (req.sessionKey && (asked.decision === 'session' || asked.decision === 'always')) {
      this.remember(ctx.threadId, [req.sessionKey]);
      return { allowed: true, decision: 'session' };
    }
    // Only once or deny is offered: an action like this is never allowed for a whole session.
    return asked.decision === 'deny' ? { allowed: false, decision: 'deny', message: DENIED } : { allowed: true, decision: 'once' };
  }

  /**
   * Puts one approval request to the surfaces the turn's policy allows, audits the outcome under the request's id,
   * and turns silence, nobody-to-ask and an interrupted turn into a refusal that says which it was.
   */
  private async ask(
    ctx: ToolContext,
    auditRow: (requestId: string) => number,
    fields: Omit<ApprovalRequestParams, 'requestId' | 'expiresAt' | 'threadId' | 'turnId' | 'itemId'>,
    afterRefusal: string,
  ): Promise<{ ok: true; decision: ApprovalDecision; answeredBy: string } | { ok: false; result: GateResult }> {
    const { audit } = this.deps;
    const policy = ctx.policy;
    const requestId = randomUUID();
    const id = auditRow(requestId);
    const timeoutS = policy.approvalTimeoutS;
    const answer = await ctx.clients.request(
      'approval/request',
      { threadId: ctx.threadId, turnId: ctx.turnId, itemId: ctx.itemId, ...fields },
      { timeoutMs: timeoutS * 1000, signal: ctx.signal, routing: { answerers: policy.answerers, origin: policy.origin.surfaceId }, requestId },
    );
    if (answer.ok) {
      audit.decided(id, answer.result.decision, answer.answeredBy);
      return { ok: true, decision: answer.result.decision, answeredBy: answer.answeredBy };
    }
    const why =
      answer.reason === 'timeout'
        ? `nobody answered within ${timeoutS} s (silence is a deny)`
        : answer.reason === 'noAnswerer'
          ? `nobody who can answer approvals follows this thread (it was started from ${policy.origin.label}), so it was denied at once`
          : 'the turn was interrupted';
    audit.decided(id, answer.reason, answer.reason === 'cancelled' ? 'cancelled' : answer.reason === 'noAnswerer' ? 'no-answerer' : 'timeout');
    return {
      ok: false,
      result: { allowed: false, decision: answer.reason === 'noAnswerer' ? 'noAnswerer' : 'timeout', message: `BLOCKED: ${why}; ${afterRefusal}` },
    };
  }

  private remember(threadId: string, keys: string[]): void {
    let set = this.session.get(threadId);
    if (!set) this.session.set(threadId, (set = new Set()));
    for (const k of keys) set.add(k);
  }
}
