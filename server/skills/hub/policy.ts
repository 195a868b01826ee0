// Install policy by trust level and scan verdict:
//   builtin   (bundled with hermes-host or Hermes's own repository)    safe → install, caution → install, dangerous → install
//   trusted   (skills.trusted_sources)        safe → install, caution → install, dangerous → quarantine
//   community (everything else)               safe → install, caution → quarantine (force installs), dangerous → quarantine
// `force` never overrides a dangerous verdict.
import { isInside } from '../paths';
import type { Verdict } from '../scanner';
import { canonicalTrustEntry, type SourceSpec } from './source';

const HERMES_CANONICAL = 'github.com/nousresearch/hermes-agent';

export type TrustLevel = 'builtin' | 'trusted' | 'community';

/** Official skill collections trusted by default (the same set the Hermes agent trusts). */
export const DEFAULT_TRUSTED_SOURCES = ['openai/skills', 'anthropics/skills', 'huggingface/skills', 'NVIDIA/skills'];

export interface PolicyDecision {
  action: 'install' | 'quarantine';
  reason: string;
}

export function trustOf(spec: SourceSpec, opts: { trustedSources: string[]; bundledDir?: string }): TrustLevel {
  if (opts.bundledDir && spec.kind !== 'git' && isInside(opts.bundledDir, spec.location)) return 'builtin';
  // The Hermes agent's own skills (its bundled and official optional skills) are builtin there too.
  if (spec.canonical === HERMES_CANONICAL || spec.canonical.startsWith(HERMES_CANONICAL + '/')) return 'builtin';
  for (const entry of opts.trustedSources) {
    const e = canonicalTrustEntry(entry);
    if (e && (spec.canonical === e || spec.canonical.startsWith(e + '/'))) return 'trusted';
  }
  return 'community';
}

export function decide(trust: TrustLevel, verdict: Verdict, force: boolean): PolicyDecision {
  if (trust === 'builtin') return { action: 'install', reason: `builtin skill (${verdict})` };
  if (verdict === 'safe') return { action: 'install', reason: `${trust} source, no findings at high or critical` };
  if (verdict === 'dangerous') {
    return {
      action: 'quarantine',
      reason: `${trust} source with critical findings${force ? '; --force does not override a dangerous verdict' : ''}`,
    };
  }
  if (trust === 'trusted') return { action: 'install', reason: 'trusted source (caution findings reported)' };
  return force
    ? { action: 'install', reason: 'community source with caution findings, installed with --force' }
    : { action: 'quarantine', reason: 'community source with high-severity findings; review them and install with --force to accept' };
}
