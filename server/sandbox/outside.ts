// "Run once outside the sandbox": after the user approved exactly this command, it runs in a separate, non-persistent
// shell on the host (`sh -c`) with the persistent shell's exported environment and the given cwd. The persistent
// shell itself stays confined, and nothing this command changes (cd, exports) carries over to it.
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { ShellHost } from './host';
import { spawnArgv } from './shell-script';
import type { ExecOptions, ExecResult } from './types';

export async function runOutside(
  host: ShellHost,
  o: { shell: string; envFile?: string; cwd: string; command: string; opts: ExecOptions },
): Promise<ExecResult> {
  const t0 = performance.now();
  const raw = await host.run(spawnArgv({ shell: o.shell, envFile: o.envFile, cwd: o.cwd, command: o.command }), { tty: false, cwd: o.cwd });
  // stdin is not needed: an approved command runs like a non-tty command of the persistent shell.
  raw.end();
  const dec = new StringDecoder('utf8');
  let output = '';
  const add = (b: Buffer) => {
    const t = dec.write(b);
    if (!t) return;
    output += t;
    o.opts.onOutput?.(t);
  };
  raw.onData(add);
  raw.onStderr(add);
  let timedOut = false;
  let interrupted = false;
  const kill = () => {
    const pid = raw.localPid;
    try {
      if (pid) process.kill(-pid, 'SIGKILL');
    } catch {
      raw.destroy();
    }
  };
  const onAbort = () => {
    interrupted = true;
    kill();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, Math.max(1, o.opts.timeoutMs));
  o.opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.opts.signal?.aborted) onAbort();
  const code = await new Promise<number | null>((resolve) => raw.onExit((c) => resolve(c)));
  clearTimeout(timer);
  o.opts.signal?.removeEventListener('abort', onAbort);
  output += dec.end();
  return { output, exitCode: code, timedOut, interrupted, cwd: o.cwd, durationMs: performance.now() - t0 };
}
