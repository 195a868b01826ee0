// The contract every terminal backend (local PTY, Docker, SSH) implements. Tools never touch the host filesystem or
// spawn processes directly: they go through a Sandbox, so they behave the same in a container or over SSH.

export type SandboxKind = 'local' | 'docker' | 'ssh';

export interface ExecOptions {
  /** Hard limit; on expiry the command is killed and the shell stays usable. */
  timeoutMs: number;
  /** Directory to run in (absolute, or relative to the shell's cwd); the shell's cwd persists afterwards. */
  workdir?: string;
  /** Aborting kills the running command (within ~500 ms) and resolves with `interrupted: true`. */
  signal?: AbortSignal;
  /** Attach the command to a terminal (interactive programs, colours). Default: stdin from /dev/null, no tty. */
  pty?: boolean;
  /** Streamed output as it arrives (already decoded, ANSI kept). */
  onOutput?: (chunk: string) => void;
}

export interface ExecResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  /** The persistent shell's cwd after the command. */
  cwd: string;
  durationMs: number;
}

export interface SpawnOptions {
  workdir?: string;
  pty?: boolean;
}

/** A background process. Output is delivered as it comes; the process registry keeps the rolling buffer. */
export interface ProcessHandle {
  readonly pid?: number;
  onData(cb: (chunk: string) => void): void;
  onExit(cb: (exitCode: number | null, signal?: string) => void): void;
  write(data: string): void;
  closeStdin(): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface FileStat {
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mtimeMs: number;
  mode: number;
}

export interface SandboxFs {
  readFile(path: string): Promise<Buffer>;
  /** Creates parent directories; atomic where the backend allows (temp + rename). */
  writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void>;
  /** `null` when the path does not exist. Does not follow a final symlink. */
  stat(path: string): Promise<FileStat | null>;
  readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]>;
  mkdir(path: string, opts?: { recursive?: boolean }): Promise<void>;
  remove(path: string): Promise<void>;
  realpath(path: string): Promise<string>;
}

export interface Sandbox extends SandboxFs {
  readonly kind: SandboxKind;
  /** Human-readable, e.g. `docker container hermes-t_abc (debian:bookworm-slim)`. */
  readonly description: string;
  /** The persistent shell's current directory (absolute, inside the sandbox). */
  cwd(): string;
  home(): string;
  /** Runs in the persistent shell: cwd, exported variables and activated environments survive between calls. */
  exec(command: string, opts: ExecOptions): Promise<ExecResult>;
  /** Starts a background process in its own process group. */
  spawn(command: string, opts: SpawnOptions): Promise<ProcessHandle>;
  close(): Promise<void>;
}

export interface SandboxManager {
  /** The thread's sandbox (created on first use), starting in `cwd`. */
  get(threadId: string, cwd: string): Promise<Sandbox>;
  release(threadId: string): Promise<void>;
  closeAll(): Promise<void>;
  /** For `hermes-host doctor`: is the configured backend reachable? */
  check(): Promise<{ ok: boolean; message: string }>;
}
