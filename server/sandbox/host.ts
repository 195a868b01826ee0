// What a backend provides to the shared shell protocol: a way to start a program on a terminal (the persistent shell)
// and a way to run a program beside it without one (FIFO reader, kill helpers, file operations, background processes).
// Local implements these with node-pty/child_process, Docker with exec, SSH with exec channels.

export interface RawProcess {
  onData(cb: (chunk: Buffer) => void): void;
  /** Separate stderr (only for `run` without a tty; on a terminal everything arrives through onData). */
  onStderr(cb: (chunk: Buffer) => void): void;
  onExit(cb: (code: number | null, signal?: string) => void): void;
  write(data: string | Buffer): void;
  /** Closes stdin (EOF). */
  end(): void;
  /** Drops our end of the channel. Remote programs may live on: kill them with a script first. */
  destroy(): void;
  /** Local pid when the program runs on this machine. */
  readonly localPid?: number;
}

export interface RunOptions {
  tty?: boolean;
  cwd?: string;
  env?: Record<string, string>;
  /** Only use an existing connection (cleanup and kill helpers must not reconnect to a host that went away). */
  reuseOnly?: boolean;
}

export interface ShellHost {
  openTerminal(argv: string[], opts: RunOptions): Promise<RawProcess>;
  run(argv: string[], opts?: RunOptions): Promise<RawProcess>;
}

/**
 * A RawProcess whose events are fed by a backend. Data and exit that arrive before anyone listens are kept and
 * replayed to the first listener, so callers may subscribe after an await without losing the first bytes.
 */
export class Pipe implements RawProcess {
  private dataCbs: ((b: Buffer) => void)[] = [];
  private errCbs: ((b: Buffer) => void)[] = [];
  private exitCbs: ((code: number | null, signal?: string) => void)[] = [];
  private pendingData: Buffer[] = [];
  private pendingErr: Buffer[] = [];
  private exited?: { code: number | null; signal?: string };
  private destroyed = false;

  constructor(
    private readonly io: {
      write(data: string | Buffer): void;
      end(): void;
      destroy(): void;
    },
    readonly localPid?: number,
  ) {}

  emitData(b: Buffer): void {
    if (this.dataCbs.length) for (const cb of this.dataCbs) cb(b);
    else this.pendingData.push(b);
  }

  emitStderr(b: Buffer): void {
    if (this.errCbs.length) for (const cb of this.errCbs) cb(b);
    else this.pendingErr.push(b);
  }

  emitExit(code: number | null, signal?: string): void {
    if (this.exited) return;
    this.exited = { code, signal };
    for (const cb of this.exitCbs) cb(code, signal);
  }

  get hasExited(): boolean {
    return this.exited !== undefined;
  }

  onData(cb: (chunk: Buffer) => void): void {
    this.dataCbs.push(cb);
    const p = this.pendingData;
    this.pendingData = [];
    for (const b of p) cb(b);
  }

  onStderr(cb: (chunk: Buffer) => void): void {
    this.errCbs.push(cb);
    const p = this.pendingErr;
    this.pendingErr = [];
    for (const b of p) cb(b);
  }

  onExit(cb: (code: number | null, signal?: string) => void): void {
    this.exitCbs.push(cb);
    if (this.exited) cb(this.exited.code, this.exited.signal);
  }

  write(data: string | Buffer): void {
    if (!this.exited && !this.destroyed) this.io.write(data);
  }

  end(): void {
    if (!this.exited && !this.destroyed) this.io.end();
  }

  destroy(): void {
    this.destroyed = true;
    this.io.destroy();
  }
}

export interface Collected {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs argv beside the shell, feeds `stdin`, and collects the outcome. */
export async function runCollect(
  host: ShellHost,
  argv: string[],
  opts: RunOptions & { stdin?: Buffer | string; timeoutMs?: number } = {},
): Promise<Collected> {
  const p = await host.run(argv, { tty: false, cwd: opts.cwd, env: opts.env, reuseOnly: opts.reuseOnly });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  p.onData((b) => out.push(b));
  p.onStderr((b) => err.push(b));
  const done = new Promise<Collected>((resolve) =>
    p.onExit((code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') })),
  );
  if (opts.stdin !== undefined) p.write(opts.stdin);
  p.end();
  if (!opts.timeoutMs) return done;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      p.destroy();
      reject(new Error(`${argv.join(' ').slice(0, 80)}: no answer after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
  });
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a sh script beside the shell, ignoring its output; never throws (used for kills and cleanup). */
export async function runQuietly(host: ShellHost, script: string, timeoutMs = 5000): Promise<void> {
  try {
    await runCollect(host, ['sh', '-c', script], { timeoutMs, reuseOnly: true });
  } catch {
    // best effort: the shell or connection may be gone already
  }
}
