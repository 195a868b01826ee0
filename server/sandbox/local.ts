// The local backend: the persistent shell is bash (or the configured sh) on a node-pty terminal, with an environment
// scrubbed of secrets; file operations use node's fs; background processes get their own process group.
import { spawn as spawnChild } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
import { bwrapArgs, hostPidOf, isWithin, probeBwrap, protectedPaths, type BwrapPolicy } from './bwrap';
import type { Confinement } from './types';
import { containerKind, type ContainerKind } from './container';
import { readShellExports, runOutside } from './outside';

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
  /** HERMES_HOME, kept read-only (its secrets hidden) inside the OS sandbox. */
  hermesHome?: string;
}

/** `terminal.sandbox` resolved against this machine: the bwrap policy when commands run confined, else why not. */
export function resolveConfinement(o: { terminal: TerminalConfig; cwd: string; hermesHome?: string; home?: string }): {
  policy?: Omit<BwrapPolicy, 'privateTmp'>;
  warning?: string;
  error?: string;
  /** Set instead of `warning` inside a container, where running without bwrap is the expected setup. */
  notice?: string;
} {
  const mode = o.terminal.sandbox;
  if (mode === 'off') return {};
  const probe = probeBwrap();
  if (!probe.ok) {
    if (mode === 'bwrap') return { error: `terminal.sandbox is "bwrap" but ${probe.error}; install bubblewrap or set terminal.sandbox: auto or off` };
    const container = containerKind();
    if (container) return { notice: containerNotice(container, probe.error!) };
    return { warning: `OS sandbox unavailable: ${probe.error} — commands run UNCONFINED; install bubblewrap or set terminal.sandbox: off to silence this` };
  }
  const home = o.home ?? homedir();
  return {
    policy: {
      bwrap: probe.bwrap!,
      home,
      hermesHome: o.hermesHome ?? join(home, '.hermes'),
      workspace: o.cwd,
      writable: o.terminal.sandbox_writable.map((w) => resolve(w === '~' ? home : w.startsWith('~/') ? join(home, w.slice(2)) : w)),
      network: o.terminal.sandbox_network,
    },
  };
}

/** A path inside the sandbox as the host sees it: /tmp is the private directory, unless a writable bind (a
 * workspace under /tmp) covers the path, which is then the same path on both sides. */
export function hostPathOf(policy: BwrapPolicy, inner: string): string {
  const binds = [policy.workspace, ...policy.writable].filter((b) => b !== '/');
  if (binds.some((b) => isWithin(inner, b))) return inner;
  return isWithin(inner, '/tmp') ? policy.privateTmp + inner.slice(4) : inner;
}

/** Inside a container, commands run in the container itself: expected, so said once per process, not as a warning. */
export function containerNotice(kind: ContainerKind, why: string): string {
  // The probe's own advice (install bubblewrap) would not help in an unprivileged container: left out.
  const reason = why.replace(/ \(install the bubblewrap package\)$/, '');
  return `running in a ${kind === 'container' ? '' : kind + ' '}container: commands run directly in the container, which is their sandbox (no bubblewrap: ${reason})`;
}

let noticed = false;
function noticeOnce(log: LocalSandboxOptions['log'], notice: string): void {
  if (noticed) return;
  noticed = true;
  log.info(notice);
}

