// The hardened, persistent container behind the Docker backend: one per thread (or one per host), named
// `hermes-<scope>`, labelled `hermes-host=1`, reused while its configuration is unchanged (a label holds a hash of
// it), with the scope's workspace folder bound at /workspace. Nothing else from the host is mounted, and
// `assertSafeBinds` refuses, in code, any bind that would expose the Docker socket, ~/.ssh, HERMES_HOME or /.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type Docker from 'dockerode';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';

type TerminalConfig = HermesConfig['terminal'];

export const WORKSPACE = '/workspace';
export const CONTAINER_HOME = '/home';
const LABEL = 'hermes-host';
const CONFIG_LABEL = 'hermes-host.config';

/** The engine's unix socket: `terminal.docker_socket`, else DOCKER_HOST (unix:// only), else /var/run/docker.sock. */
export function dockerSocketPath(cfg: TerminalConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (cfg.docker_socket) return cfg.docker_socket.replace(/^unix:\/\//, '');
  const h = env.DOCKER_HOST;
  if (h && h.startsWith('unix://')) return h.slice('unix://'.length);
  if (h) throw new Error(`DOCKER_HOST=${h} is not a unix socket; set terminal.docker_socket to the engine's socket path`);
  return '/var/run/docker.sock';
}

/** Container names allow [a-zA-Z0-9_.-]; thread ids may not. */
export function scopeName(scopeId: string): string {
  const clean = scopeId.replace(/[^a-zA-Z0-9_.-]/g, '_').replace(/^[^a-zA-Z0-9]+/, '');
  return clean.slice(0, 100) || 'default';
}

function realish(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

const within = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/**
 * Throws unless every bind source is harmless: not `/`, and neither equal to nor a parent of the Docker socket,
 * ~/.ssh or HERMES_HOME, nor inside ~/.ssh.
 */
export function assertSafeBinds(binds: string[], o: { hermesHome: string; socketPath: string; userHome?: string }): void {
  const home = o.userHome ?? homedir();
  const sensitive = [
    o.socketPath,
    '/var/run/docker.sock',
    '/run/docker.sock',
    join(home, '.ssh'),
    o.hermesHome,
    join(o.hermesHome, '.env'),
  ].map(realish);
  for (const bind of binds) {
    const source = realish(bind.split(':')[0]!);
    if (source === '/') throw new Error(`refusing to mount / into the sandbox (bind ${bind})`);
    for (const s of sensitive) {
      if (within(s, source)) throw new Error(`refusing to mount ${source} into the sandbox: it exposes ${s}`);
    }
    if (within(source, realish(join(home, '.ssh')))) throw new Error(`refusing to mount ${source}: it is inside ~/.ssh`);
  }
}

export interface ContainerPlan {
  name: string;
  image: string;
  workspaceHost: string;
  spec: Docker.ContainerCreateOptions;
  configHash: string;
}

/** The container's create options for `scopeId` (the workspace folder itself is made by `prepareWorkspace`). */
export function planContainer(o: {
  terminal: TerminalConfig;
  hermesHome: string;
  scopeId: string;
  socketPath: string;
  env?: Record<string, string>;
}): ContainerPlan {
  const t = o.terminal;
  const name = `hermes-${scopeName(o.scopeId)}`;
  const workspaceHost = join(o.hermesHome, 'sandboxes', scopeName(o.scopeId));
  const binds = [`${workspaceHost}:${WORKSPACE}:rw`];
  assertSafeBinds(binds, { hermesHome: o.hermesHome, socketPath: o.socketPath });
  const memory = t.container_memory * 1024 * 1024;
  const user = t.docker_user || '1000:1000';
  const env = { HOME: CONTAINER_HOME, HERMES_SANDBOX: 'docker', TERM: 'xterm-256color', ...(o.env ?? {}) };
  const spec: Docker.ContainerCreateOptions = {
    name,
    Image: t.docker_image,
    // A shell as the keep-alive reaps orphans when no init is available and stops at once on TERM.
    Cmd: ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 2147483647 & wait $!; done'],
    User: user,
    WorkingDir: WORKSPACE,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { [LABEL]: '1', 'hermes-host.scope': o.scopeId.slice(0, 200) },
    HostConfig: {
      Binds: binds,
      NetworkMode: t.docker_network ? 'bridge' : 'none',
      ReadonlyRootfs: true,
      // Docker defaults tmpfs to noexec; scripts and build tools need to run from /tmp and HOME.
      Tmpfs: {
        '/tmp': 'rw,exec,nosuid,nodev,size=512m,mode=1777',
        [CONTAINER_HOME]: `rw,exec,nosuid,nodev,size=512m,${homeOwner(user)}`,
        '/var/tmp': 'rw,exec,nosuid,nodev,size=256m,mode=1777',
        '/run': 'rw,nosuid,nodev,noexec,size=16m',
      },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: t.docker_pids_limit,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(t.container_cpu * 1e9),
      Init: true,
      RestartPolicy: { Name: 'no' },
    },
  };
  const configHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  spec.Labels![CONFIG_LABEL] = configHash;
  return { name, image: t.docker_image, workspaceHost, spec, configHash };
}

/**
 * Ownership of the HOME tmpfs. The engine copies the image directory's mode onto a tmpfs mounted over it, so `mode=`
 * alone does not make an existing /home writable; uid/gid options do. A named user gets a world-writable one.
 */
function homeOwner(user: string): string {
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  return m ? `uid=${m[1]},gid=${m[2] ?? m[1]},mode=0700` : 'mode=1777';
}

/** Creates the bind-mounted workspace on the host, writable by the container's user. */
export function prepareWorkspace(dir: string, dockerUser: string): void {
  mkdirSync(dir, { recursive: true });
  const m = /^(\d+)(?::(\d+))?$/.exec(dockerUser);
  const myUid = process.getuid?.();
  if (m && myUid === 0) {
    chownSync(dir, Number(m[1]), Number(m[2] ?? m[1]));
  } else if (!m || Number(m[1]) !== myUid) {
    // A different (or named) user inside the container: the folder must be writable by anyone who can reach it.
    // HERMES_HOME itself stays 0700, so other host users still cannot get there.
    chmodSync(dir, 0o777);
  }
}

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

export async function assertImagePresent(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (err) {
    if (isNotFound(err)) throw new Error(`docker image ${image} not present; pull it or set terminal.docker_image`);
    throw err;
  }
}

/** Starts (creating or re-creating if needed) the container of `plan` and returns it. */
export async function ensureContainer(docker: Docker, plan: ContainerPlan, log: Logger): Promise<Docker.Container> {
  await assertImagePresent(docker, plan.image);
  const c = docker.getContainer(plan.name);
  let info: Docker.ContainerInspectInfo | undefined;
  try {
    info = await c.inspect();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (info) {
    const labels = info.Config.Labels ?? {};
    if (labels[LABEL] !== '1') throw new Error(`a container named ${plan.name} exists but was not created by hermes-host; remove or rename it`);
    if (labels[CONFIG_LABEL] !== plan.configHash) {
      log.info('sandbox container configuration changed; re-creating it', { name: plan.name });
      await c.remove({ force: true });
      info = undefined;
    }
  }
  if (!info) {
    try {
      await docker.createContainer(plan.spec);
    } catch (err) {
      // Engines without an init binary refuse Init: true; the keep-alive shell reaps orphans instead.
      if (!/init/i.test((err as Error).message)) throw err;
      log.warn('docker engine has no init binary; creating the sandbox container without --init');
      await docker.createContainer({ ...plan.spec, HostConfig: { ...plan.spec.HostConfig, Init: false } });
    }
    info = await c.inspect();
  }
  if (!info.State.Running) await c.start();
  return c;
}

/** Containers shared by several sandboxes (docker_scope: host); stopped when the last user releases them. */
const users = new Map<string, { count: number; ready: Promise<Docker.Container> }>();

export async function acquireContainer(
  docker: Docker,
  socketPath: string,
  plan: ContainerPlan,
  log: Logger,
): Promise<{ container: Docker.Container; release(): Promise<void> }> {
  const key = `${socketPath}\0${plan.name}`;
  let entry = users.get(key);
  if (!entry) {
    entry = { count: 0, ready: ensureContainer(docker, plan, log) };
    users.set(key, entry);
    entry.ready.catch(() => users.delete(key));
  }
  entry.count++;
  let container: Docker.Container;
  try {
    container = await entry.ready;
  } catch (err) {
    entry.count--;
    throw err;
  }
  let released = false;
  return {
    container,
    release: async () => {
      if (released) return;
      released = true;
      const e = users.get(key);
      if (!e || --e.count > 0) return;
      users.delete(key);
      try {
        await container.stop({ t: 2 });
      } catch {
        // already stopped or gone
      }
    },
  };
}
