// One sandbox per thread, on the backend `terminal.backend` names. Switching backend is a config change: the next
// get() for a thread whose sandbox is of another kind closes it and creates one of the new kind.
import { engineHint } from './container';
import { tmpdir } from 'node:os';
import { loadDockerode } from './lazy-modules';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import type { Sandbox, SandboxManager } from './types';
import { LocalSandbox, loadPty } from './local';
import { DockerSandbox } from './docker';
import { SshSandbox } from './ssh';
import { assertImagePresent, dockerSocketPath } from './docker-container';
import { SshConnection, SshHost, sshTarget } from './ssh-connection';
import { runCollect } from './host';

export interface SandboxManagerOptions {
  /** The config, or a getter for live reloads. */
  config: HermesConfig | (() => HermesConfig);
  hermesHome: string;
  log: Logger;
  /** Parent environment (scrubbed for local shells; passthrough source for remote ones). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export function createSandboxManager(o: SandboxManagerOptions): SandboxManager {
  const config = () => (typeof o.config === 'function' ? o.config() : o.config);
  const env = o.env ?? process.env;
  const log = o.log.child('sandbox');
  const sandboxes = new Map<string, Promise<Sandbox>>();

  const create = async (threadId: string, cwd: string): Promise<Sandbox> => {
    const terminal = config().terminal;
    switch (terminal.backend) {
      case 'local': {
        const sb = new LocalSandbox({ cwd, terminal, log, env, hermesHome: o.hermesHome });
        await sb.start();
        return sb;
      }
      case 'docker':
        return DockerSandbox.create({
          terminal,
          hermesHome: o.hermesHome,
          scopeId: terminal.docker_scope === 'host' ? 'host' : threadId,
          cwd,
          log,
          env,
        });
      case 'ssh':
        return SshSandbox.create({ terminal, log, env });
      default:
        throw new Error(unimplementedBackend(terminal.backend));
    }
  };

  const release = async (threadId: string) => {
    const p = sandboxes.get(threadId);
    if (!p) return;
    sandboxes.delete(threadId);
    try {
      await (await p).close();
    } catch {
      // creation failed: nothing to close
    }
  };

  return {
    async get(threadId, cwd) {
      const existing = sandboxes.get(threadId);
      if (existing) {
        const sb = await existing.catch(() => undefined);
        if (sb && sb.kind === config().terminal.backend) return sb;
        if (sandboxes.get(threadId) === existing) await release(threadId);
      }
      let p = sandboxes.get(threadId);
      if (!p) {
        p = create(threadId, cwd);
        sandboxes.set(threadId, p);
        // A failed creation is not cached: the next call tries again (e.g. after the user starts Docker).
        p.catch(() => sandboxes.get(threadId) === p && sandboxes.delete(threadId));
      }
      return p;
    },
    release,
    rekey(from, to) {
      const p = sandboxes.get(from);
      if (!p || sandboxes.has(to)) return;
      sandboxes.delete(from);
      sandboxes.set(to, p);
    },
    async closeAll() {
      await Promise.all([...sandboxes.keys()].map(release));
    },
    check: () => checkBackend(config(), env, log, o.hermesHome),
  };
}

export const IMPLEMENTED_BACKENDS = ['local', 'docker', 'ssh'] as const;

/** Hermes backends (modal, daytona, singularity, …) that config.yaml may name but this host cannot run. */
export function unimplementedBackend(name: string): string {
  return (
    `terminal.backend '${name}' is not implemented here (implemented: ${IMPLEMENTED_BACKENDS.join(', ')}); ` +
    `set terminal.backend to one of those, or terminal.fallback: local to run commands on this machine instead`
  );
}

/** For `hermes-host doctor`: can the configured backend run a command? Never throws. */
export async function checkBackend(
  cfg: HermesConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
  hermesHome?: string,
): Promise<{ ok: boolean; message: string }> {
  const t = cfg.terminal;
  try {
    switch (t.backend) {
      case 'local': {
        loadPty();
        const sb = new LocalSandbox({ cwd: tmpdir(), terminal: t, log, env, hermesHome });
        try {
          const r = await sb.exec('true', { timeoutMs: 10_000 });
          if (r.exitCode !== 0) return { ok: false, message: `local shell ${t.shell} ran \`true\` with exit code ${r.exitCode}` };
        } finally {
          await sb.close();
        }
        return { ok: true, message: `local: node-pty loaded and ${t.shell} runs commands${sb.confinement.confined ? ' inside the bwrap sandbox' : ''}` };
      }
      case 'docker': {
        const socketPath = dockerSocketPath(t, env);
        const docker = new (loadDockerode())({ socketPath });
        let version: string;
        try {
          version = ((await docker.version()) as { Version?: string }).Version ?? '?';
        } catch (err) {
          return { ok: false, message: `docker: the engine at ${socketPath} does not answer (${(err as Error).message})${engineHint(socketPath)}` };
        }
        await assertImagePresent(docker, t.docker_image);
        return { ok: true, message: `docker: engine ${version} at ${socketPath}; image ${t.docker_image} present` };
      }
      case 'ssh': {
        const conn = new SshConnection(sshTarget(t), log);
        try {
          await conn.get();
          const r = await runCollect(new SshHost(conn), ['true'], { timeoutMs: 15_000 });
          if (r.code !== 0) return { ok: false, message: `ssh ${conn.label}: \`true\` exited with ${r.code}` };
          return { ok: true, message: `ssh ${conn.label}: connected, host key verified, commands run` };
        } finally {
          conn.close();
        }
      }
      default:
        return { ok: false, message: unimplementedBackend(t.backend) };
    }
  } catch (err) {
    return { ok: false, message: `${t.backend}: ${(err as Error).message}` };
  }
}
