// The per-turn policy: who started the turn and under which rules it runs. It travels from turn/start through the
// loop and the tool runner to the approval gate, so the gate and tool selection never read global config for these
// decisions. A surface can make a turn stricter than config.yaml (cron runs unattended, a non-interactive CLI
// cannot answer), never looser.
import type { HermesConfig } from '../config/schema';
import type { SurfaceKind } from '../surfaces/surface';

export type ApprovalMode = 'manual' | 'deny' | 'off';

export interface TurnPolicy {
  origin: { surfaceId: string; kind: SurfaceKind; label: string };
  /** The person the turn is for, when the surface knows (a chat user id). */
  user?: string;
  /** manual: ask; deny: refuse what needs approval without asking (unattended); off: run it. */
  approvalMode: ApprovalMode;
  approvalTimeoutS: number;
  /** Toolsets offered this turn; undefined: those config.yaml enables. */
  toolsets?: string[];
  /** Who may answer approval/clarify/secret requests: the origin and the thread's subscribers, the origin alone, nobody. */
  answerers: 'thread' | 'origin' | 'none';
  /** Tools withheld from this turn whatever its toolsets say (a subagent cannot delegate, clarify, …). */
  blockedTools?: string[];
  /** How many delegations deep this turn runs (0 or absent: the user's own agent). */
  depth?: number;
  /** Step budget for this turn when it differs from agent.max_iterations (a subagent's own budget). */
  maxIterations?: number;
}

/** What a surface asks for on top of config.yaml; only stricter settings take effect. */
export interface PolicyRequest {
  approvalMode?: ApprovalMode;
  toolsets?: string[];
  answerers?: TurnPolicy['answerers'];
  user?: string;
}

const strictness: Record<ApprovalMode, number> = { off: 0, manual: 1, deny: 2 };

export function configApprovalMode(config: HermesConfig): ApprovalMode {
  const m = config.approvals.mode as string;
  return m === 'off' || m === 'deny' ? m : 'manual';
}

export function policyFor(config: HermesConfig, origin: TurnPolicy['origin'], req: PolicyRequest = {}): TurnPolicy {
  const base = configApprovalMode(config);
  const approvalMode = req.approvalMode && strictness[req.approvalMode] > strictness[base] ? req.approvalMode : base;
  const enabled = config.toolsets;
  // A requested toolset list narrows what config enables; it cannot add toolsets config leaves out.
  const toolsets = req.toolsets
    ? enabled.length && !enabled.includes('all')
      ? req.toolsets.filter((t) => enabled.includes(t))
      : req.toolsets
    : undefined;
  return {
    origin,
    ...(req.user ? { user: req.user } : {}),
    approvalMode,
    approvalTimeoutS: config.approvals.timeout,
    ...(toolsets ? { toolsets } : {}),
    answerers: req.answerers ?? 'thread',
  };
}

/** Turns started by the host itself (a queued message, a notice) with no surface behind them. */
export const HOST_ORIGIN: TurnPolicy['origin'] = { surfaceId: 'host', kind: 'client', label: 'host' };
