// `hermes-host gateway install|uninstall|start|stop|restart`, and the systemd lines of `gateway status`. Each command
// that starts the service waits until the gateway answers on its socket, or systemd reports it down, and says which
// (with the unit's last log lines), instead of returning as soon as systemd forked it.
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { homePaths, applyProfile } from '../config/home';
import { loadConfig } from '../config/load';
import { currentOwner, describeOwner } from '../owner/lock';
import { HostConnection } from './rpc-client';
import { EXIT_BAD_CONFIG, UNIT_MARKER, servicePath, unitName, unitPath, unitText, type UnitOptions } from '../gateway/service';
import { ServiceError, Systemctl, describeState, lingers, type UnitState } from '../gateway/systemctl';

type HomeOf = (cmd: Command) => string;
type Fail = (e: unknown) => never;

interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function lookupUser(name: string): Account {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const f = r.status === 0 ? r.stdout.trim().split(':') : [];
  if (f.length < 7)
    throw new ServiceError(
      `no user ${name} on this machine. Create a dedicated one first, e.g.: ` +
        `sudo useradd --system --create-home --home-dir /var/lib/${name} --shell /usr/sbin/nologin ${name}`,
    );
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}

function tryLookupUser(name: string): Account | undefined {
  try {
    return lookupUser(name);
  } catch {
    return undefined;
  }
}

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new ServiceError(`${what} changes the system manager's units and needs root: sudo hermes-host ${what}`);
}

/**
 * The home a system unit serves. Run as root, `home(cmd)` would be root's ~/.hermes, which the dedicated user cannot
 * read: without --home or HERMES_HOME it is that user's ~/.hermes (and its profile when --profile is given).
 */
function systemHome(cmd: Command, home: HomeOf, user: Account): string {
  const o = cmd.optsWithGlobals() as { home?: string; profile?: string };
  if (!o.home && !process.env.HERMES_HOME?.trim()) return applyProfile(o.profile, { HERMES_HOME: join(user.home, '.hermes'), HERMES_PROFILE: process.env.HERMES_PROFILE });
  return home(cmd);
}

