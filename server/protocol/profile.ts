// Profiles, as Hermes has them: `--profile NAME` / HERMES_PROFILE select HERMES_HOME/profiles/NAME, a home of its own
// (config, .env, memory, skills, sessions, host lock and socket); `default` is the root home itself. Pure string
// rules, no file system: the host's CLI (server/config/home.ts) and the VS Code extension (which looks for a running
// owner before it spawns one) resolve a profile with the same code, so both find the same home.

/** A profile name as Hermes accepts it: a directory name, nothing that walks out of profiles/. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class ProfileError extends Error {}

/**
 * The profile to use: the explicit one (`--profile`, the `hermes.profile` setting) over HERMES_PROFILE. Undefined
 * means the root home (no profile, or `default`). Throws ProfileError for a name that is not a plain directory name.
 */
export function profileName(explicit: string | undefined, fromEnv: string | undefined): string | undefined {
  const name = (explicit?.trim() || fromEnv?.trim() || '').trim();
  if (!name || name === 'default') return undefined;
  if (!PROFILE_NAME.test(name) || name === '..' || name === '.') {
    throw new ProfileError(`invalid profile name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-' (at most 64 characters)`);
  }
  return name;
}

/** The home a profile uses under the root HERMES_HOME (an absolute path); the root itself for no profile. */
export function profileHome(root: string, name: string | undefined): string {
  return name ? `${root.replace(/\/+$/, '')}/profiles/${name}` : root;
}
