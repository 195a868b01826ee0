// `hermes-host gateway install|uninstall|start|stop|restart`: the gateway as a systemd service. A user unit by
// default (~/.config/systemd/user, runs as you, needs `loginctl enable-linger` to run without a login session);
// `--system` writes /etc/systemd/system for a dedicated user. Restart=on-failure restarts crashes, except exit code
// 2 (bad config.yaml or arguments): restarting cannot fix that, so RestartPreventExitStatus=2 stops the loop.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const UNIT_NAME = 'hermes-gateway.service';
/** Exit code for bad configuration: systemd must not restart the service (see RestartPreventExitStatus). */
export const EXIT_BAD_CONFIG = 2;
/** Exit code of the service commands when systemd is not available. */
export const EXIT_NO_SYSTEMD = 4;

export interface UnitOptions {
  nodePath: string;
  entry: string;
  hermesHome: string;
  drainTimeoutS: number;
  system?: { user: string };
}

export function unitText(o: UnitOptions): string {
  const q = (s: string) => (/[\s"\\]/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s);
  return [
    '[Unit]',
    `Description=Hermes agent gateway (HERMES_HOME=${o.hermesHome})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(o.system ? [`User=${o.system.user}`, `Group=${o.system.user}`] : []),
    `Environment=HERMES_HOME=${q(o.hermesHome)}`,
    `ExecStart=${q(o.nodePath)} ${q(o.entry)} --gateway --home ${q(o.hermesHome)}`,
    'Restart=on-failure',
    'RestartSec=5',
    `RestartPreventExitStatus=${EXIT_BAD_CONFIG}`,
    'KillSignal=SIGTERM',
    // Room for the drain (running turns, outbox flush) before systemd escalates to SIGKILL.
    `TimeoutStopSec=${o.drainTimeoutS + 15}`,
    ...(o.system ? ['NoNewPrivileges=yes', 'PrivateTmp=yes'] : []),
    '',
    '[Install]',
    `WantedBy=${o.system ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

export function unitPath(system: boolean): string {
  return system ? join('/etc/systemd/system', UNIT_NAME) : join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd/user', UNIT_NAME);
}

/** Why systemd cannot be used here, or null when it can. */
export function systemdMissing(): string | null {
  if (!existsSync('/run/systemd/system')) return 'systemd is not running on this machine (no /run/systemd/system)';
  try {
    execFileSync('systemctl', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'systemctl is not installed';
  }
  return null;
}

function systemctl(system: boolean, ...args: string[]): void {
  execFileSync('systemctl', [...(system ? [] : ['--user']), ...args], { stdio: 'inherit' });
}

export function installUnit(o: UnitOptions): string {
  const path = unitPath(!!o.system);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, unitText(o), { mode: 0o644 });
  systemctl(!!o.system, 'daemon-reload');
  systemctl(!!o.system, 'enable', '--now', UNIT_NAME);
  return path;
}

export function uninstallUnit(system: boolean): string {
  const path = unitPath(system);
  try {
    systemctl(system, 'disable', '--now', UNIT_NAME);
  } catch {
    /* not installed or already stopped */
  }
  rmSync(path, { force: true });
  systemctl(system, 'daemon-reload');
  return path;
}

export function controlUnit(system: boolean, action: 'start' | 'stop' | 'restart'): void {
  systemctl(system, action, UNIT_NAME);
}
