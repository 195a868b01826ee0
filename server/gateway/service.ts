// The gateway as a systemd service: the unit file and where it goes. A user unit by default
// (~/.config/systemd/user, runs as you, needs `loginctl enable-linger` to run without a login session); `--system`
// writes /etc/systemd/system for a dedicated user. Restart=on-failure restarts crashes, except exit code 2 (bad
// config.yaml or arguments): restarting cannot fix that, so RestartPreventExitStatus=2 stops the loop.
// Talking to systemd (systemctl, the user manager's bus) is server/gateway/systemctl.ts.
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Exit code for bad configuration: systemd must not restart the service (see RestartPreventExitStatus). */
export const EXIT_BAD_CONFIG = 2;
/** Exit code of the service commands when systemd (or the user's systemd manager) is not available. */
export const EXIT_NO_SYSTEMD = 4;
/** First line of every unit we write: tells ours from one another program (e.g. the Python Hermes) wrote. */
export const UNIT_MARKER = '# Written by hermes-host gateway install';

/**
 * The unit's name. One per home, as Hermes names them: `hermes-gateway` for a home, `hermes-gateway-<profile>` for
 * a profile's home (HERMES_HOME/profiles/<name>), so each profile's gateway is a service of its own.
 */
export function unitName(hermesHome: string): string {
  return basename(dirname(hermesHome)) === 'profiles' ? `hermes-gateway-${basename(hermesHome)}.service` : 'hermes-gateway.service';
}

export interface UnitOptions {
  nodePath: string;
  entry: string;
  hermesHome: string;
  drainTimeoutS: number;
  /** PATH for the service (the agent's commands and MCP servers run with it); the node binary's folder comes first. */
  path: string;
  system?: { user: string };
}

// systemd reads `%` as a specifier and (in ExecStart) `$` as a variable in any unit line, quoted or not.
const specifiers = (s: string) => s.replace(/%/g, '%%');
const quoted = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
/** One ExecStart word: quoted when it holds anything systemd would split or unescape. */
export const execArg = (s: string) => specifiers(/[\s"'\\;]/.test(s) || s === '' ? quoted(s) : s).replace(/\$/g, '$$$$');
/** One Environment= assignment (the whole NAME=value quoted, as systemd.exec documents). */
export const envAssignment = (name: string, value: string) => specifiers(/[\s"'\\]/.test(value) ? quoted(`${name}=${value}`) : `${name}=${value}`);

export function servicePath(nodePath: string, path: string | undefined): string {
  const dirs = [dirname(nodePath), ...(path || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')];
  return [...new Set(dirs.filter(Boolean))].join(':');
}

const underTmp = (p: string) => /^\/(var\/)?tmp\//.test(p);

export function unitText(o: UnitOptions): string {
  return [
    UNIT_MARKER,
    '[Unit]',
    `Description=Hermes agent gateway (HERMES_HOME=${specifiers(o.hermesHome)})`,
    // A user manager has no network-online.target (user units cannot order against system units).
    ...(o.system ? ['After=network-online.target', 'Wants=network-online.target'] : []),
    '',
    '[Service]',
    'Type=simple',
    // Group= is left out: systemd then uses the user's own primary group, whatever created the user.
    ...(o.system ? [`User=${o.system.user}`] : []),
    `Environment=${envAssignment('HERMES_HOME', o.hermesHome)}`,
    `Environment=${envAssignment('PATH', o.path)}`,
    `ExecStart=${[o.nodePath, o.entry, '--gateway', '--home', o.hermesHome].map(execArg).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=5',
    `RestartPreventExitStatus=${EXIT_BAD_CONFIG}`,
    'KillSignal=SIGTERM',
    // Room for the drain (running turns, outbox flush) before systemd escalates to SIGKILL.
    `TimeoutStopSec=${o.drainTimeoutS + 15}`,
    // PrivateTmp would hide a node or a hermes-host that lives under /tmp (a checkout or an unpacked tarball there).
    ...(o.system ? ['NoNewPrivileges=yes', ...(underTmp(o.nodePath) || underTmp(o.entry) || underTmp(o.hermesHome) ? [] : ['PrivateTmp=yes'])] : []),
    '',
    '[Install]',
    `WantedBy=${o.system ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

/**
 * Where the unit file goes. A user manager looks in $XDG_CONFIG_HOME/systemd/user as *it* sees XDG_CONFIG_HOME
 * (`managerEnv`, from `systemctl --user show-environment`), which need not be what this shell has (sudo, for one,
 * may leave another user's HOME).
 */
export function unitPath(system: boolean, name: string, managerEnv: Record<string, string> = {}): string {
  return system ? join('/etc/systemd/system', name) : join(managerEnv.XDG_CONFIG_HOME || join(managerEnv.HOME || userInfo().homedir, '.config'), 'systemd/user', name);
}
