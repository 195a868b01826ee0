// A minimal local Sandbox for unit tests of the tools, until the real local backend is used: real files under a
// temp dir, real bash processes. Each exec is a fresh `bash -c` that starts in the remembered cwd and records the
// cwd it ends in, which is enough "persistence" for the tools' tests.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type {
  ExecOptions,
  ExecResult,
  FileStat,
  ProcessHandle,
  Sandbox,
  SandboxManager,
  SpawnOptions,
} from '../../../../server/sandbox/types';

function typeOf(st: import('node:fs').Stats): FileStat['type'] {
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export class TestSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly description = 'test sandbox (bash -c per command)';
  private current: string;
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'hermes-tsb-'));
  execCalls: string[] = [];
  spawnCalls: string[] = [];

  constructor(cwd: string, private readonly homeDir = cwd, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.current = cwd;
  }

  cwd(): string {
    return this.current;
  }
  home(): string {
    return this.homeDir;
  }

  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    this.execCalls.push(command);
    const started = Date.now();
    const cwdFile = join(this.stateDir, 'cwd');
    const workdir = opts.workdir ? resolve(this.current, opts.workdir) : this.current;
    const script = `cd ${JSON.stringify(workdir)} || exit 126\neval ${shq(command)}\n__ec=$?\npwd -P > ${JSON.stringify(cwdFile)}\nexit $__ec`;
    const child = spawn('/bin/bash', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
    let output = '';
    const onData = (b: Buffer) => {
      const s = b.toString('utf8');
      output += s;
      opts.onOutput?.(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    let interrupted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, opts.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      killGroup(child.pid, 'SIGKILL');
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const exitCode = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    try {
      this.current = readFileSync(cwdFile, 'utf8').trim() || this.current;
      rmSync(cwdFile, { force: true });
    } catch {
      // killed before recording its cwd
    }
    return {
      output,
      exitCode: timedOut ? 124 : interrupted ? 130 : exitCode,
      timedOut,
      interrupted,
      cwd: this.current,
      durationMs: Date.now() - started,
    };
  }

  async spawn(command: string, opts: SpawnOptions): Promise<ProcessHandle> {
    this.spawnCalls.push(command);
    const cwd = opts.workdir ? resolve(this.current, opts.workdir) : this.current;
    const child = spawn('/bin/bash', ['-c', command], { cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: this.env });
    child.stdin.on('error', () => undefined);
    const dataCbs: ((s: string) => void)[] = [];
    const exitCbs: ((code: number | null, signal?: string) => void)[] = [];
    const emit = (b: Buffer) => dataCbs.forEach((cb) => cb(b.toString('utf8')));
    child.stdout.on('data', emit);
    child.stderr.on('data', emit);
    child.on('close', (code, signal) => exitCbs.forEach((cb) => cb(code, signal ?? undefined)));
    return {
      pid: child.pid,
      onData: (cb) => dataCbs.push(cb),
      onExit: (cb) => exitCbs.push(cb),
      write: (d) => child.stdin.write(d),
      closeStdin: () => child.stdin.end(),
      kill: (sig = 'SIGTERM') => killGroup(child.pid, sig),
    };
  }

  async readFile(path: string): Promise<Buffer> {
    return fs.readFile(path);
  }
  async writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void> {
    await fs.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(tmp, data, { mode: opts?.mode });
    if (opts?.mode !== undefined) await fs.chmod(tmp, opts.mode);
    await fs.rename(tmp, path);
  }
  async stat(path: string): Promise<FileStat | null> {
    try {
      const st = await fs.lstat(path);
      return { type: typeOf(st), size: st.size, mtimeMs: st.mtimeMs, mode: st.mode };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
  async readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]> {
    const entries = await fs.readdir(path, { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      type: e.isSymbolicLink() ? 'symlink' : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other',
    }));
  }
  async mkdir(path: string, opts?: { recursive?: boolean }): Promise<void> {
    await fs.mkdir(path, { recursive: opts?.recursive });
  }
  async remove(path: string): Promise<void> {
    await fs.rm(path, { recursive: true, force: true });
  }
  async realpath(path: string): Promise<string> {
    return fs.realpath(path);
  }
  async close(): Promise<void> {
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One sandbox per thread, created on first use. */
export class TestSandboxManager<S extends Sandbox = TestSandbox> implements SandboxManager {
  readonly sandboxes = new Map<string, S>();
  constructor(private readonly make: (cwd: string) => S = (cwd) => new TestSandbox(cwd) as unknown as S) {}
  async get(threadId: string, cwd: string): Promise<Sandbox> {
    let s = this.sandboxes.get(threadId);
    if (!s) {
      s = this.make(cwd);
      this.sandboxes.set(threadId, s);
    }
    return s;
  }
  async release(threadId: string): Promise<void> {
    await this.sandboxes.get(threadId)?.close();
    this.sandboxes.delete(threadId);
  }
  rekey(from: string, to: string): void {
    const s = this.sandboxes.get(from);
    if (s && !this.sandboxes.has(to)) {
      this.sandboxes.delete(from);
      this.sandboxes.set(to, s);
    }
  }
  async closeAll(): Promise<void> {
    for (const id of [...this.sandboxes.keys()]) await this.release(id);
  }
  async check() {
    return { ok: true, message: 'test sandbox' };
  }
}
