// "Run once outside the sandbox": after the user approved exactly this command, it runs in a separate, non-persistent
// shell on the host (`sh -c`) in the given cwd, with the host's scrubbed environment plus the persistent shell's
// exported variables — read as data (export-parse.ts), without the ones that load code (PATH, LD_*, BASH_ENV…), so
// nothing a confined command prepared runs unconfined besides the approved command itself. The persistent shell
// stays confined, and nothing this command changes (cd, exports) carries over to it.
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { lstatSync, readFileSync } from 'node:fs';
import { parseExports, safeExports } from './export-parse';
import type { ShellHost } from './host';
import type { ExecOptions, ExecResult } from './types';

export async function runOutside(
  host: ShellHost,
  o: { shell: string; env: Record<string, string>; cwd: string; command: string; opts: ExecOptions },
): Promise<ExecResult> {
  const t0 = performance.now();
  const argv = [o.shell, '-c', 'cd -- "$1" || exit 126; exec 2>&1; eval "$2"', 'hermes-outside', o.cwd, o.command];
  const raw = await host.run(argv, { tty: false, cwd: o.cwd, env: o.env });
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

/** The persistent shell's exports from its `export -p` file, as data; {} when the file is missing, not a regular
 * file (a confined command may have swapped in a symlink to a host file) or implausibly large. */
export function readShellExports(file: string | undefined): Record<string, string> {
  if (!file) return {};
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.size > 1_000_000) return {};
    return safeExports(parseExports(readFileSync(file, 'utf8')));
  } catch {
    return {};
  }
}
