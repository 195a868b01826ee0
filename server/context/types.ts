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
  /**
   * false when the editor says the workspace is not trusted (VS Code Restricted Mode): nothing from the workspace
   * (SOUL.md, project files, rules) is loaded; SOUL.md comes from HERMES_HOME only.
   */
  workspaceTrusted?: boolean;
}

/** Which SOUL.md is the identity: the workspace's, the user's in HERMES_HOME, or the built-in default. */
export type SoulLevel = 'workspace' | 'hermes-home' | 'default';

export type ContextFileKind = 'soul' | 'hermes-md' | 'agents' | 'claude-md' | 'cursorrules' | 'cursor-rule';

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
  soulLevel: SoulLevel;
  /**
   * The workspace SOUL.md won over a different HERMES_HOME/SOUL.md: a cloned repository is replacing the user's
   * own identity. Holds the path of the user's file that was set aside.
   */
  soulOverrides?: string;
  workspaceTrusted: boolean;
  /**
   * The project context in effect. As in Hermes, one kind wins, first found: `.hermes.md`/`HERMES.md` (cwd up to
   * the workspace root), AGENTS.md (every level, root to cwd), `CLAUDE.md`, then the Cursor rules.
   */
  project: 'hermes-md' | 'agents' | 'claude-md' | 'rules' | null;
  /** The project files of the winning kind (empty when another kind won). */
  agents: ContextFile[];
  /** `.cursorrules`, then `.cursor/rules/*.mdc` by name; together capped at maxChars. */
  rules: ContextFile[];
  /** soul, then the project files: everything in effect. */
  files: ContextFile[];
  /** Every file's warnings prefixed with its relPath, plus files that exist but could not be read. */
  warnings: string[];
}

export interface Disposable {
  dispose(): void;
}
