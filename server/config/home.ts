import { mkdirSync, chmodSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { profileHome, profileName } from '../protocol/profile';

/** HERMES_HOME, compatible with the Hermes agent's layout (default ~/.hermes). */
export function resolveHermesHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env.HERMES_HOME?.trim();
  if (h) return resolve(h.replace(/^~(?=$|\/)/, homedir()));
  return join(homedir(), '.hermes');
}

/**
 * Applies a profile (`--profile NAME` or HERMES_PROFILE) to the environment, as Hermes does: HERMES_HOME becomes
 * <HERMES_HOME or ~/.hermes>/profiles/NAME (the rules are in server/protocol/profile.ts, shared with the VS Code
 * extension). HERMES_PROFILE is removed afterwards so child processes, which inherit the resolved HERMES_HOME, do
 * not nest the profile a second time. Returns the resolved home.
 */
export function applyProfile(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const name = profileName(profile, env.HERMES_PROFILE);
  delete env.HERMES_PROFILE;
  const root = resolveHermesHome(env);
  if (!name) return root;
  const home = profileHome(root, name);
  env.HERMES_HOME = home;
  return home;
}

export const homePaths = (home: string) => ({
  config: join(home, 'config.yaml'),
  env: join(home, '.env'),
  soul: join(home, 'SOUL.md'),
  memories: join(home, 'memories'),
  skills: join(home, 'skills'),
  cron: join(home, 'cron'),
  sandboxes: join(home, 'sandboxes'),
  logs: join(home, 'logs'),
  log: join(home, 'logs', 'host.log'),
  /** Our own database. Never Hermes's state.db, which we only read to import its sessions. */
  db: join(home, 'hermes-host.db'),
  /** The Hermes agent's session database (or an earlier hermes-host's, which used the same name). */
  hermesStateDb: join(home, 'state.db'),
  socket: join(home, 'host.sock'),
  results: join(home, 'results'),
});

/** Creates the folders the host writes to. HERMES_HOME itself is private to the user. */
export function ensureHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(home).mode & 0o077) !== 0) chmodSync(home, 0o700);
  } catch {}
  const p = homePaths(home);
  for (const d of [p.memories, p.skills, p.cron, p.sandboxes, p.logs, p.results]) mkdirSync(d, { recursive: true });
}
