// Paths inside a sandbox are POSIX whatever the host is: `~` is the sandbox's home, relative paths are relative to
// the persistent shell's cwd.
import { posix } from 'node:path';

export function resolveSandboxPath(path: string, cwd: string, home: string | undefined): string {
  if (!path) throw new Error('empty path');
  if (path === '~' || path.startsWith('~/')) {
    if (!home) throw new Error(`cannot expand ~ in ${path}: the sandbox has no HOME`);
    path = home + path.slice(1);
  }
  return posix.resolve(cwd || '/', path);
}

/** Refuses operations whose target is the root directory, which no file tool should ever remove or replace. */
export function assertNotRoot(path: string, op: string): void {
  if (posix.resolve(path) === '/') throw new Error(`refusing to ${op} /`);
}
