// Did a command fail because of the OS sandbox? Conservative on purpose: only a failed command whose output names a
// failure only the sandbox causes here — a read-only filesystem (everything outside the writable binds is one), a
// denial or a "missing" file on a path the sandbox protects or hides, or no network when the sandbox has none —
// leads to the question "run once outside the sandbox?". Anything else is an ordinary failure for the model.
import { posix } from 'node:path';
import type { Confinement } from './types';

const READ_ONLY = /read-only file system|\bEROFS\b/i;
const DENIED = /permission denied|operation not permitted|\bEACCES\b|\bEPERM\b|no such file or directory|\bENOENT\b/i;
const NO_NETWORK =
  /could not resolve host|temporary failure in name resolution|network is unreachable|\bENETUNREACH\b|\bEAI_AGAIN\b|name or service not known|failed to establish a new connection/i;
/** Absolute and ~ paths in a line of output. */
const PATH_RE = /(?:~|\.{0,2})\/[^\s'"`:,;()<>[\]{}|&]*/g;

export interface DenialContext {
  confinement: Confinement;
  home: string;
  cwd: string;
}

/** Why the sandbox (and not the command itself) made it fail, or undefined. */
export function sandboxDenial(output: string, exitCode: number | null, c: DenialContext): string | undefined {
  if (!c.confinement.confined || exitCode === 0 || exitCode === null) return undefined;
  const lines = output.split('\n').slice(-200);
  for (const line of lines) {
    if (READ_ONLY.test(line)) {
      const path = pathsIn(line, c)[0];
      return `the sandbox keeps ${path ?? 'that path'} read-only (writable: ${c.confinement.writable.join(', ')})`;
    }
    if (DENIED.test(line)) {
      const hit = pathsIn(line, c).find((p) => c.confinement.protected.some((g) => within(p, g)));
      if (hit) return `the sandbox protects ${hit}`;
    }
    if (!c.confinement.network && NO_NETWORK.test(line)) return 'the sandbox has no network (terminal.sandbox_network: false)';
  }
  return undefined;
}

function pathsIn(line: string, c: DenialContext): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(PATH_RE)) {
    let p = m[0].replace(/[.'"]+$/, '');
    if (p === '/' || p === '~' || p.length < 2) continue;
    if (p.startsWith('~/')) p = posix.join(c.home, p.slice(2));
    out.push(posix.resolve(c.cwd, p));
  }
  return out;
}

function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/');
}
