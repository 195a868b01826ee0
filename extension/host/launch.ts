// How to reach the host: attach to the host that already owns this HERMES_HOME (another editor window, `npm start`,
// the gateway), or spawn the bundled host with the user's Node.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { profileHome, profileName } from '../../server/protocol/profile';

export interface LaunchSettings {
  /** Node binary that runs the bundled host (`hermes.nodePath`, default `node` on PATH). */
  nodePath: string;
  /** Unix socket of a running host (`hermes.host.attach`); when set nothing is spawned. */
  attach: string;
  /** HERMES_HOME for a spawned host (`hermes.hermesHome`); empty = the host's default. */
  hermesHome: string;
  /** Hermes profile (`hermes.profile`): HERMES_HOME/profiles/<name>; empty = $HERMES_PROFILE, else the root home. */
  profile?: string;
}

export type Launch =
  | { kind: 'spawn'; command: string; args: string[]; env: Record<string, string | undefined>; cwd?: string }
  | { kind: 'attach'; socketPath: string };

/** Pure: what to run (or where to connect) for the given settings. */
export function planLaunch(s: LaunchSettings, hostEntry: string, env: NodeJS.ProcessEnv, cwd?: string): Launch {
  if (s.attach.trim()) return { kind: 'attach', socketPath: expandHome(s.attach.trim(), env) };
  const out: Record<string, string | undefined> = { ...env };
  if (s.hermesHome.trim()) out.HERMES_HOME = expandHome(s.hermesHome.trim(), env);
  // The profile resolves here, as the CLI resolves --profile (server/protocol/profile.ts), so the owner of that
  // profile's home is found before anything is spawned; the host inherits the resolved HERMES_HOME.
  const profile = profileName(s.profile, env.HERMES_PROFILE);
  delete out.HERMES_PROFILE;
  if (profile) {
    const root = out.HERMES_HOME?.trim() ? resolve(expandHome(out.HERMES_HOME.trim(), env)) : join(env.HOME ?? '', '.hermes');
    out.HERMES_HOME = profileHome(root, profile);
  }
  // The extension host may run inside Electron; the host must run as plain Node.
  delete out.ELECTRON_RUN_AS_NODE;
  return { kind: 'spawn', command: s.nodePath.trim() || 'node', args: [hostEntry], env: out, cwd };
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' || p.startsWith('~/') ? `${env.HOME ?? ''}${p.slice(1)}` : p;
}

/** Where the owner of the HERMES_HOME a spawn plan would use listens: its owner record, else the default socket. */
export function ownerSocketFor(launch: Extract<Launch, { kind: 'spawn' }>): string {
  const home = launch.env.HERMES_HOME || join(launch.env.HOME ?? '', '.hermes');
  try {
    const rec = JSON.parse(readFileSync(join(home, 'host.owner.json'), 'utf8')) as { socket?: string };
    if (rec.socket) return rec.socket;
  } catch {}
  return join(home, 'host.sock');
}

function answers(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A host already running for the same HERMES_HOME is attached to instead of starting a second one. */
export async function preferRunningHost(launch: Launch, timeoutMs = 300): Promise<Launch> {
  if (launch.kind !== 'spawn') return launch;
  const socketPath = ownerSocketFor(launch);
  return (await answers(socketPath, timeoutMs)) ? { kind: 'attach', socketPath } : launch;
}
