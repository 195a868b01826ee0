// The persistent shell shared by every backend. One interactive shell runs on a terminal for the sandbox's lifetime;
// each exec types one framed line into it (shell-script.ts), so cwd, exported variables and activated environments
// persist. Commands are serialised. Output of a non-tty command travels through a FIFO read by a helper process, so
// it never passes the terminal (no echo, prompt or job-control noise, and the command sees no tty); a pty command
// writes to the terminal directly.
//
// Stopping a command: ^C on the terminal (SIGINT to the foreground job; the shell abandons the rest of the line), then
// a resync line that reports `$?` and cwd. If that does not answer within the grace period, a helper sends SIGINT to
// the shell and SIGKILL to the foreground process group; if even that fails, the shell is killed and the next exec
// starts a new one. A shell that dies (e.g. `exit`) is also restarted on the next exec, with a note in the output.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ExecOptions, ExecResult } from './types';
import type { Logger } from '../util/log';
import { FrameScanner, type Frame } from './frames';
import { runQuietly, type RawProcess, type ShellHost } from './host';
import { awaitJobScript, escalateScript, execLine, FIELD_SEP, initLine, newNonce, resyncLine, teardownScript } from './shell-script';
import { OutputCapture } from './output-capture';

export interface ShellSessionOptions {
  host: ShellHost;
  /** The interactive shell and its arguments (see `shellArgv`). */
  argv: string[];
  /** Starting directory; later restarts use the last known cwd. */
  cwd?: string;
  /** Environment of the terminal process, where the transport can set one (local, docker). */
  env?: Record<string, string>;
  /** Variables exported by the first line typed into the shell (for transports that cannot set the environment). */
  exports?: Record<string, string>;
  log: Logger;
  startTimeoutMs?: number;
  /** How long ^C gets before the helper escalates. */
  graceMs?: number;
  /** Output kept per command (head and tail); the rest is counted and dropped. onOutput still sees everything. */
  maxOutputChars?: number;
  /** The shell's host pid is a process of this machine, so /proc/<pid>/stat tells who holds its terminal. */
  procVisible?: boolean;
  /** When the shell runs in namespaces of its own (the bwrap sandbox) but the helpers run beside it on the host:
   * how a pid and a path the shell reports look from the host. Without it they are taken as they are. */
  hostView?: {
    pid(innerPid: number, term: RawProcess): number | undefined;
    path(innerPath: string): string;
  };
}

interface ShellInfo {
  pid: number;
  /** The shell's pid as the helpers see it (undefined: unknown, so nothing is signalled by pid). */
  hostPid?: number;
  dir: string;
  /** The state directory as the helpers see it. */
  hostDir: string;
  home: string;
  bash: string;
}

interface Running {
  nonce: string;
  pty: boolean;
  started: boolean;
  output: OutputCapture;
  resyncs: Set<string>;
  timedOut: boolean;
  interrupted: boolean;
  interrupting: boolean;
  done: boolean;
  timers: NodeJS.Timeout[];
  onOutput?: (chunk: string) => void;
  finish(exitCode: number | null, cwd?: string, note?: string): void;
}

export class ShellSession {
  private term?: RawProcess;
  private reader?: RawProcess;
  private readerPid?: number;
  private readerDone?: Promise<void>;
  private info?: ShellInfo;
  private currentCwd: string;
  private state: 'new' | 'ready' | 'dead' | 'closed' = 'new';
  private generation = 0;
  private pendingNote?: string;
  private running?: Running;
  private queue: Promise<unknown> = Promise.resolve();
  private initWaiter?: { nonce: string; text: string; resolve(p: string): void; reject(e: Error): void };
  private readonly ptyScan: FrameScanner;
  private readonly fifoScan: FrameScanner;
  private readonly graceMs: number;
  private readonly maxOutput: number;

  constructor(private readonly o: ShellSessionOptions) {
    this.currentCwd = o.cwd ?? '';
    this.graceMs = o.graceMs ?? 250;
    this.maxOutput = o.maxOutputChars ?? 4_000_000;
    this.ptyScan = new FrameScanner((t) => this.onText(true, t), (f) => this.onFrame(f));
    this.fifoScan = new FrameScanner((t) => this.onText(false, t), (f) => this.onFrame(f));
  }

  cwd(): string {
    return this.currentCwd;
  }

  home(): string | undefined {
    return this.info?.home || undefined;
  }

  /** bash's path when the shell is bash, else '' (a POSIX sh). */
  bashPath(): string {
    return this.info?.bash ?? '';
  }

  /** File where the shell saves its exported environment after each command (sourced by background processes). */
  envFile(): string | undefined {
    return this.info ? `${this.info.dir}/env` : undefined;
  }

