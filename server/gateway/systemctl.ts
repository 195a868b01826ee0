// systemctl for the gateway's unit, against the system manager or the calling user's own manager. `systemctl --user`
// finds the user manager through XDG_RUNTIME_DIR, which only a login session (PAM) sets: after `sudo -u`, `su`
// without `-l`, `docker exec`, cron or a bare `ssh host cmd` on some systems it is missing — or still names the
// previous user's directory — and systemctl fails with "Failed to connect to bus: No medium found". We point it at
// /run/user/<uid> when that is ours, and when no user manager runs at all we say what to do instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { EXIT_BAD_CONFIG, EXIT_NO_SYSTEMD } from './service';

/** A failure of a service command, with the exit code the CLI ends with. */
export class ServiceError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
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

const ownDir = (p: string | undefined, uid: number) => {
  if (!p) return false;
  try {
    const s = statSync(p);
    return s.isDirectory() && s.uid === uid;
  } catch {
    return false;
  }
};

/** Whether the user's manager keeps running without a login session (`loginctl enable-linger`). */
export function lingers(user: string): boolean {
  return existsSync(join('/var/lib/systemd/linger', user));
}

/** The environment `systemctl --user` needs to reach this user's manager; throws when no manager runs. */
export function userManagerEnv(env: NodeJS.ProcessEnv = process.env, uid = process.getuid!(), user = userInfo().username): NodeJS.ProcessEnv {
  const given = env.XDG_RUNTIME_DIR;
  const runtime = ownDir(given, uid) ? given! : `/run/user/${uid}`;
  if (!ownDir(runtime, uid) || !existsSync(join(runtime, 'systemd', 'private'))) {
    const why = ownDir(runtime, uid) ? `${runtime} has no systemd/private socket` : `${runtime} does not exist`;
    // Root has no business running the agent in its own user manager: a dedicated user's system unit is the way.
    const instead =
      uid === 0
        ? 'As root, install a system unit that runs as a dedicated user instead: hermes-host gateway install --system <user>.'
        : `A user service needs a manager that outlives your login sessions: run \`sudo loginctl enable-linger ${user}\` and ` +
          `try again — or install a system unit that runs as ${user}: \`sudo hermes-host gateway install --system ${user}\`.`;
    throw new ServiceError(`no systemd user manager is running for ${user} (uid ${uid}): ${why}. ${instead}`, EXIT_NO_SYSTEMD);
  }
  const out: NodeJS.ProcessEnv = { ...env, XDG_RUNTIME_DIR: runtime };
  // A session bus address inherited with someone else's runtime dir points at a bus this user may not open.
  if (runtime !== given) delete out.DBUS_SESSION_BUS_ADDRESS;
  return out;
}

export interface UnitState {
  /** loaded · not-found · … */
  load: string;
  /** active · inactive · failed · activating · deactivating */
  active: string;
  /** running · dead · failed · auto-restart · … */
  sub: string;
  mainPid: number;
  /** How often systemd restarted it since it was last started by hand. */
  restarts: number;
  /** Exit status (or signal number) of the last main process, and how it ended (exited · killed · dumped). */
  exitStatus: number;
  exitCode: string;
  /** success · exit-code · signal · core-dump · timeout · … */
  result: string;
  fragment: string;
  environment: Record<string, string>;
  since: string;
}

/** Splits systemd's `Environment=` value (space-separated, "…" around words with spaces, C escapes). */
export function parseEnvironment(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const word = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
    const i = word.indexOf('=');
    if (i > 0) out[word.slice(0, i)] = word.slice(i + 1);
  }
  return out;
}

const EXIT_CODE_NAMES: Record<string, string> = { '1': 'exited', '2': 'killed', '3': 'dumped' };

