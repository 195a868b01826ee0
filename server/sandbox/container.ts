// Is this host itself running inside a container? There, bubblewrap usually cannot work (the engine's seccomp
// profile and missing capabilities forbid the namespaces it needs), and that is expected rather than alarming: the
// container is the isolation boundary, and commands run in it directly. Also used to say what a missing Docker
// socket means in a container (it must be mounted in).
import { existsSync, readFileSync } from 'node:fs';

export type ContainerKind = 'docker' | 'podman' | 'container';

let cached: ContainerKind | null | undefined;

/** The container runtime this process runs under, or null. Cached: it does not change while the host runs. */
export function containerKind(env: NodeJS.ProcessEnv = process.env): ContainerKind | null {
  if (cached !== undefined) return cached;
  // Docker writes /.dockerenv into every container; podman writes /run/.containerenv; systemd-nspawn, LXC and podman
  // set `container` in PID 1's environment (and so in ours, unless cleared).
  if (existsSync('/.dockerenv')) return (cached = 'docker');
  if (existsSync('/run/.containerenv')) return (cached = 'podman');
  if (env.container) return (cached = 'container');
  try {
    if (/^container=/m.test(readFileSync('/proc/1/environ', 'utf8').replace(/\0/g, '\n'))) return (cached = 'container');
  } catch {
    // /proc/1/environ is readable only by PID 1's owner: not knowing is "not detected"
  }
  return (cached = null);
}

/** For tests: forget the cached answer. */
export function resetContainerKind(): void {
  cached = undefined;
}

/**
 * What to do when the docker backend cannot reach its engine, appended to the "does not answer" error. Inside a
 * container the engine's socket is never there by default: it has to be mounted in on purpose (whoever can use it is
 * root on the machine running Docker).
 */
export function engineHint(socketPath: string, exists: (p: string) => boolean = existsSync, kind = containerKind()): string {
  if (exists(socketPath)) return '';
  if (kind)
    return (
      ` — ${socketPath} does not exist in this container: the docker backend needs the engine's socket mounted ` +
      `explicitly (docker run -v /var/run/docker.sock:${socketPath} --group-add <the socket's group id>, or the commented ` +
      `volume in compose.yaml; whoever can use it is root on the machine running Docker), or set terminal.backend: local`
    );
  return ` — no socket at ${socketPath}: is Docker installed and running? (terminal.docker_socket or DOCKER_HOST name another one)`;
}
