// The view of one command the rules work on. The walker (classify.ts) implements it; rules only read
// arguments and report findings, writes and nested commands through it.
import type { Arg } from './expand';
import type { Flow, StageInfo } from './producers';
import type { Ctx, FsProbe } from './types';

export interface RunFlags {
  /** Arguments arrive on stdin (`xargs cmd`). */
  xargs: boolean;
  /** The `find` whose -exec runs this command: its start paths, and whether it selects everything below them. */
  findExec: { paths: string[]; unfiltered: boolean } | null;
}

export type CodeSink = 'shell' | 'interpreter' | 'sql' | 'at';

export interface Cmd {
  /** Lower-cased command name (basename of args[0]). */
  readonly name: string;
  /** args[0] is the command word. */
  readonly args: Arg[];
  readonly part: string;
  readonly ctx: Ctx;
  readonly flags: RunFlags;
  /** Working directory when a preceding `cd` made it known (lower-cased), else undefined. */
  readonly cwd: string | undefined;
  /** What arrives on stdin: a heredoc, a here-string or the pipeline before this command (null: a terminal). */
  stdin(): Flow | null;
  add(key: string, description: string): void;
  /** Reports a write to `path` if it is sensitive (raw block device, system config, credentials, …). */
  write(path: string, how: string): void;
  /** Classifies a wrapped command (sudo's, env's, xargs', find -exec's). */
  run(args: Arg[], flags?: Partial<RunFlags>): StageInfo;
  /** Parses and classifies a shell string (`sh -c`, eval, ssh, alias); returns how many findings it added. */
  runScript(text: string, positional?: string[]): number;
  /** Judges content that a shell, an interpreter, a SQL client or `at` will run. */
  runFlow(flow: Flow | null, sink: CodeSink): void;
  /** Flows of the command/process substitutions inside an argument. */
  flowsOf(a: Arg): Flow[];
  /** How many `sh -c`/eval layers enclose this command. */
  readonly shellNesting: number;
  markExecutable(path: string): void;
  markDownloaded(path: string): void;
  /** Remembers known content written to a file, so running it later is judged by that content. */
  markWritten(path: string, content: string, append: boolean): void;
  /** Remembers that `path` is a copy or link of command `name` (`cp /bin/rm x; ./x -rf /`). */
  markAlias(path: string, name: string): void;
  setVar(name: string, value: string): void;
  /** Reports running a file this same command line downloaded or just made executable. */
  checkExecuted(path: string, sink: 'shell' | 'interpreter'): void;
  /** Parses and classifies content read from disk (package.json scripts, recipes, hooks). */
  runContent(text: string): number;
  /** Inside content read from disk: recursive deletes of workspace subdirectories are routine there. */
  readonly inContent: boolean;
  /** Reads the file through the probe and judges what it will run. */
  judgeFile(path: string, sink: 'shell' | 'interpreter'): void;
  /** Judges program text an interpreter will run (inline code). */
  judgeProgram(text: string, what: string): void;
  /** The filesystem probe, when files can be read. */
  readonly probe: FsProbe | undefined;
  /** The working directory in original case, when known. */
  readonly dir: string | undefined;
  /** Where `path` really leads through symlinks (lower-cased), or null. */
  real(path: string): string | null;
  /** `ln -s target link`: later paths through `link` lead to `target`. */
  markLink(target: string, link: string): void;
  defineAlias(name: string, text: string): void;
  /** Emptying `path` destroys its contents unless it is scratch or empty. */
  truncation(path: string, how: string): void;
}

export type Rule = (c: Cmd) => StageInfo | void;
