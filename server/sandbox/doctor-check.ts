// `hermes-host doctor`: does the local OS sandbox work on this machine, and if not, what happens instead (loudly).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HermesConfig } from '../config/schema';
import { bwrapArgs, probeBwrap } from './bwrap';
import { resolveConfinement } from './local';

export interface SandboxCheck {
  ok: boolean;
  advisory?: boolean;
  detail: string;
}

export function checkLocalSandbox(cfg: HermesConfig, workspace: string, hermesHome: string): SandboxCheck {
  const t = cfg.terminal;
  if (t.backend !== 'local') return { ok: true, advisory: true, detail: `not used: the ${t.backend} backend has its own isolation` };
  if (t.sandbox === 'off') return { ok: false, advisory: true, detail: 'terminal.sandbox is off — local commands run UNCONFINED (they can write anywhere you can)' };
  probeBwrap(true);
  const c = resolveConfinement({ terminal: t, cwd: workspace, hermesHome });
  // In a container the container is the sandbox: reported, not failed.
  if (!c.policy && c.notice) return { ok: true, advisory: true, detail: c.notice };
  if (!c.policy) {
    const why = c.error ?? c.warning ?? 'unknown';
    return { ok: false, detail: t.sandbox === 'bwrap' ? `${why} — local commands REFUSE to run` : why };
  }
  // A real run under the same policy: the workspace is writable and / is not.
  const privateTmp = mkdtempSync(join(tmpdir(), 'hermes-sbx-doctor-'));
  try {
    const r = spawnSync(
      c.policy.bwrap,
      [...bwrapArgs({ ...c.policy, privateTmp }), '--', '/bin/sh', '-c', 'test -w "$1" && test -w /tmp && ! (: > /.hermes-sandbox-probe) 2>/dev/null', 'probe', workspace],
      { encoding: 'utf8', timeout: 10_000 },
    );
    if (r.status !== 0) {
      return { ok: false, detail: `bwrap ${c.policy.bwrap} starts, but the policy check failed (${(r.stderr || `exit ${r.status}`).trim().split('\n')[0]}) — commands may fail or run UNCONFINED` };
    }
  } finally {
    rmSync(privateTmp, { recursive: true, force: true });
  }
  const extra = c.policy.writable.length ? `, ${c.policy.writable.join(', ')}` : '';
  return {
    ok: true,
    detail: `bwrap ${c.policy.bwrap} works (user/PID namespaces): commands write only the workspace, a private /tmp${extra}; credentials hidden, rc files and HERMES_HOME read-only; network ${c.policy.network ? 'on' : 'off'}`,
  };
}
