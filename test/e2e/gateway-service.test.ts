// `hermes-host gateway install …` on a machine without systemd, and the unit it would write.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome, HOST_ENTRY } from '../support/host-process';

describe('gateway service', () => {
  it('--print shows a user unit that restarts on failure but not on bad config', async () => {
    const home = tempHome();
    const r = await runCli(['gateway', 'install', '--print', '--home', home], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ExecStart=${process.execPath} ${HOST_ENTRY} --gateway --home ${home}`);
    expect(r.stdout).toContain('Restart=on-failure');
    expect(r.stdout).toContain('RestartPreventExitStatus=2');
    expect(r.stdout).toContain('TimeoutStopSec=45');
    expect(r.stdout).toContain('WantedBy=default.target');
    expect(r.stdout).not.toContain('User=');
  });

  it('--system writes a unit for a dedicated user', async () => {
    const r = await runCli(['gateway', 'install', '--print', '--system', 'hermesbot', '--home', tempHome()], {});
    expect(r.stdout).toContain('User=hermesbot');
    expect(r.stdout).toContain('WantedBy=multi-user.target');
  });

  it.skipIf(existsSync('/run/systemd/system'))('without systemd, install and start say so clearly and exit 4', async () => {
    const home = tempHome();
    for (const args of [['gateway', 'install'], ['gateway', 'start']]) {
      const r = await runCli([...args, '--home', home], {});
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/systemd is not running on this machine.*hermes-host --gateway/s);
    }
  });

  it('`gateway status` without a running host says so (exit 3) and shows what the database holds', async () => {
    const home = tempHome();
    const r = await runCli(['pairing', 'list'], { HERMES_HOME: home }); // creates the database
    expect(r.code).toBe(0);
    const st = await runCli(['gateway', 'status', '--home', home], {});
    expect(st.code).toBe(3);
    expect(st.stderr).toMatch(/no host is listening on .*host\.sock.*hermes-host --gateway/);
    expect(st.stdout).toContain('outbox: 0 pending, 0 failed, 0 unknown');
  });

  it('a bad config.yaml exits 2, the code the unit does not restart on', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const home = tempHome();
    writeFileSync(join(home, 'config.yaml'), 'gateway:\n  busy_mode: sometimes\n');
    const r = await runCli(['--gateway', '--home', home], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config\.yaml.*busy_mode/s);
  });
});
