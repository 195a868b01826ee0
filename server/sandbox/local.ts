// The local backend: the persistent shell is bash (or the configured sh) on a node-pty terminal, with an environment
// scrubbed of secrets; file operations use node's fs; background processes get their own process group.
import { spawn as spawnChild } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import { writeFileAtomic } from '../util/atomic';
import type { ExecOptions, ExecResult, FileStat, ProcessHandle, Sandbox, SpawnOptions } from './types';
import { Pipe, type RawProcess, type RunOptions, type ShellHost } from './host';
import { ShellSession } from './shell-session';
import { shellArgv, spawnArgv } from './shell-script';
import { RawProcessHandle } from './process-handle';
import { scrubEnv } from './env-scrub';
import { assertNotRoot, resolveSandboxPath } from './paths';

type TerminalConfig = HermesConfig['terminal'];
type NodePty = typeof import('node-pty');

let ptyModule: NodePty | undefined;
/** node-pty is native; load it on first use so a broken build fails the local backend only, with a clear message. */
export function loadPty(): NodePty {
  if (!ptyModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ptyModule = require('node-pty') as NodePty;
    } catch (err) {
      throw new Error(`node-pty could not be loaded (${(err as Error).message}); rebuild it with \`npm rebuild node-pty\``);
    }
  }
  return ptyModule;
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM', 6: 'SIGABRT', 11: 'SIGSEGV' };

/** Runs programs on this machine: terminals through node-pty, the rest as child processes in their own group. */
export class LocalHost implements ShellHost {
  constructor(private readonly env: Record<string, string>) {}

  async openTerminal(argv: string[], opts: RunOptions): Promise<RawProcess> {
    const pty = loadPty();
    const cwd = opts.cwd && existsSync(opts.cwd) ? opts.cwd : homedir();
    const t = pty.spawn(argv[0]!, argv.slice(1), {
      name: 'xterm-256color',
      cols: 200,
      rows: 50,
      cwd,
      env: opts.env ?? this.env,
      encoding: null,
    });
    const pipe = new Pipe(
      {
        write: (d) => t.write(d),
        end: () => t.write('\x04'),
        destroy: () => {
          try {
            t.kill('SIGKILL');
          } catch {
            // gone already
          }
        },
      },
      t.pid,
    );
    t.onData((d: string | Buffer) => pipe.emitData(typeof d === 'string' ? Buffer.from(d) : d));
    t.onExit(({ exitCode, signal }) =>
      signal ? pipe.emitExit(null, SIGNAL_NAMES[signal] ?? `signal ${signal}`) : pipe.emitExit(exitCode),
    );
    return pipe;
  }

  async run(argv: string[], opts: RunOptions = {}): Promise<RawProcess> {
    if (opts.tty) return this.openTerminal(argv, opts);
    const c = spawnChild(argv[0]!, argv.slice(1), {
      cwd: opts.cwd && existsSync(opts.cwd) ? opts.cwd : undefined,
      env: opts.env ?? this.env,
      stdio: 'pipe',
      detached: true,
    });
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (c.pid) process.kill(-c.pid, sig);
      } catch {
        try {
          c.kill(sig);
        } catch {
          // gone already
        }
      }
    };
    const pipe = new Pipe(
      {
        write: (d) => c.stdin?.writable && c.stdin.write(d),
        end: () => c.stdin?.end(),
        destroy: () => killGroup('SIGKILL'),
      },
      c.pid,
    );
    c.stdin?.on('error', () => undefined);
    c.stdout?.on('data', (b: Buffer) => pipe.emitData(b));
    c.stderr?.on('data', (b: Buffer) => pipe.emitStderr(b));
    c.on('error', (err) => {
      pipe.emitStderr(Buffer.from(`${argv[0]}: ${err.message}\n`));
      pipe.emitExit(127);
    });
    // 'close' waits for stdio to drain, but a grandchild holding stdout would delay it forever.
    c.on('exit', (code, signal) => {
      const t = setTimeout(() => pipe.emitExit(code, signal ?? undefined), 200);
      c.once('close', () => {
        clearTimeout(t);
        pipe.emitExit(code, signal ?? undefined);
      });
    });
    return pipe;
  }
}

export interface LocalSandboxOptions {
  cwd: string;
  terminal: TerminalConfig;
  log: Logger;
  /** Parent environment before scrubbing (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class LocalSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly description: string;
  private readonly host: LocalHost;
  private readonly session: ShellSession;
  private readonly shell: string;
  private readonly env: Record<string, string>;

  constructor(o: LocalSandboxOptions) {
    this.shell = o.terminal.shell || 'bash';
    this.env = {
      ...scrubEnv(o.env ?? process.env, o.terminal.env_passthrough),
      HERMES_SANDBOX: 'local',
      TERM: 'xterm-256color',
    };
    this.host = new LocalHost(this.env);
    this.session = new ShellSession({
      host: this.host,
      argv: shellArgv(this.shell, false),
      cwd: o.cwd,
      env: this.env,
      log: o.log.child('local-shell'),
    });
    this.description = `local ${this.shell} shell`;
  }

  start(): Promise<void> {
    return this.session.ensureStarted();
  }

  cwd(): string {
    return this.session.cwd();
  }

  home(): string {
    return this.session.home() ?? this.env.HOME ?? homedir();
  }

  exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    return this.session.exec(command, opts);
  }

  async spawn(command: string, opts: SpawnOptions): Promise<ProcessHandle> {
    await this.session.ensureStarted();
    const cwd = this.resolve(opts.workdir ?? '.');
    const argv = spawnArgv({ shell: this.shell, envFile: this.session.envFile(), cwd, command });
    const raw = await this.host.run(argv, { tty: !!opts.pty, cwd: this.cwd() });
    const pid = raw.localPid;
    // Both node-pty children and detached children lead their own process group.
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (pid) process.kill(-pid, sig);
      } catch {
        try {
          if (pid) process.kill(pid, sig);
        } catch {
          // gone already
        }
      }
    };
    return new RawProcessHandle(raw, pid, kill);
  }

  private resolve(path: string): string {
    return resolveSandboxPath(path, this.cwd(), this.home());
  }

  readFile(path: string): Promise<Buffer> {
    return fsp.readFile(this.resolve(path));
  }

  async writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void> {
    let target = this.resolve(path);
    assertNotRoot(target, 'write');
    let mode = opts?.mode;
    const st = await fsp.lstat(target).catch(() => null);
    if (st?.isSymbolicLink()) {
      // Write through the link, as an editor would, instead of replacing the link with a file.
      target = await fsp.realpath(target).catch(() => target);
    }
    if (mode === undefined) {
      const cur = await fsp.stat(target).catch(() => null);
      if (cur?.isFile()) mode = cur.mode & 0o7777;
    }
    writeFileAtomic(target, data, mode === undefined ? {} : { mode });
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const st = await fsp.lstat(this.resolve(path));
      return {
        type: st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other',
        size: st.size,
        mtimeMs: st.mtimeMs,
        mode: st.mode & 0o7777,
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  }

  async readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]> {
    const entries = await fsp.readdir(this.resolve(path), { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      type: e.isSymbolicLink() ? 'symlink' : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other',
    }));
  }

  async mkdir(path: string, opts?: { recursive?: boolean }): Promise<void> {
    await fsp.mkdir(this.resolve(path), { recursive: !!opts?.recursive });
  }

  async remove(path: string): Promise<void> {
    const target = this.resolve(path);
    assertNotRoot(target, 'remove');
    await fsp.rm(target, { recursive: true, force: true });
  }

  realpath(path: string): Promise<string> {
    return fsp.realpath(this.resolve(path));
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
