// Background processes on a remote host (Docker, SSH): started beside the persistent shell through the backend's
// `run`, with the shell's exported environment. The wrapper announces its pid (in the sandbox's pid namespace)
// before anything else, so kill() can signal the process tree from a helper.
import { Pipe, runQuietly, type ShellHost } from './host';
import { RawProcessHandle } from './process-handle';
import { killTreeScript, newNonce, spawnArgv } from './shell-script';
import type { ShellSession } from './shell-session';
import type { ProcessHandle, SpawnOptions } from './types';
import { resolveSandboxPath } from './paths';

export async function spawnRemote(
  host: ShellHost,
  session: ShellSession,
  command: string,
  opts: SpawnOptions,
): Promise<ProcessHandle> {
  await session.ensureStarted();
  const cwd = resolveSandboxPath(opts.workdir ?? '.', session.cwd(), session.home());
  const marker = `<<hermes-pid:${newNonce()}:`;
  const argv = spawnArgv({ shell: session.bashPath() || 'sh', envFile: session.envFile(), cwd, command, pidMarker: marker });
  const raw = await host.run(argv, { tty: !!opts.pty });
  const proxy = new Pipe({ write: (d) => raw.write(d), end: () => raw.end(), destroy: () => raw.destroy() });
  return new Promise<ProcessHandle>((resolve, reject) => {
    let head = Buffer.alloc(0);
    let handle: ProcessHandle | undefined;
    raw.onData((b) => {
      if (handle) return proxy.emitData(b);
      head = Buffer.concat([head, b]);
      const text = head.toString('latin1');
      const m = text.indexOf(marker);
      const end = m < 0 ? -1 : text.indexOf('.', m + marker.length);
      if (end < 0) return;
      const pid = Number(text.slice(m + marker.length, end));
      const rest = Buffer.from(text.slice(end + 1), 'latin1');
      const kill = (sig: NodeJS.Signals) => void runQuietly(host, killTreeScript(pid, sig));
      handle = new RawProcessHandle(proxy, pid, kill, rest);
      resolve(handle);
    });
    raw.onStderr((b) => proxy.emitStderr(b));
    raw.onExit((code, signal) => {
      if (!handle) reject(new Error(`the background process did not start (exit ${code ?? signal}): ${head.toString('utf8').slice(0, 500)}`));
      proxy.emitExit(code, signal);
    });
  });
}
