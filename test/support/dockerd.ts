// A throwaway Docker engine for integration tests and benchmarks: Debian's dockerd with its own data root, exec root,
// pid file and unix socket in a temp dir, no iptables and no bridge (containers get `--network none` anyway).
// If dockerd cannot start, `startDockerd` throws with the reason and the daemon's log (tests must not skip silently).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { descendants, killQuietly, waitGone } from './proc';

export interface Dockerd {
  /** Path of the engine's unix socket. */
  socketPath: string;
  docker: Docker;
  dir: string;
  stop(): Promise<void>;
}

function findDockerd(): string {
  for (const p of ['/usr/sbin/dockerd', '/usr/bin/dockerd']) if (existsSync(p)) return p;
  throw new Error('dockerd not found: install docker.io (apt-get install -y docker.io)');
}

/** `dataRoot`: keep images and build cache in this folder across runs (one engine at a time may use it). */
export async function startDockerd(opts: { dataRoot?: string } = {}): Promise<Dockerd> {
  const bin = findDockerd();
  // Unix socket paths are limited to 108 bytes and containerd nests sockets under the exec root: keep it short.
  mkdirSync('/tmp/hd', { recursive: true });
  const dir = mkdtempSync('/tmp/hd/d');
  const dataRoot = opts.dataRoot ?? join(dir, 'data');
  const execRoot = join(dir, 'x');
  mkdirSync(dataRoot, { recursive: true });
  mkdirSync(execRoot);
  const socketPath = join(dir, 'docker.sock');
  const args = [
    '--iptables=false',
    '--ip-masq=false',
    '--bridge=none',
    '--storage-driver=overlay2',
    `--data-root=${dataRoot}`,
    `--exec-root=${execRoot}`,
    `--pidfile=${join(dir, 'dockerd.pid')}`,
    `-H`,
    `unix://${socketPath}`,
  ];
  let log = '';
  const proc: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const docker = new Docker({ socketPath });

  const stop = async () => {
    const pid = proc.pid;
    if (pid && proc.exitCode === null && proc.signalCode === null) {
      const kids = descendants(pid);
      killQuietly(pid, 'SIGTERM');
      if (!(await waitGone(pid, 20_000))) killQuietly(pid, 'SIGKILL');
      await waitGone(pid, 5000);
      // containerd and shims normally leave with dockerd; end any that did not, by pid.
      for (const k of kids) killQuietly(k, 'SIGKILL');
    }
    // dockerd leaves an nsfs mount behind; deleting the directory under it would fail.
    for (const m of [join(execRoot, 'netns', 'default')]) {
      try {
        execFileSync('umount', [m], { stdio: 'ignore' });
      } catch {
        // not mounted
      }
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a leftover mount in the temp dir must not fail a test teardown
    }
  };

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) break;
    try {
      if (existsSync(socketPath)) {
        await docker.ping();
        return { socketPath, docker, dir, stop };
      }
    } catch {
      // not ready yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`dockerd did not become ready (exit ${proc.exitCode ?? proc.signalCode ?? 'none'}):\n${log.slice(-4000)}`);
}
