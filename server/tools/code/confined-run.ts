// Runs the script's interpreter under bubblewrap: the filesystem read-only (the workspace too — it is only the
// starting directory), a scratch directory as /tmp (the script, the generated module and the tool socket live
// there), no network, credentials hidden as for terminal commands, its own PID namespace and session. A script that
// spawns `rm` or calls fs.rmSync directly gets EROFS; the only way to change anything is a tool call, which passes the
// approval gate.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { bwrapArgs, type BwrapPolicy } from '../../sandbox/bwrap';

export interface ConfinedRun {
  policy: Omit<BwrapPolicy, 'privateTmp' | 'workspace' | 'writable' | 'network'>;
  /** Host directory mounted as /tmp (writable). */
  scratch: string;
  /** Starting directory (read-only). */
  cwd: string;
  argv: string[];
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** Characters of stdout / stderr kept in memory (the caller caps what it shows). */
  keepChars: number;
}

export interface ConfinedResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
}

/** Keeps the head and a rolling tail of a stream, so a runaway script cannot fill the host's memory. */
class Capture {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly keep: number) {}
  push(s: string): void {
    if (this.head.length < this.keep) {
      const room = this.keep - this.head.length;
      this.head += s.slice(0, room);
      s = s.slice(room);
    }
    if (!s) return;
    this.tail += s;
    if (this.tail.length > this.keep * 2) {
      const cut = this.tail.length - this.keep;
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }
  text(): string {
    return this.dropped ? `${this.head}\n[... ${this.dropped} characters dropped ...]\n${this.tail}` : this.head + this.tail;
  }
}

export function runConfined(o: ConfinedRun): Promise<ConfinedResult> {
  const args = bwrapArgs(
    { ...o.policy, workspace: o.cwd, privateTmp: o.scratch, writable: [], network: false },
    { newSession: true, readOnlyWorkspace: true },
  );
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(o.policy.bwrap, [...args, '--', ...o.argv], { env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new Capture(o.keepChars);
    const err = new Capture(o.keepChars);
    child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
    let timedOut = false;
    let interrupted = false;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      kill();
    };
    if (o.signal.aborted) onAbort();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const finish = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (spawnError) err.push(`could not start the sandbox: ${spawnError.message}\n`);
      resolve({ stdout: out.text(), stderr: err.text(), exitCode: code, timedOut, interrupted, durationMs: Date.now() - started });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

/** python3 on the host's PATH (the sandbox sees the same filesystem), or undefined. */
export function findPython(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(':'), '/usr/bin', '/bin']) {
    const p = join(dir || '.', 'python3');
    try {
      if (isAbsolute(p) && statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
