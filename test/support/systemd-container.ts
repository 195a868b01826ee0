// A Debian bookworm container with systemd as PID 1 (the rootfs from scripts/systemd-rootfs.sh, cached under
// .cache/systemd-rootfs), on a test dockerd, for driving `hermes-host gateway install|start|…` against a real
// systemd. The built host, its node_modules and this Node are bind-mounted read-only (Debian 12 on both sides), at
// the same paths, so the unit's ExecStart names what runs.
//
// Container settings, and why: --privileged would add every capability, and runc fails ("unable to apply caps:
// operation not permitted") where the engine's own bounding set lacks one (CAP_SYS_RESOURCE on this CI's VMs), so
// it is CAP_SYS_ADMIN (systemd mounts, cgroups) with seccomp and AppArmor unconfined. /sys/fs/cgroup is bound
// read-write with the host's cgroup namespace, so systemd finds its own cgroup (/docker/<id>) in that tree, on
// cgroup v1 (hybrid) and v2 alike. /run and /run/lock are tmpfs, as systemd expects. The host network lets the
// gateway inside reach fake platform servers on 127.0.0.1.
import { execFile } from 'node:child_process';
import { chmodSync, createReadStream, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export const REPO = resolve(__dirname, '../..');
/** Where the test's Node sits in the container (a fixed place any user may run it from). */
export const CONTAINER_NODE = '/usr/local/bin/node';
export const CONTAINER_ENTRY = resolve(REPO, 'dist/server/main.js');

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SystemdContainer {
  id: string;
  /** Runs a command in the container (as root unless `user`), with only the environment given (like sudo -u). */
  exec(cmd: string[], opts?: { user?: string; env?: Record<string, string> }): Promise<ExecResult>;
  /** `sh -c script`, failing the test on a non-zero exit. */
  sh(script: string, user?: string): Promise<string>;
  /** `hermes-host …` as `user`. */
  cli(user: string, args: string[], env?: Record<string, string>): Promise<ExecResult>;
  remove(): Promise<void>;
}

/** The rootfs tarball: built by scripts/systemd-rootfs.sh the first time (a few minutes), then reused. */
export function systemdRootfs(): Promise<string> {
  return new Promise((res, rej) =>
    execFile('bash', [resolve(REPO, 'scripts/systemd-rootfs.sh')], { maxBuffer: 64 << 20, timeout: 20 * 60_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`scripts/systemd-rootfs.sh failed: ${err.message}\n${stderr.slice(-4000)}`));
      else res(stdout.trim().split('\n').at(-1)!);
    }),
  );
}

async function importImage(docker: Docker, tarball: string): Promise<string> {
  const tag = `hermes-test/systemd:${basename(tarball).replace(/^rootfs-|\.tar$/g, '')}`;
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    // not imported into this engine yet
  }
  const [repo, version] = tag.split(':');
  const progress = await docker.importImage(createReadStream(tarball) as unknown as NodeJS.ReadableStream, { repo, tag: version });
  await new Promise<void>((ok, fail) =>
    docker.modem.followProgress(progress, (err: Error | null, out: { error?: string }[]) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) fail(err ?? new Error(failed!.error));
      else ok();
    }),
  );
  return tag;
}

async function run(docker: Docker, id: string, cmd: string[], user = 'root', env: Record<string, string> = {}): Promise<ExecResult> {
  const ex = await docker.getContainer(id).exec({
    Cmd: cmd,
    User: user,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await ex.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((ok) => stream.on('end', () => ok()));
  const info = await ex.inspect();
  return { code: info.ExitCode ?? -1, stdout, stderr };
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startSystemdContainer(docker: Docker): Promise<SystemdContainer> {
  const image = await importImage(docker, await systemdRootfs());
  const modules = realpathSync(resolve(REPO, 'node_modules'));
  // The host runs as other users in the container, through read-only binds whose modes come from this machine: a
  // checkout in a 0700 folder (mktemp -d, a umask of 077) cannot be reached by them, and every test would fail with a
  // missing module. Search permission (o+x, not read) on the checkout's own folder and node_modules is enough.
  for (const p of [REPO, modules]) {
    const mode = statSync(p).mode & 0o777;
    if (!(mode & 0o001)) chmodSync(p, mode | 0o001);
  }
  const binds = [`${REPO}:${REPO}:ro`, `${process.execPath}:${CONTAINER_NODE}:ro`];
  // A worktree's node_modules may be a link to another checkout's: that folder must be there too.
  if (!modules.startsWith(REPO + '/')) binds.push(`${modules}:${modules}:ro`);
  const cgroupV2 = await new Promise<boolean>((ok) => execFile('test', ['-e', '/sys/fs/cgroup/cgroup.controllers'], (e) => ok(!e)));
  // CgroupnsMode (engine API 1.41) is missing from dockerode's types.
  const hostConfig: Docker.HostConfig & { CgroupnsMode: 'host' | 'private' } = {
    CapAdd: ['SYS_ADMIN'],
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    NetworkMode: 'host',
    CgroupnsMode: 'host',
    Tmpfs: { '/run': 'rw,nosuid,nodev,mode=755', '/run/lock': 'rw,nosuid,nodev,noexec' },
    Binds: [...binds, '/sys/fs/cgroup:/sys/fs/cgroup:rw'],
  };
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['/sbin/init'],
    // systemd as PID 1 halts on SIGRTMIN+3 (SIGTERM would make it re-execute itself).
    StopSignal: 'SIGRTMIN+3',
    Env: ['container=docker'],
    HostConfig: hostConfig,
  });
  const id = container.id;
  const remove = async () => {
    await container.remove({ force: true, v: true }).catch(() => {});
  };
  try {
    await container.start();
    // `is-system-running --wait` fails with "Failed to connect to bus" until systemd has its socket up.
    const state = await poll('systemd to boot in the container', async () => {
      const r = await run(docker, id, ['systemctl', 'is-system-running', '--wait']);
      const s = r.stdout.trim();
      return s === 'running' || s === 'degraded' ? s : undefined;
    });
    if (state === 'degraded') {
      const failed = await run(docker, id, ['systemctl', '--failed', '--no-pager']);
      throw new Error(`systemd booted degraded (cgroup ${cgroupV2 ? 'v2' : 'v1'}):\n${failed.stdout}`);
    }
    // Users must reach the bind-mounted host and node: open the folders above them (the rootfs's /root is 0700).
    const ancestors = new Set<string>();
    for (const p of [REPO, modules]) for (let d = dirname(p); d !== '/'; d = dirname(d)) ancestors.add(d);
    if (ancestors.size) await run(docker, id, ['chmod', 'o+x', ...ancestors]);
  } catch (e) {
    await remove();
    throw e;
  }
  const exec: SystemdContainer['exec'] = (cmd, opts = {}) => run(docker, id, cmd, opts.user ?? 'root', opts.env);
  return {
    id,
    exec,
    async sh(script, user) {
      const r = await exec(['sh', '-c', script], { user });
      if (r.code !== 0) throw new Error(`sh -c ${JSON.stringify(script)} as ${user ?? 'root'} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    cli: (user, args, env) => exec([CONTAINER_NODE, CONTAINER_ENTRY, ...args], { user, env }),
    remove,
  };
}

export { poll };
