import type { InjectionFinding } from './injection';

export interface ContextParams {
  /** The workspace folder; AGENTS.md is looked up from here down to `cwd`. */
  workspaceRoot: string;
  /** Working directory of the session; defaults to `workspaceRoot`. */
  cwd?: string;
  /** HERMES_HOME, the fallback location of SOUL.md. */
  hermesHome: string;
  /** Per-file cap in characters (code points); default 20,000. */
  maxChars?: number;
}

export type ContextFileKind = 'soul' | 'agents' | 'cursorrules' | 'cursor-rule';

export interface ContextFile {
  kind: ContextFileKind;
  /** Absolute path. */
  path: string;
  /** Relative to the workspace root with `/` separators; `HERMES_HOME/SOUL.md`; absolute when outside both. */
  relPath: string;
  /** Characters in the file's text (after BOM and .mdc frontmatter removal, CRLF as LF). */
  size: number;
  truncated: boolean;
  /** Characters of the file kept in `content` (head + tail when truncated, else `size`). */
  keptChars: number;
  /** For the user: injection findings and truncation, one sentence each. */
  warnings: string[];
  /** Prompt-injection findings behind the warnings (flagged, never dropped). */
  findings: InjectionFinding[];
  /** The text in effect, truncation marker included. */
  content: string;
}

export interface ContextReport {
  workspaceRoot: string;
  cwd: string;
  hermesHome: string;
  maxChars: number;
  /** The identity in effect; null means DEFAULT_SOUL applies. */
  soul: ContextFile | null;
  /** AGENTS.md levels, workspace root first, nearest to cwd last. */
  agents: ContextFile[];
  /** `.cursorrules`, then `.cursor/rules/*.mdc` by name. */
  rules: ContextFile[];
  /** soul, agents, rules in that order: everything in effect. */
  files: ContextFile[];
  /** Every file's warnings prefixed with its relPath, plus files that exist but could not be read. */
  warnings: string[];
}

export interface Disposable {
  dispose(): void;
}
