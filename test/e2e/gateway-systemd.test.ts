// `hermes-host gateway install|start|stop|restart|status|uninstall` against a real systemd: a Debian bookworm
// container with systemd as PID 1 (test/support/systemd-container.ts) on a test dockerd. The CLI runs as users
// without a login session (as after `sudo -u`): no XDG_RUNTIME_DIR, so finding the user manager is the host's job.
// The gateway inside talks to a fake Telegram Bot API on 127.0.0.1 (the container shares the host network), with
// the token from HERMES_HOME/.env, as a Hermes user keeps it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerd, type Dockerd } from '../support/dockerd';
import { FakeTelegram } from '../support/fake-telegram';
import { poll, startSystemdContainer, type SystemdContainer } from '../support/systemd-container';

const UNIT = 'hermes-gateway.service';
const ALICE_HOME = '/home/alice/.hermes';
/** `systemctl --user` as alice, the way a test (not the CLI under test) reaches her manager. */
const aliceCtl = (args: string) => `runuser -u alice -- env XDG_RUNTIME_DIR=/run/user/$(id -u alice) systemctl --user ${args}`;

// Each step runs several CLI commands in the container and waits out systemd's RestartSec: generous per-test bounds.
describe('gateway service under systemd', { timeout: 180_000 }, () => {
  let dockerd: Dockerd;
  let box: SystemdContainer;
  let telegram: FakeTelegram;

  /** systemd's view of a unit: `show` properties as a record. */
  async function show(system: boolean, ...props: string[]): Promise<Record<string, string>> {
    const args = `show ${UNIT} ${props.map((p) => `-p ${p}`).join(' ')}`;
    const out = await box.sh(system ? `systemctl ${args}` : aliceCtl(args));
    return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  const envFile = (token: string, root: string) => `TELEGRAM_BOT_TOKEN=${token}\nTELEGRAM_API_ROOT=${root}\n`;

  beforeAll(async () => {
    dockerd = await startDockerd();
    telegram = await FakeTelegram.start();
    box = await startSystemdContainer(dockerd.docker);
    // alice lingers (her manager runs without a session); bob does not; hermesbot is a dedicated system user.
    await box.sh(
      'useradd -m -s /bin/bash alice && useradd -m -s /bin/bash bob && ' +
        'useradd --system --create-home --home-dir /var/lib/hermesbot --shell /usr/sbin/nologin hermesbot && loginctl enable-linger alice',
    );
    await poll("alice's user manager", async () => ((await box.exec(['test', '-S', '/run/user/1000/systemd/private'])).code === 0 ? true : undefined));
    await box.sh(`mkdir -m 700 ${ALICE_HOME} && umask 077 && printf '${envFile(telegram.token, telegram.apiRoot)}' > ${ALICE_HOME}/.env`, 'alice');
  }, 25 * 60_000);

  afterAll(async () => {
    await box?.remove();
    await dockerd?.stop();
    await telegram?.close();
  }, 60_000);

  it('without lingering there is no user manager: install says how to get one (exit 4) and writes nothing', async () => {
    const r = await box.cli('bob', ['gateway', 'install']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no systemd user manager is running for bob');
    expect(r.stderr).toContain('sudo loginctl enable-linger bob');
    expect(r.stderr).toContain('gateway install --system bob');
    expect((await box.exec(['test', '-e', '/home/bob/.config/systemd/user/hermes-gateway.service'])).code).not.toBe(0);
  });

  it('install writes and enables the user unit; the gateway runs with .env and HERMES_HOME, answers on its socket and on Telegram', async () => {
    // A Hermes (Python) user has its unit of the same name: it is replaced, and the output says what it ran.
    await box.sh(
      `mkdir -p ~/.config/systemd/user && printf '[Service]\\nExecStart=/usr/bin/python3 -m hermes_cli.main gateway run\\n' > ~/.config/systemd/user/${UNIT}`,
      'alice',
    );
    const r = await box.cli('alice', ['gateway', 'install']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`replacing /home/alice/.config/systemd/user/${UNIT}, which hermes-host did not write (it ran: /usr/bin/python3 -m hermes_cli.main gateway run)`);
    expect(r.stdout).toContain(`installed /home/alice/.config/systemd/user/${UNIT}, enabled and started`);
    expect(r.stdout).toMatch(/hermes-gateway\.service: active \(running\), pid \d+/);
    expect(r.stdout).not.toContain('enable-linger'); // alice lingers already
    expect((await box.sh(aliceCtl(`is-enabled ${UNIT}`))).trim()).toBe('enabled');
    const unit = await box.sh(`cat /home/alice/.config/systemd/user/${UNIT}`);
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('RestartPreventExitStatus=2');
    expect(unit).not.toContain('network-online.target'); // no such target in a user manager

    const { MainPID } = await show(false, 'MainPID');
    const environ = (await box.sh(`tr '\\0' '\\n' < /proc/${MainPID}/environ`)).split('\n');
    expect(environ).toContain(`HERMES_HOME=${ALICE_HOME}`);
    expect(environ).toContain('USER=alice');
    // The token came from .env: the gateway polls the fake Bot API with it and answers a stranger with a pairing code.
    telegram.userSends({ userId: 4242, text: 'hello' });
    const reply = await poll('the pairing reply', async () => telegram.sentTo(4242).find((m) => /pairing code is [A-Z2-9]{8}/.test(m.text)));
    expect(reply.text).toContain('pairing code');

    const st = await box.cli('alice', ['gateway', 'status']);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`systemd \\(user\\): ${UNIT}: active \\(running\\), pid ${MainPID}`));
    expect(st.stdout).toMatch(/^telegram: ready/m);
    expect(st.stdout).toMatch(/outbox: \d+ pending/);
  });

  it("the enabled unit starts with alice's manager (as at boot, with lingering)", async () => {
    const before = await show(false, 'MainPID');
    await box.sh('systemctl restart user@1000.service');
    const after = await poll('the gateway under the new manager', async () => {
      const s = await show(false, 'MainPID', 'ActiveState');
      return s.ActiveState === 'active' && s.MainPID !== '0' && s.MainPID !== before.MainPID ? s : undefined;
    });
    expect(Number(after.MainPID)).toBeGreaterThan(0);
  });

  it('kill -9 of the main process: systemd restarts it (Restart=on-failure) and the socket answers again', async () => {
    const before = await show(false, 'MainPID', 'NRestarts');
    await box.sh(`kill -9 ${before.MainPID}`);
    const after = await poll('the restarted gateway', async () => {
      const s = await show(false, 'MainPID', 'NRestarts', 'ActiveState');
      return s.ActiveState === 'active' && s.MainPID !== '0' && s.MainPID !== before.MainPID ? s : undefined;
    });
    expect(Number(after.NRestarts)).toBe(Number(before.NRestarts) + 1);
    // The restarted process owns the home again and serves the socket (status retries are the CLI's own).
    const st = await poll('the socket to answer', async () => {
      const r = await box.cli('alice', ['gateway', 'status']);
      return r.code === 0 ? r : undefined;
    });
    expect(st.stdout).toContain(`pid ${after.MainPID}, restarted by systemd 1 time`);
  });

  it('a broken config.yaml: the gateway exits 2 and systemd does not loop; status and restart say why', async () => {
    await box.sh(`printf 'gateway:\\n  busy_mode: sometimes\\n' > ${ALICE_HOME}/config.yaml`, 'alice');
    const before = await show(false, 'MainPID', 'NRestarts');
    await box.sh(`kill -9 ${before.MainPID}`);
    // systemd restarts after the crash; that start reads the broken file, exits 2, and the unit stays failed
    // (a unit that would be restarted again sits in activating/auto-restart instead).
    const s = await poll('the unit to fail', async () => {
      const x = await show(false, 'ActiveState', 'SubState', 'ExecMainStatus', 'ExecMainCode', 'Result', 'NRestarts');
      return x.ActiveState === 'failed' ? x : undefined;
    });
    expect(s).toMatchObject({ SubState: 'failed', ExecMainStatus: '2', Result: 'exit-code' });
    expect(Number(s.NRestarts)).toBe(Number(before.NRestarts) + 1);

    const st = await box.cli('alice', ['gateway', 'status']);
    expect(st.code).toBe(3);
    expect(st.stdout).toContain(`${UNIT}: failed: exited with 2, bad configuration, so systemd does not restart it`);
    expect(st.stdout).toMatch(/config\.yaml:2: gateway\.busy_mode/); // the unit's own log line
    expect(st.stderr).toContain('start one with: hermes-host gateway start');

    const r = await box.cli('alice', ['gateway', 'restart']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config\.yaml:2: gateway\.busy_mode/);
    // Refused before systemd was asked: the unit has not been started again.
    expect(await show(false, 'ActiveState', 'NRestarts')).toEqual({ ActiveState: 'failed', NRestarts: s.NRestarts });
  });

  it('start, stop and restart do what they say (also with a foreign XDG_RUNTIME_DIR, as after su)', async () => {
    await box.sh(`rm ${ALICE_HOME}/config.yaml`, 'alice');
    const started = await box.cli('alice', ['gateway', 'start']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/started hermes-gateway\.service\nhermes-gateway\.service: active \(running\), pid \d+/);
    const { MainPID } = await show(false, 'MainPID');

    const stopped = await box.cli('alice', ['gateway', 'stop'], { XDG_RUNTIME_DIR: '/run/user/0', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus' });
    expect(stopped.stderr).toBe('');
    expect(stopped.stdout).toContain(`${UNIT}: stopped`);
    // SIGTERM drained and exited 0 within TimeoutStopSec: not killed, not failed.
    expect(await show(false, 'ActiveState', 'MainPID', 'Result')).toEqual({ ActiveState: 'inactive', MainPID: '0', Result: 'success' });
    expect((await box.exec(['kill', '-0', MainPID])).code).not.toBe(0);
    const st = await box.cli('alice', ['gateway', 'status']);
    expect(st.code).toBe(3);
    expect(st.stdout).toContain(`${UNIT}: stopped`);

    const restarted = await box.cli('alice', ['gateway', 'restart']);
    expect(restarted.code).toBe(0);
    const again = await show(false, 'ActiveState', 'MainPID');
    expect(again.ActiveState).toBe('active');
    expect(again.MainPID).not.toBe(MainPID);
    expect(restarted.stdout).toContain(`pid ${again.MainPID}`);
  });

  it('uninstall stops, disables and removes the unit', async () => {
    const { MainPID } = await show(false, 'MainPID');
    expect(Number(MainPID)).toBeGreaterThan(0);
    const r = await box.cli('alice', ['gateway', 'uninstall']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed /home/alice/.config/systemd/user/${UNIT}`);
    expect((await box.exec(['test', '-e', `/home/alice/.config/systemd/user/${UNIT}`])).code).not.toBe(0);
    expect((await show(false, 'LoadState')).LoadState).toBe('not-found');
    expect((await box.exec(['kill', '-0', MainPID])).code).not.toBe(0);
    const again = await box.cli('alice', ['gateway', 'start']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${UNIT} is not installed for this user; run hermes-host gateway install first`);
  });

  it('install --system as root runs the gateway as the dedicated user, in that user\'s HERMES_HOME', async () => {
    const home = '/var/lib/hermesbot/.hermes';
    const notRoot = await box.cli('alice', ['gateway', 'install', '--system', 'hermesbot']);
    expect(notRoot.code).toBe(1);
    expect(notRoot.stderr).toContain('needs root: sudo hermes-host gateway install --system hermesbot');

    // Its .env (the same bot: alice's gateway is gone) is the dedicated user's, in the home the unit serves.
    await box.sh(`mkdir -m 700 ${home} && umask 077 && printf '${envFile(telegram.token, telegram.apiRoot)}' > ${home}/.env`, 'hermesbot');
    const r = await box.cli('root', ['gateway', 'install', '--system', 'hermesbot']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`installed /etc/systemd/system/${UNIT}, enabled and started`);
    const s = await show(true, 'MainPID', 'ActiveState', 'UnitFileState');
    expect(s).toMatchObject({ ActiveState: 'active', UnitFileState: 'enabled' });
    const uid = (await box.sh('id -u hermesbot')).trim();
    expect(await box.sh(`awk '/^Uid:/ {print $2}' /proc/${s.MainPID}/status`)).toBe(`${uid}\n`);
    // The database is the dedicated user's (created by the service, not by root).
    expect((await box.sh(`stat -c %U ${home}/hermes-host.db`)).trim()).toBe('hermesbot');

    const st = await box.cli('root', ['gateway', 'status', '--system']);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`systemd \\(system\\): ${UNIT}: active \\(running\\), pid ${s.MainPID}`));
    expect(st.stdout).toMatch(/^telegram: ready/m);

    const u = await box.cli('root', ['gateway', 'uninstall', '--system']);
    expect(u.code).toBe(0);
    expect((await show(true, 'LoadState')).LoadState).toBe('not-found');
  });
});