/** The dedicated user must own its home (the host writes its database there) and be able to run node and the host. */
function prepareSystemHome(o: UnitOptions, user: Account): void {
  if (!existsSync(o.hermesHome)) {
    mkdirSync(o.hermesHome, { recursive: true, mode: 0o700 });
    chownSync(o.hermesHome, user.uid, user.gid);
  }
  const st = statSync(o.hermesHome);
  if (st.uid !== user.uid)
    throw new ServiceError(`HERMES_HOME ${o.hermesHome} belongs to uid ${st.uid}, not to ${user.name}, so the service could not write it: sudo chown -R ${user.name}: ${o.hermesHome}`);
  const r = spawnSync('runuser', ['-u', user.name, '--', o.nodePath, o.entry, '--version'], { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return; // no runuser: systemd will tell
  if (r.status !== 0)
    throw new ServiceError(
      `${user.name} cannot run ${o.nodePath} ${o.entry}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim()}. ` +
        'Install node and hermes-host where that user can read them (not under /root or a private home).',
    );
}

async function hostAnswers(socket: string): Promise<boolean> {
  try {
    const conn = await HostConnection.connect(socket, 2000);
    try {
      await conn.initialize({ name: 'gateway-service' });
      return (await conn.request('gateway/status', {})).running;
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

/** Waits until the unit's process owns the home and its gateway answers, or systemd says it is down. */
async function waitUp(sc: Systemctl, unit: string, hermesHome: string): Promise<{ state: UnitState; answers: boolean }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = sc.state(unit);
    if (state.active === 'failed' || state.sub === 'auto-restart' || state.active === 'inactive') return { state, answers: false };
    if (state.active === 'active' && state.mainPid) {
      const owner = currentOwner(hermesHome);
      if (owner?.pid === state.mainPid && (await hostAnswers(owner.socket))) return { state, answers: true };
    }
    if (Date.now() > deadline) return { state, answers: false };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Reports the unit after a start: the state line, and when it is not running its last log lines and an exit code. */
async function reportStart(sc: Systemctl, unit: string, hermesHome: string, done: string): Promise<void> {
  const { state: s, answers } = await waitUp(sc, unit, hermesHome);
  const line = describeState(unit, s, { journal: sc.journalCommand(unit) });
  if (s.active === 'active') {
    process.stdout.write(`${done}\n${line}\n`);
    // Running but silent (still opening a large database, say): not a failure, but worth knowing.
    if (!answers) process.stderr.write(`hermes-host: the gateway does not answer on ${homePaths(hermesHome).socket} yet; see ${sc.journalCommand(unit)}\n`);
    return;
  }
  const log = sc.journal(unit);
  throw new ServiceError(
    `${done}, but it is not running:\n${line}${log.length ? `\nlast lines of ${sc.journalCommand(unit)}:\n  ${log.join('\n  ')}` : ''}`,
    s.exitCode === 'exited' && s.exitStatus === EXIT_BAD_CONFIG ? EXIT_BAD_CONFIG : 1,
  );
}

/** The home an installed unit serves (its Environment=HERMES_HOME), else the one the command line names. */
function servedHome(s: UnitState, fallback: string): string {
  return s.environment.HERMES_HOME || fallback;
}

function requireInstalled(sc: Systemctl, unit: string): UnitState {
  const s = sc.state(unit);
  if (s.load === 'not-found')
    throw new ServiceError(`${unit} is not installed${sc.system ? ' as a system unit' : ' for this user'}; run hermes-host gateway install${sc.system ? ' --system <user>' : ''} first`);
  return s;
}

export function addServiceCommands(gw: Command, home: HomeOf, fail: Fail): void {
  const run = (fn: (opts: any, cmd: Command) => Promise<void> | void) => async (opts: any, cmd: Command) => {
    try {
      await fn(opts, cmd);
    } catch (e) {
      if (!(e instanceof ServiceError)) fail(e);
      process.stderr.write(`hermes-host: ${e.message}\n`);
      process.exit(e.exitCode);
    }
  };

  gw.command('install')
    .description('install, enable and start a systemd user unit (or --system for a dedicated user)')
    .option('--system [user]', 'write a system unit that runs as this user (default hermes); needs root')
    .option('--print', 'print the unit instead of installing it')
    .action(
      run(async (opts, cmd: Command) => {
        const systemUser = opts.system === true ? 'hermes' : (opts.system as string | undefined);
        if (systemUser && !opts.print) requireRoot(`gateway install --system ${systemUser}`);
        // --print shows the unit for a user that may not exist yet (then with the home the command line names).
        const account = systemUser ? (opts.print ? tryLookupUser(systemUser) : lookupUser(systemUser)) : undefined;
        const h = account ? systemHome(cmd, home, account) : home(cmd);
        // Refuse to install a service whose config cannot load: it would only exit 2 and stay down.
        const drain = loadConfig(homePaths(h).config).config.gateway.drain_timeout;
        const o: UnitOptions = {
          nodePath: process.execPath,
          entry: process.argv[1],
          hermesHome: h,
          drainTimeoutS: drain,
          path: servicePath(process.execPath, process.env.PATH),
          ...(systemUser ? { system: { user: systemUser } } : {}),
        };
        if (opts.print) return void process.stdout.write(unitText(o));
        const sc = Systemctl.open(!!systemUser);
        const unit = unitName(h);
        // Another host (by hand, or an editor's) owning this home would make every start fail "already owned".
        const owner = currentOwner(h);
        const before = sc.state(unit);
        if (owner && owner.pid !== before.mainPid)
          throw new ServiceError(`HERMES_HOME ${h} is owned by ${describeOwner(owner)}; stop it first, then install the service (it runs the gateway itself)`);
        if (account) prepareSystemHome(o, account);
        const path = unitPath(!!systemUser, unit, sc.managerEnv());
        const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
        if (old && !old.startsWith(UNIT_MARKER))
          process.stdout.write(`replacing ${path}, which hermes-host did not write (it ran: ${/^ExecStart=(.*)$/m.exec(old)?.[1] ?? '?'})\n`);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, unitText(o), { mode: 0o644 });
        sc.run('daemon-reload');
        sc.run('enable', unit);
        // restart, not start: an already running service picks up the new unit and build.
        sc.run('restart', unit);
        await reportStart(sc, unit, h, `installed ${path}, enabled and started ${unit}`);
        const user = userInfo().username;
        if (!account && !lingers(user))
          process.stdout.write(`note: without lingering the service stops when your last login session ends: sudo loginctl enable-linger ${user}\n`);
      }),
    );

  gw.command('uninstall')
    .description('stop, disable and remove the systemd unit')
    .option('--system', 'the system unit')
    .action(
      run((opts, cmd: Command) => {
        if (opts.system) requireRoot('gateway uninstall --system');
        const sc = Systemctl.open(!!opts.system);
        const unit = unitName(home(cmd));
        const s = requireInstalled(sc, unit);
        const path = s.fragment || unitPath(!!opts.system, unit, sc.managerEnv());
        // Someone else's unit of that name (the Python Hermes writes one) is theirs to remove.
        if (existsSync(path) && !readFileSync(path, 'utf8').startsWith(UNIT_MARKER))
          throw new ServiceError(`${path} was not written by hermes-host; left as it is (systemctl ${sc.system ? '' : '--user '}disable --now ${unit} stops it)`);
        sc.run('disable', '--now', unit);
        try {
          sc.run('reset-failed', unit); // forget a failed state, so the unit does not linger in `systemctl --failed`
        } catch {
          // it was not failed
        }
        rmSync(path, { force: true });
        sc.run('daemon-reload');
        process.stdout.write(`stopped, disabled and removed ${path}\n`);
      }),
    );

  for (const action of ['start', 'stop', 'restart'] as const)
    gw.command(action)
      .description(`${action} the installed systemd unit`)
      .option('--system', 'the system unit')
      .action(
        run(async (opts, cmd: Command) => {
          if (opts.system) requireRoot(`gateway ${action} --system`);
          const sc = Systemctl.open(!!opts.system);
          const h = home(cmd);
          const unit = unitName(h);
          const served = servedHome(requireInstalled(sc, unit), h);
          // A config that cannot load would exit 2 and stay down: say why now, with file, line and key.
          if (action !== 'stop') loadConfig(homePaths(served).config);
          sc.run(action, unit);
          if (action === 'stop') {
            const s = sc.state(unit);
            process.stdout.write(`stopped ${unit}\n${describeState(unit, s, { journal: sc.journalCommand(unit) })}\n`);
            return;
          }
          await reportStart(sc, unit, served, `${action === 'start' ? 'started' : 'restarted'} ${unit}`);
        }),
      );
}

/**
 * The systemd lines of `gateway status`: the state of this home's unit (user and system, whichever is installed), and
 * the home it serves. Silent where systemd is absent or nothing is installed.
 */
export function serviceStatus(hermesHome: string, opts: { system?: boolean }): { lines: string[]; servedHome?: string; installed: boolean } {
  const lines: string[] = [];
  let servedHomeOf: string | undefined;
  let installed = false;
  const unit = unitName(hermesHome);
  for (const system of opts.system ? [true] : [false, true]) {
    let sc: Systemctl;
    try {
      sc = Systemctl.open(system);
    } catch (e) {
      // No user manager (or no systemd at all): only worth a line when asked about systemd explicitly.
      if (opts.system && e instanceof ServiceError) lines.push(e.message);
      continue;
    }
    let s: UnitState;
    try {
      s = sc.state(unit);
    } catch {
      continue;
    }
    if (s.load === 'not-found' && !opts.system) continue;
    installed ||= s.load !== 'not-found';
    lines.push(`systemd (${system ? 'system' : 'user'}): ${describeState(unit, s, { journal: sc.journalCommand(unit) })}`);
    // The home to ask is the one of the unit in question: yours, or with --system the dedicated user's.
    if (s.environment.HERMES_HOME && system === !!opts.system) servedHomeOf = s.environment.HERMES_HOME;
    // Why it is down, from its own log (a bad config.yaml names file, line and key there).
    if (s.active === 'failed' || s.sub === 'auto-restart') for (const l of sc.journal(unit, 5)) lines.push(`  | ${l}`);
  }
  return { lines, servedHome: servedHomeOf, installed };
}
