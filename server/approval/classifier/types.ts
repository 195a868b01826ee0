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
}

export interface ClassifyOptions {
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
