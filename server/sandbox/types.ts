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
  /** stdout and stderr, merged as they arrived. Starts with a `[hermes: ...]` note when the shell had to be restarted
   * (state lost), and ends with one when the shell died during this command. */
  output: string;
  /** The command's exit status. After a timeout or interrupt: the status the shell reported (usually 130 or 137).
   * `null` when the shell itself was killed or the sandbox closed before it reported one. */
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  /** The persistent shell's cwd after the command. */
  cwd: string;
  durationMs: number;
}

/** Background processes start with the persistent shell's exported environment (an activated venv included), in
 * `workdir` (relative to the shell's cwd) or the shell's cwd, with stdout and stderr merged. */
export interface SpawnOptions {
  workdir?: string;
  pty?: boolean;
}

/** A background process. Output is delivered as it comes; the process registry keeps the rolling buffer. */
export interface ProcessHandle {
  /** pid inside the sandbox (the container's or remote host's pid namespace). */
  readonly pid?: number;
  onData(cb: (chunk: string) => void): void;
  onExit(cb: (exitCode: number | null, signal?: string) => void): void;
  write(data: string): void;
  /** EOF on stdin (on a pty: ^D). */
  closeStdin(): void;
  /** Signals the process and its descendants (default SIGTERM). */
  kill(signal?: NodeJS.Signals): void;
}

export interface FileStat {
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mtimeMs: number;
  mode: number;
}

/**
 * Paths are POSIX paths inside the sandbox; relative ones resolve against the shell's cwd and `~` against home().
 * Failures reject with an Error whose `code` is a POSIX name (ENOENT, EACCES, EISDIR, ENOTDIR, EEXIST, EIO), the same
 * on every backend (`SandboxFsError` in errors.ts; local passes Node's fs errors, which carry the same codes).
 */
export interface SandboxFs {
  readFile(path: string): Promise<Buffer>;
  /** Creates parent directories; atomic where the backend allows (temp + rename). Without `mode`, an existing file
   * keeps its mode; a symlink is written through (its target changes). Refuses `/`. */
  writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void>;
  /** `null` when the path does not exist. Does not follow a final symlink. */
  stat(path: string): Promise<FileStat | null>;
  readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]>;
  /** EEXIST if the path exists (unless recursive and it is a directory); ENOENT for a missing parent (not recursive). */
  mkdir(path: string, opts?: { recursive?: boolean }): Promise<void>;
  /** Removes a file, symlink or whole directory tree; nothing happens if the path does not exist. Refuses `/`. */
  remove(path: string): Promise<void>;
  realpath(path: string): Promise<string>;
}

/** The OS sandbox under a backend's commands (local: bwrap). Docker and SSH have their own isolation and no
 * confinement of this kind: there is no "outside" to escalate to from a container or a remote machine. */
export interface Confinement {
  /** Commands run confined. */
  confined: boolean;
  /** Where commands may write (when confined). */
  writable: string[];
  /** Paths kept read-only or hidden from commands (when confined). */
  protected: string[];
  network: boolean;
  /** Set when the sandbox was wanted but cannot work here (commands run unconfined). */
  warning?: string;
}

export interface Sandbox extends SandboxFs {
  readonly kind: SandboxKind;
  readonly confinement?: Confinement;
  /** Runs one command outside the OS sandbox, in a non-persistent shell with the persistent shell's exported
   * environment, in `workdir` or the shell's cwd. Only for a command the user approved to run there. */
  execOutside?(command: string, opts: ExecOptions): Promise<ExecResult>;
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
  /** The thread's sandbox (created on first use, shell started), starting in `cwd` for local. Docker starts in
   * /workspace (or `cwd` when it lies under /workspace); SSH in `terminal.cwd` or the remote home. */
  get(threadId: string, cwd: string): Promise<Sandbox>;
  release(threadId: string): Promise<void>;
  /** The thread continues under a new id (context compression): its sandbox goes with it. */
  rekey(fromThreadId: string, toThreadId: string): void;
  closeAll(): Promise<void>;
  /** For `hermes-host doctor`: is the configured backend reachable? */
  check(): Promise<{ ok: boolean; message: string }>;
}