export class LocalSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly description: string;
  readonly confinement: Confinement;
  private readonly host: LocalHost;
  private readonly session: ShellSession;
  private readonly shell: string;
  private readonly env: Record<string, string>;
  private readonly policy?: BwrapPolicy;
  private readonly startError?: string;
  /** The host's own TMPDIR (the sandbox's is /tmp), for commands run outside. */
  private readonly outerTmpdir?: string;
  /** Said once, in front of the first command's output, when the sandbox was wanted but cannot work. */
  private pendingWarning?: string;

  constructor(o: LocalSandboxOptions) {
    this.shell = o.terminal.shell || 'bash';
    const baseEnv = scrubEnv(o.env ?? process.env, o.terminal.env_passthrough);
    const c = resolveConfinement({ terminal: o.terminal, cwd: o.cwd, hermesHome: o.hermesHome, home: baseEnv.HOME || undefined });
    this.env = { ...baseEnv, HERMES_SANDBOX: 'local', TERM: 'xterm-256color' };
    this.outerTmpdir = baseEnv.TMPDIR;
    if (c.policy) {
      // The sandbox's /tmp is a host directory of its own, so the helpers beside the shell can reach its FIFO.
      this.policy = { ...c.policy, privateTmp: mkdtempSync(join(tmpdir(), 'hermes-sbx-')) };
      this.env.TMPDIR = '/tmp';
    }
    this.startError = c.error;
    this.pendingWarning = c.warning;
    if (c.warning) o.log.warn(c.warning);
    if (c.notice) noticeOnce(o.log, c.notice);
    this.host = new LocalHost(this.env);
    const policy = this.policy;
    this.session = new ShellSession({
      host: policy ? this.confinedTerminalHost(policy) : this.host,
      argv: shellArgv(this.shell, false),
      cwd: o.cwd,
      env: this.env,
      log: o.log.child('local-shell'),
      procVisible: true,
      hostView: policy
        ? {
            pid: (inner, term) => (term.localPid ? hostPidOf(term.localPid, inner) : undefined),
            path: (inner) => hostPathOf(policy, inner),
          }
        : undefined,
    });
    this.confinement = policy
      ? {
          confined: true,
          writable: [policy.workspace, '/tmp', ...policy.writable],
          protected: protectedPaths(policy),
          network: policy.network,
        }
      : { confined: false, writable: [], protected: [], network: true, warning: c.warning };
    this.description = `local ${this.shell} shell${policy ? ' (bwrap sandbox)' : ''}`;
  }

  /** The persistent shell starts inside bwrap; the helpers beside it (FIFO reader, kill scripts) stay on the host. */
  private confinedTerminalHost(policy: BwrapPolicy): ShellHost {
    // The terminal's foreground process group lies outside the new PID namespace, so a shell that restores it on
    // exit fails (dash exits with 2 instead of its status). bash ignores that; other shells get a bash with job
    // control in between, which gives them a process group of their own inside.
    const jobs = (argv: string[]) =>
      /(^|\/)bash$/.test(this.shell) || !existsSync('/bin/bash') ? argv : ['/bin/bash', '-c', 'set -m; "$@"; exit $?', 'hermes-jobs', ...argv];
    return {
      openTerminal: (argv, opts) => this.host.openTerminal([policy.bwrap, ...bwrapArgs(policy), '--', ...jobs(argv)], opts),
      run: (argv, opts) => this.host.run(argv, opts),
    };
  }

  start(): Promise<void> {
    if (this.startError) return Promise.reject(new Error(this.startError));
    return this.session.ensureStarted();
  }

  cwd(): string {
    return this.session.cwd();
  }

  home(): string {
    return this.session.home() ?? this.env.HOME ?? homedir();
  }

  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    if (this.startError) throw new Error(this.startError);
    const res = await this.session.exec(command, opts);
    const warning = this.pendingWarning;
    if (warning) {
      this.pendingWarning = undefined;
      return { ...res, output: `[hermes: ${warning}]\n${res.output}` };
    }
    return res;
  }

  /** One command outside the OS sandbox — only after the user approved exactly this (see the terminal tool). */
  async execOutside(command: string, opts: ExecOptions): Promise<ExecResult> {
    await this.session.ensureStarted();
    const envFile = this.session.envFile();
    const { TMPDIR: _sandboxTmp, ...hostEnv } = this.env;
    return runOutside(this.host, {
      shell: this.shell,
      env: { ...hostEnv, ...(this.outerTmpdir ? { TMPDIR: this.outerTmpdir } : {}), ...readShellExports(envFile && this.policy ? hostPathOf(this.policy, envFile) : envFile) },
      cwd: this.resolve(opts.workdir ?? '.'),
      command,
      opts,
    });
  }

  async spawn(command: string, opts: SpawnOptions): Promise<ProcessHandle> {
    if (this.startError) throw new Error(this.startError);
    await this.session.ensureStarted();
    const cwd = this.resolve(opts.workdir ?? '.');
    let argv = spawnArgv({ shell: this.shell, envFile: this.session.envFile(), cwd, command });
    // Background processes are confined like the shell, each in a PID namespace of its own; the pid reported is
    // bwrap's on the host (the process tool stops the whole namespace through it).
    if (this.policy) argv = [this.policy.bwrap, ...bwrapArgs(this.policy), '--', ...argv];
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

  async close(): Promise<void> {
    await this.session.close();
    if (this.policy) rmSync(this.policy.privateTmp, { recursive: true, force: true });
  }
}
