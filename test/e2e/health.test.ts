// `hermes-host health` (the image's HEALTHCHECK) against real hosts: healthy only when the owner completes a JSON-RPC
// exchange on its socket, not merely when something listens there.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { runCli, tempHome, writeTestConfig } from '../support/host-process';

const env = useE2E();

async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hermes-host health', () => {
  it('is healthy while a --listen host answers, and unhealthy once it is gone', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const host = env.start({ home, args: ['--listen'] });
    await until(() => existsSync(join(home, 'host.sock')), 'the socket');
    const ok = await runCli(['health'], { HERMES_HOME: home });
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/^healthy: host \S+ answers \(no gateway\)\n$/) });
    const json = JSON.parse((await runCli(['health', '--json'], { HERMES_HOME: home })).stdout);
    expect(json).toMatchObject({ healthy: true, gateway: { running: false, platforms: [] } });

    await host.kill('SIGTERM');
    const gone = await runCli(['health'], { HERMES_HOME: home });
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/^unhealthy: cannot attach to the host at .*host\.sock/);
  });

  it('a socket that accepts connections but never answers is unhealthy within --timeout', async () => {
    const home = tempHome();
    mkdirSync(home, { recursive: true });
    const mute: Server = createServer(() => {
      // accepts, reads nothing back: a host whose event loop is stuck looks like this from outside
    });
    await new Promise<void>((r) => mute.listen(join(home, 'host.sock'), r));
    try {
      const r = await runCli(['health', '--timeout', '700'], { HERMES_HOME: home });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('unhealthy: the host did not answer within 700 ms\n');
    } finally {
      mute.close();
    }
  });

  it('refuses a timeout that is not a number', async () => {
    const r = await runCli(['health', '--timeout', 'soon'], { HERMES_HOME: tempHome() });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--timeout: "soon" is not a positive number of milliseconds');
  });
});
