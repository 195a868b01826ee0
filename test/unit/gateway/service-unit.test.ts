// The unit file's text (quoting that systemd parses back to the same words, per-profile names) and reading systemd's
// answers (Environment=, the state line). What systemd itself does with the unit is test/e2e/gateway-systemd.test.ts.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envAssignment, execArg, servicePath, unitName, unitText } from '../../../server/gateway/service';
import { ServiceError, describeState, parseEnvironment, userManagerEnv, type UnitState } from '../../../server/gateway/systemctl';

const base: UnitState = { load: 'loaded', active: 'active', sub: 'running', mainPid: 7, restarts: 0, exitStatus: 0, exitCode: '', result: 'success', fragment: '', environment: {}, since: 'then' };

describe('unit text', () => {
  it('quotes words systemd would split, and doubles % and $ it would expand', () => {
    expect(execArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(execArg('/home/a b/.hermes')).toBe('"/home/a b/.hermes"');
    expect(execArg('/x/50%/y')).toBe('/x/50%%/y');
    expect(execArg('/x/$HOME')).toBe('/x/$$HOME');
    expect(execArg('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(envAssignment('HERMES_HOME', '/home/a b')).toBe('"HERMES_HOME=/home/a b"');
    expect(envAssignment('HERMES_HOME', '/h/100%')).toBe('HERMES_HOME=/h/100%%');
  });

  it("a profile's home gets a unit of its own, as Hermes names them", () => {
    expect(unitName('/home/a/.hermes')).toBe('hermes-gateway.service');
    expect(unitName('/home/a/.hermes/profiles/work')).toBe('hermes-gateway-work.service');
  });

  it("user units have no network-online.target and no User=; the node binary's folder leads PATH", () => {
    const o = { nodePath: '/opt/node/bin/node', entry: '/opt/h/main.js', hermesHome: '/home/a/.hermes', drainTimeoutS: 30, path: servicePath('/opt/node/bin/node', '/usr/bin:/opt/node/bin:/bin') };
    const user = unitText(o);
    expect(user).not.toMatch(/network-online|User=/);
    expect(user).toContain('Environment=PATH=/opt/node/bin:/usr/bin:/bin\n');
    expect(user).toContain('RestartPreventExitStatus=2');
    const system = unitText({ ...o, system: { user: 'hermes' } });
    expect(system).toContain('User=hermes\n');
    expect(system).not.toContain('Group=');
    expect(system).toContain('Wants=network-online.target');
    expect(system).toContain('PrivateTmp=yes');
    // A host installed under /tmp would be hidden by a private /tmp.
    expect(unitText({ ...o, entry: '/tmp/checkout/dist/server/main.js', system: { user: 'hermes' } })).not.toContain('PrivateTmp');
  });
});

describe("systemd's answers", () => {
  it('reads Environment= as systemctl show prints it', () => {
    expect(parseEnvironment('HERMES_HOME=/h "PATH=/a b:/c" "Q=say \\"hi\\""')).toEqual({ HERMES_HOME: '/h', PATH: '/a b:/c', Q: 'say "hi"' });
  });

  it('says why the unit is down and what to do', () => {
    expect(describeState('u', { ...base, restarts: 2 }, { journal: 'j' })).toBe('u: active (running), pid 7, restarted by systemd 2 times, since then');
    expect(describeState('u', { ...base, active: 'failed', sub: 'failed', mainPid: 0, exitCode: 'exited', exitStatus: 2, result: 'exit-code' }, { journal: 'j' })).toMatch(
      /failed: exited with 2, bad configuration, so systemd does not restart it/,
    );
    expect(describeState('u', { ...base, active: 'activating', sub: 'auto-restart', exitCode: 'killed', exitStatus: 9 }, { journal: 'journalctl -u u' })).toBe(
      'u: killed by signal 9; systemd restarts it shortly (see journalctl -u u)',
    );
    expect(describeState('u', { ...base, active: 'inactive', sub: 'dead' }, { journal: 'j' })).toBe('u: stopped (hermes-host gateway start)');
  });

  it('uses XDG_RUNTIME_DIR when it is ours and the manager listens there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xdg-'));
    mkdirSync(join(dir, 'systemd'));
    const srv = createServer().listen(join(dir, 'systemd', 'private'));
    await once(srv, 'listening');
    try {
      const env = userManagerEnv({ XDG_RUNTIME_DIR: dir, DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/bus` }, process.getuid!(), 'alice');
      expect(env).toMatchObject({ XDG_RUNTIME_DIR: dir, DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/bus` });
    } finally {
      srv.close();
    }
  });

  it('without a manager in XDG_RUNTIME_DIR or /run/user/<uid>, says to enable lingering (exit 4)', () => {
    const uid = process.getuid!();
    const mine = mkdtempSync(join(tmpdir(), 'xdg-'));
    mkdirSync(join(mine, 'systemd'));
    // A directory without the manager's socket: no manager runs there.
    expect(() => userManagerEnv({ XDG_RUNTIME_DIR: mine }, uid, 'alice')).toThrow(ServiceError);
    try {
      userManagerEnv({ XDG_RUNTIME_DIR: mine }, uid + 1, 'alice');
      expect.unreachable();
    } catch (e) {
      expect((e as ServiceError).exitCode).toBe(4);
      expect((e as Error).message).toContain(`/run/user/${uid + 1} does not exist`);
      expect((e as Error).message).toContain('sudo loginctl enable-linger alice');
    }
  });
});
