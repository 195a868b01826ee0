// The Docker backend against a real engine (a throwaway dockerd) and an image made with `docker import` from
// busybox: the shared contract, the hardening checked from inside the container, container reuse and errors.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerSandbox } from '../../../server/sandbox/docker';
import { assertSafeBinds, planContainer } from '../../../server/sandbox/docker-container';
import { createSandboxManager } from '../../../server/sandbox/manager';
import { defaultConfig, type HermesConfig } from '../../../server/config/schema';
import { silentLogger } from '../../../server/util/log';
import { startDockerd, type Dockerd } from '../../support/dockerd';
import { importBusyboxImage } from '../../support/busybox-image';
import { contractSuite } from './contract';

const T = { timeoutMs: 15_000 };
let dockerd: Dockerd | undefined;
let image = '';
let starting: Promise<void> | undefined;
const hermesHome = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-docker-home-')));

/** One engine for the whole file; a failure to start it fails the tests with the reason. */
function engine(): Promise<void> {
  starting ??= (async () => {
    dockerd = await startDockerd();
    image = await importBusyboxImage(dockerd.socketPath);
  })();
  return starting;
}

function terminal(over: Partial<HermesConfig['terminal']> = {}): HermesConfig['terminal'] {
  return { ...defaultConfig().terminal, docker_socket: dockerd!.socketPath, docker_image: image, ...over };
}

afterAll(async () => {
  await dockerd?.stop();
  rmSync(hermesHome, { recursive: true, force: true });
});

contractSuite('docker', async () => {
  await engine();
  return {
    kind: 'docker',
    scratch: '/workspace/scratch',
    make: () => DockerSandbox.create({ terminal: terminal(), hermesHome, scopeId: 'contract', log: silentLogger }),
  };
});

describe('docker hardening, verified from inside the container', () => {
  let sb: DockerSandbox;
  beforeAll(async () => {
    await engine();
    sb = await DockerSandbox.create({ terminal: terminal({ container_memory: 256 }), hermesHome, scopeId: 'hardening', log: silentLogger });
  });
  afterAll(async () => sb?.close());

  const run = async (cmd: string) => (await sb.exec(cmd, T)).output.trim();

  test('runs as a non-root user with no capabilities and no-new-privileges', async () => {
    expect(await run('id -u')).toBe('1000');
    const status = await run('grep -E "^(CapEff|CapPrm|NoNewPrivs):" /proc/self/status');
    expect(status).toMatch(/CapEff:\s+0000000000000000/);
    expect(status).toMatch(/CapPrm:\s+0000000000000000/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
  });

  test('the root filesystem is read-only; /workspace, /tmp and /home are writable', async () => {
    const r = await sb.exec('touch /hermes-probe', T);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/Read-only file system/);
    const w = await sb.exec('touch /workspace/w /tmp/t /home/h && echo writable', T);
    expect(w.output).toBe('writable\n');
    await expect(sb.writeFile('/etc/hermes-probe', 'x')).rejects.toBeTruthy();
    await sb.writeFile('/tmp/viafs.txt', 'tmpfs ok');
    expect((await sb.readFile('/tmp/viafs.txt')).toString()).toBe('tmpfs ok');
  });

  test('no network but loopback', async () => {
    expect((await run('ls /sys/class/net')).split(/\s+/)).toEqual(['lo']);
  });

  test('pids and memory limits are set', async () => {
    const pids = await run('cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max');
    expect(pids).toBe('256');
    const mem = await run('cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max');
    expect(Number(mem)).toBe(256 * 1024 * 1024);
  });

  test('neither the Docker socket nor the host ~/.ssh nor HERMES_HOME is mounted', async () => {
    const mounts = await run('cat /proc/mounts');
    expect(mounts).not.toMatch(/docker\.sock/);
    expect(mounts).not.toMatch(/\.ssh/);
    const lines = mounts.split('\n').filter((l) => l.split(' ')[1] === '/workspace');
    expect(lines).toHaveLength(1);
    expect((await sb.exec('ls /var/run/docker.sock /run/docker.sock', T)).exitCode).not.toBe(0);
    expect((await sb.exec(`ls -a '${homedir()}/.ssh'`, T)).exitCode).not.toBe(0);
  });

  test('the workspace is the host folder HERMES_HOME/sandboxes/<scope>, owned for the container user', async () => {
    await sb.writeFile('/workspace/from-container.txt', 'hi host');
    const host = join(hermesHome, 'sandboxes', 'hardening', 'from-container.txt');
    expect(readFileSync(host, 'utf8')).toBe('hi host');
    expect(statSync(host).uid).toBe(1000);
  });

  test('the container is labelled and reused by the next sandbox of the same scope', async () => {
    const c = dockerd!.docker.getContainer('hermes-hardening');
    const info = await c.inspect();
    expect(info.Config.Labels['hermes-host']).toBe('1');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    const again = await DockerSandbox.create({ terminal: terminal({ container_memory: 256 }), hermesHome, scopeId: 'hardening', log: silentLogger });
    try {
      expect((await c.inspect()).Id).toBe(info.Id);
      expect((await again.exec('cat /workspace/from-container.txt', T)).output).toBe('hi host');
    } finally {
      await again.close();
    }
    // The first sandbox still holds the container: it keeps running.
    expect((await c.inspect()).State.Running).toBe(true);
  });
});

