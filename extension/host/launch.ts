// How to reach the host: spawn the bundled host with the user's Node, or attach to a running host's socket.

export interface LaunchSettings {
  /** Node binary that runs the bundled host (`hermes.nodePath`, default `node` on PATH). */
  nodePath: string;
  /** Unix socket of a running host (`hermes.host.attach`); when set nothing is spawned. */
  attach: string;
  /** HERMES_HOME for a spawned host (`hermes.hermesHome`); empty = the host's default. */
  hermesHome: string;
}

export type Launch =
  | { kind: 'spawn'; command: string; args: string[]; env: Record<string, string | undefined>; cwd?: string }
  | { kind: 'attach'; socketPath: string };

/** Pure: what to run (or where to connect) for the given settings. */
export function planLaunch(s: LaunchSettings, hostEntry: string, env: NodeJS.ProcessEnv, cwd?: string): Launch {
  if (s.attach.trim()) return { kind: 'attach', socketPath: expandHome(s.attach.trim(), env) };
  const out: Record<string, string | undefined> = { ...env };
  if (s.hermesHome.trim()) out.HERMES_HOME = expandHome(s.hermesHome.trim(), env);
  // The extension host may run inside Electron; the host must run as plain Node.
  delete out.ELECTRON_RUN_AS_NODE;
  return { kind: 'spawn', command: s.nodePath.trim() || 'node', args: [hostEntry], env: out, cwd };
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' || p.startsWith('~/') ? `${env.HOME ?? ''}${p.slice(1)}` : p;
}