  /** The shell's pid inside the sandbox. */
  pid(): number | undefined {
    return this.info?.pid;
  }

  isReady(): boolean {
    return this.state === 'ready';
  }

  /** Starts the shell if it is not running (used before spawning background processes). */
  ensureStarted(): Promise<void> {
    return this.enqueue(async () => {
      if (this.state !== 'ready') await this.start();
    });
  }

  exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    return this.enqueue(() => this.runOne(command, opts));
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.generation++;
    const r = this.running;
    if (r) {
      r.interrupted = true;
      r.finish(null, undefined, '[hermes: the sandbox was closed while this command ran]');
    }
    await this.teardown();
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async start(): Promise<void> {
    if (this.state === 'closed') throw new Error('the sandbox is closed');
    const gen = ++this.generation;
    this.ptyScan.reset();
    this.fifoScan.reset();
    this.info = undefined;
    this.readerPid = undefined;
    const term = await this.o.host.openTerminal(this.o.argv, { tty: true, cwd: this.currentCwd || undefined, env: this.o.env });
    if (gen !== this.generation) {
      term.destroy();
      throw new Error('the sandbox is closed');
    }
    this.term = term;
    term.onData((b) => {
      if (gen === this.generation) this.ptyScan.push(b);
    });
    term.onExit((code, signal) => this.onTermExit(gen, code, signal));
    const nonce = newNonce();
    const ms = this.o.startTimeoutMs ?? 20_000;
    let payload: string;
    try {
      payload = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the shell did not start within ${ms} ms; it printed: ${JSON.stringify(this.initWaiter?.text.slice(-500) ?? '')}`)),
          ms,
        );
        this.initWaiter = {
          nonce,
          text: '',
          resolve: (p) => (clearTimeout(timer), resolve(p)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
        this.ptyScan.watch(nonce);
        term.write(initLine({ nonce, cwd: this.currentCwd || undefined, env: this.o.exports }));
      });
    } catch (err) {
      this.initWaiter = undefined;
      this.state = 'dead';
      term.destroy();
      throw err;
    }
    this.initWaiter = undefined;
    this.ptyScan.unwatch(nonce);
    const [pid, dir, home, bash, cwd] = payload.split(FIELD_SEP);
    const hv = this.o.hostView;
    const innerPid = Number(pid);
    this.info = {
      pid: innerPid,
      hostPid: hv ? hv.pid(innerPid, term) : innerPid,
      dir: dir ?? '',
      hostDir: dir && hv ? hv.path(dir) : dir ?? '',
      home: home ?? '',
      bash: bash ?? '',
    };
    if (!this.info.dir) {
      this.state = 'dead';
      await this.teardown();
      throw new Error('the shell could not create its FIFO (mktemp -d and mkfifo in $TMPDIR or /tmp failed)');
    }
    if (cwd) this.currentCwd = cwd;
    await this.startReader(gen);
    this.state = 'ready';
    this.o.log.debug('shell started', { pid: this.info.pid, cwd: this.currentCwd, bash: !!this.info.bash });
  }

  /** The helper that copies the FIFO (non-tty command output and its frames) to us. It announces its pid first. */
  private async startReader(gen: number): Promise<void> {
    const fifo = `${this.info!.hostDir}/o`;
    const reader = await this.o.host.run(['sh', '-c', 'printf "%s." "$$"; exec cat "$1"', 'hermes-reader', fifo], { tty: false });
    if (gen !== this.generation) {
      reader.destroy();
      return;
    }
    this.reader = reader;
    let head = '';
    let announced = false;
    reader.onData((b) => {
      if (gen !== this.generation) return;
      if (announced) return this.fifoScan.push(b);
      head += b.toString('latin1');
      const dot = head.indexOf('.');
      if (dot < 0) return;
      announced = true;
      this.readerPid = Number(head.slice(0, dot));
      const rest = Buffer.from(head.slice(dot + 1), 'latin1');
      if (rest.length) this.fifoScan.push(rest);
    });
    this.readerDone = new Promise((resolve) =>
      reader.onExit(() => {
        resolve();
        if (gen !== this.generation || this.state !== 'ready') return;
        // Something killed the reader (a user's `pkill cat`?): start another on the same FIFO.
        this.o.log.warn('shell output reader exited; restarting it');
        setTimeout(() => {
          if (gen === this.generation && this.state === 'ready') void this.startReader(gen).catch(() => undefined);
        }, 50);
      }),
    );
  }

  private async runOne(command: string, opts: ExecOptions): Promise<ExecResult> {
    const t0 = performance.now();
    const notes: string[] = [];
    if (this.state === 'closed') throw new Error('the sandbox is closed');
    if (this.state !== 'ready') {
      if (this.pendingNote) notes.push(this.pendingNote);
      this.pendingNote = undefined;
      await this.start();
    }
    const prefix = notes.length ? notes.join('\n') + '\n' : '';
    if (opts.signal?.aborted) {
      return { output: prefix, exitCode: null, timedOut: false, interrupted: true, cwd: this.currentCwd, durationMs: performance.now() - t0 };
    }
    const pty = !!opts.pty;
    const nonce = newNonce();
    return new Promise<ExecResult>((resolve) => {
      const onAbort = () => this.interrupt(r, 'abort');
      const r: Running = {
        nonce,
        pty,
        started: false,
        output: new OutputCapture(this.maxOutput),
        resyncs: new Set(),
        timedOut: false,
        interrupted: false,
        interrupting: false,
        done: false,
        timers: [],
        onOutput: opts.onOutput,
        finish: (exitCode, cwd, note) => {
          if (r.done) return;
          r.done = true;
          for (const t of r.timers) clearTimeout(t);
          opts.signal?.removeEventListener('abort', onAbort);
          for (const n of [nonce, ...r.resyncs]) {
            this.ptyScan.unwatch(n);
            this.fifoScan.unwatch(n);
          }
          if (this.running === r) this.running = undefined;
          if (cwd) this.currentCwd = cwd;
          let output = prefix + r.output.text();
          if (note) output += (output && !output.endsWith('\n') ? '\n' : '') + note;
          resolve({
            output,
            exitCode,
            timedOut: r.timedOut,
            interrupted: r.interrupted,
            cwd: this.currentCwd,
            durationMs: performance.now() - t0,
          });
        },
      };
      this.running = r;
      (pty ? this.ptyScan : this.fifoScan).watch(nonce);
      r.timers.push(setTimeout(() => this.interrupt(r, 'timeout'), Math.max(1, opts.timeoutMs)));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.term!.write(execLine({ nonce, command, workdir: opts.workdir, pty }));
    });
  }

  private onText(fromPty: boolean, text: string): void {
    const r = this.running;
    if (r && r.started && r.pty === fromPty) {
      r.onOutput?.(text);
      r.output.add(text);
      return;
    }
    if (fromPty && this.initWaiter) this.initWaiter.text = (this.initWaiter.text + text).slice(-2000);
  }

  private onFrame(f: Frame): void {
    const w = this.initWaiter;
    if (w && f.nonce === w.nonce && f.kind === 'I') return w.resolve(f.payload);
    const r = this.running;
    if (!r) return;
    if (f.nonce === r.nonce && f.kind === 'S') {
      r.started = true;
      return;
    }
    const isEnd = (f.nonce === r.nonce && f.kind === 'E') || (r.resyncs.has(f.nonce) && f.kind === 'R');
    if (!isEnd) return;
    const sep = f.payload.indexOf(FIELD_SEP);
    const code = Number(f.payload.slice(0, sep));
    r.finish(Number.isFinite(code) ? code : null, f.payload.slice(sep + 1));
  }

  private sendResync(r: Running): void {
    const n = newNonce();
    r.resyncs.add(n);
    (r.pty ? this.ptyScan : this.fifoScan).watch(n);
    this.term?.write(resyncLine(n, r.pty));
  }

  private interrupt(r: Running, why: 'timeout' | 'abort'): void {
    if (r.done) return;
    if (why === 'timeout') r.timedOut = true;
    else r.interrupted = true;
    if (r.interrupting) return;
    r.interrupting = true;
    void this.jobHoldsTerminal(r).then(() => {
      if (r.done) return;
      this.term?.write('\x03');
      this.sendResync(r);
      const pid = this.info?.hostPid;
      r.timers.push(
        setTimeout(() => {
          if (r.done) return;
          // Without the shell's pid (not found from the host) there is nothing to signal by pid: straight to the kill.
          if (!pid) {
            r.timers.push(setTimeout(() => this.killStuckShell(r), KILL_AFTER_MS));
            return;
          }
          // The shell gets its time after the helper has signalled (over SSH or docker exec, starting the helper
          // alone can take seconds on a loaded machine); a helper that never comes back does not stall it forever.
          r.timers.push(setTimeout(() => this.killStuckShell(r), HELPER_BACKSTOP_MS));
          void runQuietly(this.o.host, escalateScript(pid)).then(() => {
            if (r.done) return;
            this.sendResync(r);
            r.timers.push(setTimeout(() => this.killStuckShell(r), KILL_AFTER_MS));
          });
        }, this.graceMs),
      );
    });
  }

  /**
   * ^C signals whichever process group holds the terminal. When that is the shell itself — between two commands of
   * the line, or just forking the next job — bash can take the signal after the fork and before it waits, return to
   * its prompt while the new job keeps the terminal, then fail to read the terminal from the background and exit
   * (status 130, all shell state lost). So wait briefly for a job to hold the terminal: here, where the shell's /proc
   * is readable from this process, else with a helper beside the shell (bounded, as starting one over SSH or docker
   * exec can be slow). A shell busy with builtins only (`while :; do :; done`) gets the ^C after the wait.
   */
  private async jobHoldsTerminal(r: Running): Promise<void> {
    const pid = this.info?.hostPid;
    if (!pid) return;
    if (!this.o.procVisible) {
      await Promise.race([runQuietly(this.o.host, awaitJobScript(pid, JOB_WAIT_MS)), sleep(REMOTE_JOB_WAIT_MS)]);
      return;
    }
    const until = performance.now() + JOB_WAIT_MS;
    while (!r.done && performance.now() < until && shellHoldsTerminal(pid)) await sleep(5);
  }

  /** The command survived SIGINT and SIGKILL of its process group (or the shell itself ignores SIGINT). */
  private killStuckShell(r: Running): void {
    if (r.done || this.state !== 'ready') return;
    this.o.log.warn('command did not stop; killing the shell');
    this.state = 'dead';
    this.generation++;
    this.pendingNote = this.restartNote('was killed because a command did not stop');
    r.finish(null, undefined, '[hermes: the command did not stop; its shell was killed and the next command starts a new one]');
    void this.teardown();
  }

  private restartNote(what: string): string {
    return `[hermes: the previous shell ${what}; this is a new shell in ${this.currentCwd} — shell variables, functions and activated environments from before are gone]`;
  }

  private onTermExit(gen: number, code: number | null, signal?: string): void {
    if (gen !== this.generation || this.state === 'closed') return;
    const wasStarting = this.initWaiter;
    if (wasStarting) {
      wasStarting.reject(new Error(`the shell exited while starting (code ${code ?? signal}); it printed: ${JSON.stringify(wasStarting.text.slice(-500))}`));
      return;
    }
    this.state = 'dead';
    const how = code !== null ? `exited with code ${code}` : `was killed${signal ? ` (${signal})` : ''}`;
    this.pendingNote = this.restartNote(how);
    this.o.log.info('shell ended', { code, signal });
    const r = this.running;
    const parts = { info: this.info, term: this.term, reader: this.reader, readerPid: this.readerPid, exited: true };
    // Let the FIFO reader deliver what the command wrote before the shell went away, then retire this generation.
    const drained = this.readerDone ? Promise.race([this.readerDone, sleep(300)]) : Promise.resolve();
    void drained.then(() => {
      if (gen === this.generation) this.generation++;
      r?.finish(code, undefined, `[hermes: the shell ${how}; the next command starts a new shell]`);
      void this.teardownOf(parts);
    });
  }

  /** Kills the current shell and its helpers; later calls see nothing left to tear down. */
  private teardown(): Promise<void> {
    const parts = { info: this.info, term: this.term, reader: this.reader, readerPid: this.readerPid };
    this.term = undefined;
    this.reader = undefined;
    return this.teardownOf(parts);
  }

  private async teardownOf(p: {
    info?: ShellInfo;
    term?: RawProcess;
    reader?: RawProcess;
    readerPid?: number;
    /** The shell is gone already: its pid may belong to someone else by now. */
    exited?: boolean;
  }): Promise<void> {
    if (p.info) {
      const script = teardownScript(p.exited ? 0 : p.info.hostPid ?? 0, p.readerPid ? [p.readerPid] : [], p.info.hostDir);
      await runQuietly(this.o.host, script);
    }
    p.term?.destroy();
    p.reader?.destroy();
  }
}

const JOB_WAIT_MS = 150;
/** Longest an interrupt waits for the remote helper of jobHoldsTerminal before typing ^C anyway. */
const REMOTE_JOB_WAIT_MS = 1500;
/** After the escalation helper ran: how long the shell has to come back before it is killed. */
const KILL_AFTER_MS = 2000;
/** Longest wait for the escalation helper itself. */
const HELPER_BACKSTOP_MS = 15_000;

/** The terminal's foreground process group is the shell's own (fields after the command name: state ppid pgrp
 * session tty_nr tpgid). Unknown counts as no, so nothing waits on an unreadable /proc. */
function shellHoldsTerminal(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return f[2] !== undefined && f[2] === f[5];
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
