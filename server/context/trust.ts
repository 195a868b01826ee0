// Whether the editor trusts a workspace folder (VS Code's Restricted Mode reports it at initialize), and the
// once-per-process notice that a workspace SOUL.md replaces the user's own. One host serves one user, so this is
// process state keyed by the folder's real path.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ContextReport } from './types';

const untrusted = new Set<string>();
const flagged = new Set<string>();

function key(root: string): string {
  try {
    return realpathSync(resolve(root));
  } catch {
    return resolve(root);
  }
}

export function setWorkspaceTrusted(root: string, trusted: boolean): void {
  if (trusted) untrusted.delete(key(root));
  else untrusted.add(key(root));
}

export function isWorkspaceTrusted(root: string): boolean {
  return !untrusted.has(key(root));
}

/** Calls `warn` the first time this workspace SOUL.md (by content) is seen replacing the user's own. */
export function flagSoulOverride(r: ContextReport, warn: (msg: string, fields: Record<string, unknown>) => void): void {
  if (!r.soulOverrides || !r.soul) return;
  const k = `${r.soul.path}\0${createHash('sha256').update(r.soul.content).digest('hex')}`;
  if (flagged.has(k)) return;
  flagged.add(k);
  warn('a workspace SOUL.md replaces the user\'s own identity', { workspace: r.soul.path, replaced: r.soulOverrides });
}