describe('docker container lifecycle and errors', () => {
  beforeAll(engine);

  test('a changed configuration re-creates the container; closing the last user stops it', async () => {
    const a = await DockerSandbox.create({ terminal: terminal(), hermesHome, scopeId: 'life', log: silentLogger });
    const id1 = (await dockerd!.docker.getContainer('hermes-life').inspect()).Id;
    await a.close();
    expect((await dockerd!.docker.getContainer('hermes-life').inspect()).State.Running).toBe(false);
    const b = await DockerSandbox.create({ terminal: terminal({ docker_pids_limit: 128 }), hermesHome, scopeId: 'life', log: silentLogger });
    try {
      const info = await dockerd!.docker.getContainer('hermes-life').inspect();
      expect(info.Id).not.toBe(id1);
      expect((await b.exec('cat /sys/fs/cgroup/pids/pids.max', T)).output).toBe('128\n');
    } finally {
      await b.close();
    }
  });

  test('a missing image fails with a clear message', async () => {
    await expect(
      DockerSandbox.create({ terminal: terminal({ docker_image: 'no-such/image:1' }), hermesHome, scopeId: 'noimg', log: silentLogger }),
    ).rejects.toThrow('docker image no-such/image:1 not present; pull it or set terminal.docker_image');
  });

  test('a same-named container not made by hermes-host is left alone', async () => {
    await dockerd!.docker.createContainer({ name: 'hermes-foreign', Image: image, Cmd: ['true'] });
    await expect(
      DockerSandbox.create({ terminal: terminal(), hermesHome, scopeId: 'foreign', log: silentLogger }),
    ).rejects.toThrow(/not created by hermes-host/);
  });

  test('manager: docker_scope host shares one container between threads; check() reports engine and image', async () => {
    const cfg = defaultConfig();
    cfg.terminal = terminal({ backend: 'docker', docker_scope: 'host' });
    const mgr = createSandboxManager({ config: cfg, hermesHome, log: silentLogger });
    try {
      const a = await mgr.get('thread-a', '/workspace');
      const b = await mgr.get('thread-b', '/workspace');
      expect(a).not.toBe(b);
      await a.exec('echo shared > /workspace/shared.txt', T);
      expect((await b.exec('cat /workspace/shared.txt', T)).output).toBe('shared\n');
      await a.exec('export ONLY_A=1', T);
      expect((await b.exec('echo "${ONLY_A:-separate shells}"', T)).output).toBe('separate shells\n');
      expect(a.description).toContain('hermes-host');
      const ok = await mgr.check();
      expect(ok.ok).toBe(true);
      expect(ok.message).toContain(image);
      cfg.terminal.docker_image = 'missing/image:0';
      expect(await mgr.check()).toEqual({ ok: false, message: expect.stringContaining('missing/image:0 not present') });
    } finally {
      await mgr.closeAll();
    }
  });
});

describe('bind safety', () => {
  test('refuses the Docker socket, ~/.ssh, HERMES_HOME and /', () => {
    const o = { hermesHome: '/srv/hh', socketPath: '/run/x/docker.sock', userHome: '/home/u' };
    expect(() => assertSafeBinds(['/:/host'], o)).toThrow(/mount \//);
    expect(() => assertSafeBinds(['/run/x/docker.sock:/var/run/docker.sock'], o)).toThrow(/docker\.sock/);
    expect(() => assertSafeBinds(['/run/x:/r'], o)).toThrow(/docker\.sock/);
    expect(() => assertSafeBinds(['/home/u:/h'], o)).toThrow(/\.ssh/);
    expect(() => assertSafeBinds(['/home/u/.ssh/keys:/k'], o)).toThrow(/\.ssh/);
    expect(() => assertSafeBinds(['/srv/hh:/w'], o)).toThrow(/hh/);
    expect(() => assertSafeBinds(['/srv/hh/sandboxes/t1:/workspace:rw'], o)).not.toThrow();
  });

  test('the planned container is hardened and mounts only its workspace', () => {
    const p = planContainer({ terminal: defaultConfig().terminal, hermesHome: '/srv/hh', scopeId: 'th/1', socketPath: '/var/run/docker.sock' });
    expect(p.name).toBe('hermes-th_1');
    expect(p.spec.HostConfig).toMatchObject({
      Binds: ['/srv/hh/sandboxes/th_1:/workspace:rw'],
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 256,
      Memory: 2048 * 1024 * 1024,
      NanoCpus: 1e9,
    });
    expect(p.spec.User).toBe('1000:1000');
    expect(existsSync('/srv/hh')).toBe(false);
  });
});
