// Human and machine renderings of a verdict, for `hermes-host check-command` and audit logs.
import type { PathVerdict, Verdict } from './types';

const HEAD = {
  allow: 'ALLOW: no dangerous pattern found',
  approve: 'APPROVE: asks before running',
  block: 'BLOCK: refused (hard-line, never runnable)',
} as const;

/** 0 allow, 1 approve, 2 block: the exit codes of `hermes-host check-command`. */
export function verdictExitCode(v: Pick<Verdict, 'verdict'>): 0 | 1 | 2 {
  return v.verdict === 'allow' ? 0 : v.verdict === 'approve' ? 1 : 2;
}

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

/** Multi-line: the verdict, then each reason with the part of the command that triggered it. */
export function formatVerdict(v: Verdict | PathVerdict): string {
  const lines: string[] = [HEAD[v.verdict]];
  for (const r of v.reasons) {
    lines.push(`  - [${r.severity}] ${r.key}: ${r.description}`);
    lines.push(`      in: ${indent(r.part, '          ')}`);
  }
  return lines.join('\n');
}

export interface VerdictJson {
  verdict: Verdict['verdict'];
  exitCode: 0 | 1 | 2;
  /** Distinct keys, in order: what an approval or allowlist entry would name. */
  keys: string[];
  reasons: Verdict['reasons'];
  parts: string[];
}

export function verdictToJson(v: Verdict | PathVerdict): VerdictJson {
  return {
    verdict: v.verdict,
    exitCode: verdictExitCode(v),
    keys: [...new Set(v.reasons.map((r) => r.key))],
    reasons: v.reasons,
    parts: 'parts' in v ? v.parts : [],
  };
}
