// The Cmd a rule sees: one object per command, delegating to the walker (cheaper than a bag of closures).
import type { Cmd, CodeSink, RunFlags } from './cmd';
import type { Arg } from './expand';
import type { Flow, StageInfo } from './producers';
import type { Ctx, FsProbe } from './types';

/** What the walker offers to commands it classifies. */
export interface WalkerOps {
  readonly ctx: Ctx;
  readonly cwd: string | undefined;
  readonly shellNesting: number;
  add(key: string, part: string, description: string): void;
  write(path: string, part: string, how: string): void;
  run(args: Arg[], part: string, depth: number, flags: RunFlags, stdin: (() => Flow | null) | null): StageInfo;
  runScript(text: string, depth: number, positional?: string[]): number;
  runFlow(flow: Flow | null, sink: CodeSink, part: string, depth: number): void;
  flowsOf(a: Arg): Flow[];
  checkExecuted(path: string, part: string, depth: number, sink: 'shell' | 'interpreter'): void;
  markExecutable(path: string): void;
  markDownloaded(path: string): void;
  markWritten(path: string, content: string, append: boolean): void;
  markAlias(path: string, name: string): void;
  setVar(name: string, value: string): void;
  readonly probe: FsProbe | undefined;
  readonly cwdRaw: string | undefined;
  readonly contentDepth: number;
  runContent(text: string, depth: number): number;
  judgeFile(path: string, part: string, depth: number, sink: 'shell' | 'interpreter'): void;
  judgeProgram(text: string, part: string, depth: number, what: string): void;
  real(path: string): string | null;
  markLink(target: string, link: string): void;
  defineAlias(name: string, text: string): void;
  truncation(path: string, part: string, how: string): void;
}

export class CmdView implements Cmd {
  readonly ctx: Ctx;
  readonly cwd: string | undefined;
  readonly shellNesting: number;
  private memo: Flow | null | undefined;

  constructor(
    private readonly w: WalkerOps,
    readonly name: string,
    readonly args: Arg[],
    readonly part: string,
    private readonly depth: number,
    readonly flags: RunFlags,
    private readonly input: (() => Flow | null) | null,
  ) {
    this.ctx = w.ctx;
    this.cwd = w.cwd;
    this.shellNesting = w.shellNesting;
  }

  stdin(): Flow | null {
    if (this.memo === undefined) this.memo = this.input ? this.input() : null;
    return this.memo;
  }

  add = (key: string, description: string): void => this.w.add(key, this.part, description);

  write(path: string, how: string): void {
    this.w.write(path, this.part, how);
  }

  run(args: Arg[], flags?: Partial<RunFlags>): StageInfo {
    return this.w.run(args, this.part, this.depth + 1, flags ? { ...this.flags, ...flags } : this.flags, this.input);
  }

  runScript(text: string, positional?: string[]): number {
    return this.w.runScript(text, this.depth + 1, positional);
  }

  runFlow(flow: Flow | null, sink: CodeSink): void {
    this.w.runFlow(flow, sink, this.part, this.depth + 1);
  }

  flowsOf(a: Arg): Flow[] {
    return this.w.flowsOf(a);
  }

  checkExecuted(path: string, sink: 'shell' | 'interpreter'): void {
    this.w.checkExecuted(path, this.part, this.depth + 1, sink);
  }

  markExecutable(path: string): void {
    this.w.markExecutable(path);
  }

  markDownloaded(path: string): void {
    this.w.markDownloaded(path);
  }

  markWritten(path: string, content: string, append: boolean): void {
    this.w.markWritten(path, content, append);
  }

  markAlias(path: string, name: string): void {
    this.w.markAlias(path, name);
  }

  setVar(name: string, value: string): void {
    this.w.setVar(name, value);
  }

  get probe(): FsProbe | undefined {
    return this.w.probe;
  }

  get inContent(): boolean {
    return this.w.contentDepth > 0;
  }

  runContent(text: string): number {
    return this.w.runContent(text, this.depth + 1);
  }

  get dir(): string | undefined {
    return this.w.cwdRaw;
  }

  judgeFile(path: string, sink: 'shell' | 'interpreter'): void {
    this.w.judgeFile(path, this.part, this.depth + 1, sink);
  }

  judgeProgram(text: string, what: string): void {
    this.w.judgeProgram(text, this.part, this.depth + 1, what);
  }

  real(path: string): string | null {
    return this.w.real(path);
  }

  markLink(target: string, link: string): void {
    this.w.markLink(target, link);
  }

  defineAlias(name: string, text: string): void {
    this.w.defineAlias(name, text);
  }

  truncation(path: string, how: string): void {
    this.w.truncation(path, this.part, how);
  }
}
