// `hermes-host health` (the image's HEALTHCHECK) against real hosts: healthy only when the owner completes a JSON-RPC
// exchange on its socket, not merely when something listens there.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { HOST_ENTRY, runCli, tempHome, writeTestConfig } from '../support/host-process';

const env = useE2E();

async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** dist/server/health.js, the HEALTHCHECK's entry point. */
function probe(args: string[], home: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(dirname(HOST_ENTRY), 'health.js'), ...args], { env: { ...process.env, HERMES_HOME: home } }, (err, stdout) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
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
    // The image's HEALTHCHECK runs the same check from its own small bundle.
    expect(await probe([], home)).toEqual({ code: 0, stdout: ok.stdout });

    await host.kill('SIGTERM');
    const gone = await runCli(['health'], { HERMES_HOME: home });
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/^unhealthy: cannot attach to the host at .*host\.sock/);
    expect(await probe([], home)).toEqual({ code: 1, stdout: gone.stdout });
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
      expect(await probe(['--timeout', '700'], home)).toEqual({ code: 1, stdout: r.stdout });
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