export class Systemctl {
  private constructor(
    readonly system: boolean,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The manager for a system unit (needs root to change anything) or the caller's own user manager. */
  static open(system: boolean): Systemctl {
    const why = systemdMissing();
    if (why)
      throw new ServiceError(
        `${why}. Run the gateway under your own supervisor instead: hermes-host --gateway (exit code ${EXIT_BAD_CONFIG} means bad ` +
          'configuration: do not restart). `hermes-host gateway install --print` shows the systemd unit.',
        EXIT_NO_SYSTEMD,
      );
    return new Systemctl(system, system ? process.env : userManagerEnv());
  }

  private args(args: string[]): string[] {
    return [...(this.system ? [] : ['--user']), ...args];
  }

  /** Runs systemctl; its own error message becomes the error. */
  run(...args: string[]): string {
    const r = spawnSync('systemctl', this.args(args), { env: this.env, encoding: 'utf8' });
    if (r.status !== 0) {
      const msg = (r.stderr || r.stdout || r.error?.message || '').trim();
      throw new ServiceError(`systemctl ${this.args(args).join(' ')} failed${msg ? `: ${msg}` : ` (exit ${r.status ?? r.signal})`}`);
    }
    return r.stdout;
  }

  /** The manager's environment (a user manager's HOME and XDG_CONFIG_HOME decide where its unit files are). */
  managerEnv(): Record<string, string> {
    if (this.system) return {};
    const out: Record<string, string> = {};
    for (const line of this.run('show-environment').split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).replace(/^\$'(.*)'$/, '$1');
    }
    return out;
  }

  state(unit: string): UnitState {
    const props = ['LoadState', 'ActiveState', 'SubState', 'MainPID', 'NRestarts', 'ExecMainStatus', 'ExecMainCode', 'Result', 'FragmentPath', 'Environment', 'StateChangeTimestamp'];
    const v: Record<string, string> = {};
    for (const line of this.run('show', unit, ...props.map((p) => `--property=${p}`)).split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) v[line.slice(0, i)] = line.slice(i + 1);
    }
    return {
      load: v.LoadState ?? '',
      active: v.ActiveState ?? '',
      sub: v.SubState ?? '',
      mainPid: Number(v.MainPID) || 0,
      restarts: Number(v.NRestarts) || 0,
      exitStatus: Number(v.ExecMainStatus) || 0,
      exitCode: EXIT_CODE_NAMES[v.ExecMainCode ?? ''] ?? '',
      result: v.Result ?? '',
      fragment: v.FragmentPath ?? '',
      environment: parseEnvironment(v.Environment ?? ''),
      since: v.StateChangeTimestamp ?? '',
    };
  }

  /** The last lines the unit logged, when the journal lets this user read them. */
  journal(unit: string, lines = 8): string[] {
    const r = spawnSync('journalctl', [...(this.system ? ['-u'] : ['--user', '-u']), unit, '-n', String(lines), '-o', 'cat', '--no-pager'], {
      env: this.env,
      encoding: 'utf8',
    });
    if (r.status !== 0) return [];
    return r.stdout.split('\n').filter((l) => l.trim() && !/^-- No entries --$/.test(l));
  }

  journalCommand(unit: string): string {
    return `journalctl ${this.system ? '' : '--user '}-u ${unit}`;
  }
}

/** One line saying what systemd is doing with the unit, and what to do when it is down. */
export function describeState(unit: string, s: UnitState, how: { journal: string }): string {
  if (s.load === 'not-found') return `${unit}: not installed (hermes-host gateway install)`;
  const ended = s.exitCode === 'exited' ? `exited with ${s.exitStatus}` : s.exitCode ? `killed by signal ${s.exitStatus}` : '';
  if (s.active === 'active')
    return `${unit}: active (${s.sub}), pid ${s.mainPid}${s.restarts ? `, restarted by systemd ${s.restarts} time${s.restarts > 1 ? 's' : ''}` : ''}, since ${s.since}`;
  if (s.sub === 'auto-restart') return `${unit}: ${ended || 'stopped'}; systemd restarts it shortly (see ${how.journal})`;
  if (s.active === 'failed') {
    if (s.exitCode === 'exited' && s.exitStatus === EXIT_BAD_CONFIG)
      return `${unit}: failed: exited with ${EXIT_BAD_CONFIG}, bad configuration, so systemd does not restart it. Fix it (hermes-host config check), then: hermes-host gateway start`;
    return `${unit}: failed (${s.result}${ended ? `, ${ended}` : ''}); see ${how.journal}`;
  }
  if (s.active === 'inactive') return `${unit}: stopped (hermes-host gateway start)`;
  return `${unit}: ${s.active} (${s.sub})`;
}
