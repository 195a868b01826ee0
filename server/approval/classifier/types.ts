// Public shapes of the dangerous-command classifier plus the internal context the rule modules share.

export type Severity = 'approve' | 'block';
export type VerdictKind = 'allow' | 'approve' | 'block';

export interface Finding {
  /** Stable human-readable class; the approval and allowlist key (e.g. 'recursive delete'). */
  key: string;
  severity: Severity;
  /** The offending part of the command, as written (after normalisation). */
  part: string;
  description: string;
}

export interface Verdict {
  verdict: VerdictKind;
  reasons: Finding[];
  /** Every simple command found, including those inside `bash -c`, `$(…)`, heredocs fed to shells, etc. */
  parts: string[];
  /** The shell state after this command ran (input state plus its alias and function definitions). */
  state?: ShellState;
}

/** Shell state that persists in the thread's shell between commands: aliases and functions (name → text). */
export interface ShellState {
  aliases: Map<string, string>;
  functions: Map<string, string>;
}

/** Read-only, synchronous look at the filesystem the command will run on (small files only). */
export interface FsProbe {
  /** Text of a small regular file (absolute path, original case), or null: missing, too large, binary. */
  readText(abs: string): string | null;
  /** Size in bytes of an existing file (following symlinks), or null when there is none. */
  size(abs: string): number | null;
  /** The path with every symlink resolved (missing tail components kept as written), or null. */
  realpath(abs: string): string | null;
  /** The well-known program (rm, dd, shred, …) this file is a copy or link of, or null. */
  identify(abs: string): string | null;
}

export interface ClassifyOptions {
  /** Reads scripts, package.json, Makefiles and git config the command will run, and resolves symlinks. */
  probe?: FsProbe;
  /** Aliases and functions defined by earlier commands in the same persistent shell. */
  state?: ShellState;
  /** The user's home directory; defaults to os.homedir(). */
  home?: string;
  /** HERMES_HOME; defaults to $HERMES_HOME or <home>/.hermes. */
  hermesHome?: string;
  /** The host's own pid, so `kill <pid>` is recognised as self-termination. */
  hostPid?: number;
  /** The shell's working directory, when known: relative paths (`rm -rf *`) resolve against it. */
  cwd?: string;
}

export interface PathOptions {
  probe?: FsProbe;
  home?: string;
  hermesHome?: string;
  /** Directory relative paths are resolved against. */
  cwd?: string;
}

export interface PathVerdict {
  verdict: VerdictKind;
  reasons: Finding[];
}

/** Resolved, lower-cased context the rules compare paths against. */
export interface Ctx {
  home: string;
  hermesHome: string;
  /** `<home>/.hermes`: folded forms of HERMES_HOME resolve here even when HERMES_HOME lives elsewhere. */
  hermesHomeDefault: string;
  hostPid?: number;
  /** Original-case forms for textual folding of absolute paths. */
  homeRaw: string;
  hermesHomeRaw: string;
}
