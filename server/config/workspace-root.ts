// The workspace root for a directory a command was started in: the top of the git repository it lies in (so the
// repository's root AGENTS.md applies from any subdirectory, as in Codex), or the directory itself outside git.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Walks up from `dir` to the nearest directory holding `.git` (a directory, or the file a worktree or submodule
 * has). Directories listed in GIT_CEILING_DIRECTORIES are not searched past, as git itself does.
 */
export function findWorkspaceRoot(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const start = resolve(dir);
  const ceilings = new Set((env.GIT_CEILING_DIRECTORIES ?? '').split(':').filter(Boolean).map((p) => resolve(p)));
  for (let d = start; ; d = dirname(d)) {
    if (exists(join(d, '.git'))) return d;
    if (ceilings.has(dirname(d)) || dirname(d) === d) return start;
  }
}
