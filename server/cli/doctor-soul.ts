// The identity the agent will have in this folder: which SOUL.md won (the workspace's, the user's in HERMES_HOME, or
// the built-in default), flagged when a workspace file sets aside the user's own.
import { discoverContext, isWorkspaceTrusted } from '../context';
import type { Check, DoctorInput } from './doctor';

/** `workspaceRoot`: where doctor runs (the folder whose SOUL.md would apply to a chat started here). */
export function soulCheck(host: Pick<DoctorInput, 'hermesHome' | 'config'>, workspaceRoot = process.cwd()): Check {
  const r = discoverContext({
    workspaceRoot,
    hermesHome: host.hermesHome,
    maxChars: host.config.context_file_max_chars,
    workspaceTrusted: isWorkspaceTrusted(workspaceRoot),
  });
  const where = r.soul ? r.soul.path : 'built-in default (no SOUL.md in the workspace or HERMES_HOME)';
  const level = { workspace: 'workspace', 'hermes-home': 'HERMES_HOME', default: 'default' }[r.soulLevel];
  const detail = `${level}: ${where}${r.soulOverrides ? ` — replaces your own ${r.soulOverrides}` : ''}`;
  return { name: 'identity (SOUL.md)', ok: !r.soulOverrides, detail, advisory: true };
}
