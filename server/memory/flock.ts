// An exclusive flock(2) on a lock FILE, the lock the Hermes agent takes around its memory writes
// (tools/memory_tool.py: open("<file>.lock", "a+") + fcntl.flock(LOCK_EX)). Node has no flock, so a small helper
// process takes it and holds it until we close its stdin: flock(1) from util-linux where present, else perl or
// python3 (macOS has no flock(1)). flock locks belong to an open file, so the helper holding it is what keeps
// Hermes (and any other host) out; if we die, the pipe closes, the helper exits and the lock is released.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, rmdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

interface Holder {
  cmd: string;
  args: (path: string) => string[];
}

const HOLDERS: Record<string, Holder> = {
  flock: { cmd: 'flock', args: (p) => ['-x', p, 'sh', '-c', 'echo L; exec cat >/dev/null'] },
  perl: {
    cmd: 'perl',
    args: (p) => ['-e', 'use Fcntl qw(:flock); open(my $f, ">>", $ARGV[0]) or die "$!\\n"; flock($f, LOCK_EX) or die "$!\\n"; $| = 1; print "L\\n"; 1 while <STDIN>;', p],
  },
  python3: {
    cmd: 'python3',
    args: (p) => ['-c', 'import fcntl, sys\nf = open(sys.argv[1], "a+")\nfcntl.flock(f, fcntl.LOCK_EX)\nprint("L", flush=True)\nsys.stdin.read()', p],
  },
};

let chosen: Holder | null | undefined;

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

function holder(): Holder {
  if (chosen === undefined) chosen = Object.values(HOLDERS).find((h) => onPath(h.cmd)) ?? null;
  if (!chosen) throw new Error('cannot lock memory files: none of flock (util-linux), perl or python3 is on PATH');
  return chosen;
}

export class LockTimeoutError extends Error {
  constructor(path: string, ms: number) {
    super(`${path} is held by another process (the Hermes agent or another host) for more than ${Math.round(ms / 1000)} s; try again`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * An earlier version of this host locked with a DIRECTORY at the same path (proper-lockfile). An empty one is a
 * leftover: it is removed so the path can be the lock file Hermes expects. Anything else there is an error.
 */
function clearDirectoryLock(path: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) return;
  try {
    rmdirSync(path);
  } catch (e) {
    throw new Error(`${path} is a directory, not a lock file, and could not be removed: ${(e as Error).message}`);
  }
}

async function acquire(path: string, timeoutMs: number): Promise<ChildProcess> {
  clearDirectoryLock(path);
  const h = holder();
  const child = spawn(h.cmd, h.args(path), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new LockTimeoutError(path, timeoutMs));
    }, timeoutMs);
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('L\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not lock ${path}: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`could not lock ${path}: ${h.cmd} exited with ${code}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
  return child;
}

async function release(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.stdin!.end();
  await exited;
}

/** Runs `fn` while holding an exclusive flock on `lockPath` (created as an empty file when missing). */
export async function withFileLock<T>(lockPath: string, fn: () => T | Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  const child = await acquire(lockPath, opts.timeoutMs ?? 30_000);
  try {
    return await fn();
  } finally {
    await release(child);
  }
}
