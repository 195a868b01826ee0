// The walker: visits every simple command (in pipelines, groups, functions, substitutions, heredocs fed to
// shells, `sh -c` strings), expands words, unwraps wrappers through the rule table and collects findings.
// One walker classifies one command line; state (variables, cwd, files written or downloaded) carries from
// one part to the next, the way the shell's would.
import type { Command, Redirect, Script, SimpleCommand, Word } from './ast';
import { cmdName } from './argv';
import type { CodeSink, RunFlags } from './cmd';
import { CmdView, type WalkerOps } from './cmd-view';
import { expandWord, type Arg, type Scope, type Taint } from './expand';
import { APPROVE, BLOCK, severityOf } from './keys';
import { foldHomeForms, normalizeText } from './normalize';
import { normalizeRel, resolvePath } from './paths';
import { judgeProgramText } from './content';
import { PathChecks } from './path-checks';
import { flowThrough, isRemoteCommand, literalFlow, stageOutput, type Flow, type StageInfo } from './producers';
import { initScript, RULES, scanSql, sqlInArgs, SQL_CLIENTS } from './rules';
import { isHermesSecret, sensitiveWrite } from './sensitive-paths';
import { judgeSpecialAssignment, rawPath, SECRET_SKIP, shellQuote } from './shell-state';
import { parseShell } from './shell-split';
import { containsRemote, isForkBomb } from './tree-scan';
import type { Ctx, Finding, FsProbe, ShellState } from './types';

const MAX_DEPTH = 40;
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?(\+?)=([\s\S]*)$/;
const DECLARE = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const WRITE_OPS = new Set(['>', '>>', '>|', '<>', '&>', '&>>']);
const SUBST_SHOWN = '$(…)';
const NO_FLAGS: RunFlags = { xargs: false, findExec: null };
/** Command names a function definition would silently replace for every later command in the shell. */
const SHADOWED = new Set(['ls', 'cd', 'cat', 'echo', 'git', 'npm', 'node', 'python', 'python3', 'make', 'test', 'true', 'false', 'pwd', 'grep', 'sudo', 'command_not_found_handle', 'builtin', 'command', 'exec', 'source', 'printf', 'cp', 'mv', 'rm', 'mkdir', 'ssh', 'curl', 'bash', 'sh']);

export class Walker implements Scope, WalkerOps {
  readonly findings: Finding[] = [];
  readonly parts: string[] = [];
  readonly vars = new Map<string, string>();
  readonly varTaint = new Map<string, Taint>();
  positional: string[] = [];
  cwd: string | undefined;
  shellNesting = 0;
  private readonly seen = new Set<string>();
  private readonly partSeen = new Set<string>();
  private readonly lastStages = new Map<Script, StageInfo[]>();
  // Rarely used: created on first use.
  private written: Map<string, string> | undefined;
  private aliases: Map<string, string> | undefined;
  private executables: Set<string> | undefined;
  private downloaded: Set<string> | undefined;
  private remoteScripts: Set<Script> | undefined;
  /** Earlier values of reassigned variables: `X="rm -rf /"; false && X=echo; $X` may run either. */
  private alts: Map<string, string[]> | undefined;
  /** Functions defined in this command line. */
  private funcs: Map<string, Command> | undefined;
  private pathChecks: PathChecks | undefined;
  /** The thread's state before this command; copied on the first definition (most commands define nothing). */
  private readonly baseState: ShellState | undefined;
  private ownState: ShellState | undefined;
  /** Original-case working directory, for reading files through the probe. */
  cwdRaw: string | undefined;
  positionalUnknown = false;
  /** An alias or function was defined. */
  stateChanged = false;
  readonly probe: FsProbe | undefined;
  /** Aliases and functions in force: the thread's earlier state plus this line's definitions. */
  get state(): ShellState {
    if (!this.ownState) {
      const b = this.baseState;
      this.ownState = { aliases: new Map(b?.aliases), functions: new Map(b?.functions) };
    }
    return this.ownState;
  }

  private get paths(): PathChecks {
    return (this.pathChecks ??= new PathChecks(this));
  }

  private lookupState(kind: 'aliases' | 'functions', name: string): string | undefined {
    return (this.ownState ?? this.baseState)?.[kind].get(name);
  }

  constructor(
    readonly ctx: Ctx,
    cwd?: string,
    opts: { probe?: FsProbe; state?: ShellState } = {},
  ) {
    this.cwd = cwd ? (resolvePath(cwd, ctx) ?? undefined) : undefined;
    this.cwdRaw = cwd && cwd.startsWith('/') ? cwd : undefined;
    this.probe = opts.probe;
    this.baseState = opts.state;
  }

  add(key: string, part: string, description: string): void {
    const id = `${key}\0${part}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.findings.push({ key, severity: severityOf(key), part, description });
  }

  private addPart(text: string): void {
    if (text && !this.partSeen.has(text)) {
      this.partSeen.add(text);
      this.parts.push(text);
    }
  }

  // ---- Scope: static values of substitutions ----

  sub(sc: Script): { value: string | null; taint?: Taint } {
    if (!sc.pipelines.length) return { value: '' };
    const stages = this.lastStages.get(sc);
    if (!stages?.length) return { value: null };
    const first = stages[0];
    if (stages.length === 1 && sc.pipelines.length === 1) {
      const last = first.args[first.args.length - 1]?.v;
      if ((first.name === 'which' || first.name === 'command' || first.name === 'type') && last && !last.startsWith('-')) return { value: last };
      if (first.name === 'pwd') return { value: '.' };
    }
    const flow = this.flowOf(sc);
    const taint: Taint | undefined = flow?.remote ? 'remote' : flow?.decoded ? 'decoded' : undefined;
    if (sc.pipelines.length !== 1 || !flow || flow.content === null) return { value: null, taint };
    return { value: flow.content.replace(/\n+$/, ''), taint };
  }

  private flowOf(sc: Script): Flow | null {
    const stages = this.lastStages.get(sc);
    const f = stages ? flowThrough(stages, this.ctx) : null;
    if (f && this.remoteScripts?.has(sc)) f.remote = true;
    return f;
  }

  flowsOf(a: Arg): Flow[] {
    if (!a.w) return [];
    const out: Flow[] = [];
    for (const sc of [...a.w.subs, ...a.w.procs]) {
      const f = this.flowOf(sc);
      if (f) out.push(f);
    }
    return out;
  }

  // ---- walking ----

  walkScript(sc: Script, depth: number, inherited: (() => Flow | null) | null): void {
    if (sc.truncated) this.add(APPROVE.TOO_DEEP, '(command)', 'the command is too large or too deeply nested to check');
    for (const p of sc.pipelines) {
      const stages: StageInfo[] = [];
      for (let k = 0; k < p.commands.length; k++) {
        const upto = k;
        const stdin = k === 0 ? inherited : () => flowThrough(stages.slice(0, upto), this.ctx);
        const st = this.walkCommand(p.commands[k], depth, stdin);
        stages.push(st);
        if (isRemoteCommand(st.name) || st.remoteInside) (this.remoteScripts ??= new Set()).add(sc);
      }
      this.lastStages.set(sc, stages);
    }
  }

  private walkWords(words: Word[], depth: number): void {
    for (const w of words) {
      for (const s of w.subs) this.walkScript(s, depth + 1, null);
      for (const s of w.procs) this.walkScript(s, depth + 1, null);
    }
  }

  private walkCommand(c: Command, depth: number, stdin: (() => Flow | null) | null): StageInfo {
    if (depth > MAX_DEPTH) {
      this.add(APPROVE.TOO_DEEP, c.text, 'the command is too deeply nested to check');
      return { name: '', args: [] };
    }
    switch (c.kind) {
      case 'simple':
        return this.walkSimple(c, depth, stdin);
      case 'group': {
        this.walkScript(c.body, depth + 1, stdin);
        this.redirects(c.redirects, c.text, depth, false);
        return { name: '', args: [], remoteInside: containsRemote(c.body) };
      }
      case 'func': {
        if (isForkBomb(c.name, c.body)) this.add(BLOCK.FORK_BOMB, c.text, `function ${c.name} spawns copies of itself without end`);
        // The function persists in the thread's shell: its body is judged now, with unknown arguments, so a
        // dispatcher like `f(){ "$@"; }` asks here; calls in this line are judged with their arguments.
        const savedUnknown = this.positionalUnknown;
        this.positionalUnknown = true;
        this.walkCommand(c.body, depth + 1, null);
        this.positionalUnknown = savedUnknown;
        (this.funcs ??= new Map()).set(c.name, c.body);
        this.state.functions.set(c.name, c.body.text);
        this.stateChanged = true;
        if (SHADOWED.has(c.name)) this.add(APPROVE.SHELL_STATE, c.text, `defines a function named ${c.name}, which replaces that command in this shell from now on`);
        return { name: '', args: [] };
      }
      case 'noop':
        if (/^(?:for|select)\s/.test(c.text)) this.forHeader(c.words);
        this.walkWords(c.words, depth);
        this.redirects(c.redirects, c.text, depth, false);
        return { name: '', args: [] };
    }
  }

  /** `for d in ~ /tmp; do …`: the loop variable takes each value in turn. */
  private forHeader(words: Word[]): void {
    const name = words[0]?.text;
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return;
    const values = words[1]?.text === 'in' ? words.slice(2).flatMap((w) => expandWord(w, this).map((a) => a.v)) : this.positional;
    if (!values.length) return;
    this.vars.set(name, values[0]);
    if (values.length > 1) (this.alts ??= new Map()).set(name, values.slice(1, 9));
  }

  private walkSimple(c: SimpleCommand, depth: number, stdin: (() => Flow | null) | null): StageInfo {
    const part = c.text;
    if (c.words.length) this.addPart(part);
    this.walkWords(c.words, depth);
    for (const r of c.redirects) {
      if (r.target) this.walkWords([r.target], depth);
      for (const s of r.bodySubs ?? []) this.walkScript(s, depth + 1, null);
    }
    const args: Arg[] = [];
    for (const w of c.words) for (const a of expandWord(w, this)) args.push(a);
    // Assignments are recognised on the word as written, before expansion (`$x` holding `a=b` is a command).
    let i = 0;
    while (i < args.length && ASSIGN.test(args[i].w?.text ?? args[i].v)) i++;
    if (i === args.length) {
      for (const a of args) this.assign(a, part, depth);
      this.redirects(c.redirects, part, depth, true);
      return { name: '', args: [] };
    }
    // `PATH=./bin:$PATH ls`, `BASH_ENV=x bash …`: prefix assignments affect the command they precede.
    for (let k = 0; k < i; k++) judgeSpecialAssignment(this, args[k].v, part, depth);
    const bare = args.length - i === 1 && (args[i].v === ':' || args[i].v === 'true');
    const redirected = this.redirects(c.redirects, part, depth, bare);
    const input = redirected ? () => redirected : stdin;
    const stage = this.run(args.slice(i), part, depth, NO_FLAGS, input);
    const out = redirected ? { ...stage, stdinFlow: redirected } : stage;
    this.recordOutputFiles(c.redirects, out, input, depth);
    if (this.alts) this.runAlternatives(c, i, part, depth, input);
    return out;
  }

  /** Runs the command again with each earlier value of a reassigned variable it uses. */
  private runAlternatives(c: SimpleCommand, from: number, part: string, depth: number, input: (() => Flow | null) | null): void {
    for (const [name, values] of this.alts!) {
      if (!c.words.some((w) => w.text.includes(`\0$${name}\0`) || w.text.includes(`\0{${name}`))) continue;
      const cur = this.vars.get(name);
      for (const v of values) {
        this.vars.set(name, v);
        const args: Arg[] = [];
        for (const w of c.words) for (const a of expandWord(w, this)) args.push(a);
        if (args.length > from) this.run(args.slice(from), part, depth + 1, NO_FLAGS, input);
      }
      if (cur === undefined) this.vars.delete(name);
      else this.vars.set(name, cur);
    }
  }

  /** `echo 'rm -rf /' > x.sh`, `curl … > x.sh`: remember what went into the file, for when it is run. */
  private recordOutputFiles(rs: Redirect[], stage: StageInfo, input: (() => Flow | null) | null, depth: number): void {
    for (const r of rs) {
      // `cat <<EOF > >(sh)`: the command's output is the process substitution's input.
      if (r.target?.procs.length && /^(?:>|>>|>\||&>|&>>)$/.test(r.op)) {
        for (const s of r.target.procs) this.walkScript(s, depth + 1, () => stageOutput(stage, input ? input() : null, this.ctx));
        continue;
      }
      if (!r.target || (r.fd !== '' && r.fd !== '1') || !/^(?:>|>>|>\||&>|&>>)$/.test(r.op)) continue;
      const out = stageOutput(stage, input ? input() : null, this.ctx);
      for (const a of expandWord(r.target, this)) {
        if (out.content !== null) this.markWritten(a.v, out.content, r.op.endsWith('>>'));
        if (out.remote) this.markDownloaded(a.v);
      }
    }
  }

  markWritten(p: string, content: string, append: boolean): void {
    const key = this.execKey(p);
    const written = (this.written ??= new Map());
    written.set(key, append ? (written.get(key) ?? '') + content : content);
  }

  markExecutable(p: string): void {
    (this.executables ??= new Set()).add(this.execKey(p));
  }

  markDownloaded(p: string): void {
    (this.downloaded ??= new Set()).add(this.execKey(p));
  }

  markAlias(p: string, name: string): void {
    (this.aliases ??= new Map()).set(this.execKey(p), name);
  }

  setVar(name: string, value: string): void {
    this.vars.set(name, value);
  }

  private assign(a: Arg, part: string, depth: number): void {
    const m = ASSIGN.exec(a.v);
    if (!m) return;
    judgeSpecialAssignment(this, a.v, part, depth);
    if (a.taint) this.varTaint.set(m[1], a.taint);
    const prev = this.vars.get(m[1]);
    // An unknown value stays unknown: `$x` must not later look like a harmless literal.
    if (a.dyn) this.vars.delete(m[1]);
    else this.vars.set(m[1], m[2] ? (prev ?? '') + m[3] : m[3]);
    // The earlier value may still be the one in force (the reassignment sat behind `&&`, in an `if`, …).
    if (prev !== undefined && prev !== this.vars.get(m[1])) {
      const list = (this.alts ??= new Map()).get(m[1]) ?? [];
      if (list.length < 8 && !list.includes(prev)) list.push(prev);
      this.alts.set(m[1], list);
    }
  }

  /** Checks redirect targets; returns what a heredoc, here-string or `<` redirect feeds to stdin, if any. */
  private redirects(rs: Redirect[], part: string, depth: number, bare: boolean): Flow | undefined {
    let input: Flow | undefined;
    for (const r of rs) {
      if (r.op === '<<' || r.op === '<<-') input = literalFlow(r.body ?? '');
      else if (r.op === '<<<') input = literalFlow((r.target ? expandWord(r.target, this).map((a) => a.v).join(' ') : '') + '\n');
      else if (!r.target) continue;
      else if (WRITE_OPS.has(r.op) || (r.op === '>&' && !/^(?:\d+|-)$/.test(r.target.text))) {
        for (const a of expandWord(r.target, this)) {
          this.write(a.v, part, `redirect ${r.op}`);
          // `> important.db` with no command empties the file: ask unless it is scratch or does not exist yet.
          if (bare && (r.op === '>' || r.op === '>|') && (r.fd === '' || r.fd === '1')) this.truncation(a.v, part, 'an empty redirect');
        }
        if (!r.target.procs.length) continue;
      } else if ((r.op === '<' || r.op === '<>') && (r.fd === '' || r.fd === '0' || r.op === '<>')) {
        const a = expandWord(r.target, this)[0];
        if (!a) continue;
        if (isHermesSecret(a.v, this.ctx)) this.add(APPROVE.HERMES_SECRETS_READ, part, `reads Hermes secrets (${a.v})`);
        else this.secretPath(a.v, part);
        input = this.fileFlow(r.target, a.v);
      } else if (r.op === '<' || r.op === '<&') {
        for (const a of expandWord(r.target, this)) this.secretPath(a.v, part);
      }
    }
    return input;
  }

  /** What reading a file yields: a process substitution's output, a network socket, known content, a local file. */
  private fileFlow(w: Word, path: string): Flow {
    if (w.procs.length) return this.flowOf(w.procs[0]) ?? { ...literalFlow(''), content: null };
    const abs = resolvePath(path, this.ctx, this.cwd) ?? '';
    if (abs.startsWith('/dev/tcp/') || abs.startsWith('/dev/udp/')) return { ...literalFlow(''), content: null, remote: true };
    const key = this.execKey(path);
    const known = this.written?.get(key);
    const remote = !!this.downloaded?.has(key);
    if (known !== undefined) return { ...literalFlow(known), remote };
    return { ...literalFlow(''), content: null, localFile: !remote, remote };
  }

  write(path: string, part: string, how: string): void {
    let hit = sensitiveWrite(path, this.ctx, this.cwd);
    if (!hit) {
      // Through a symlink (made earlier in this line, or already in the workspace) to a sensitive file.
      const real = this.real(path);
      if (real) hit = sensitiveWrite(real, this.ctx);
    }
    if (hit) this.add(hit.key, part, `${how} writes ${hit.what}`);
  }

  judgeProgram(text: string, part: string, depth: number, what: string): void {
    judgeProgramText(this, text, part, depth, what);
  }

  // ---- paths, files and programs on disk (path-checks.ts) ----

  real(path: string): string | null {
    return this.paths.real(path);
  }

  markLink(target: string, link: string): void {
    this.paths.markLink(target, link);
  }

  truncation(path: string, part: string, how: string): void {
    this.paths.truncation(path, part, how);
  }

  secretPath(path: string, part: string): void {
    this.paths.secretPath(path, part);
  }

  judgeFile(p: string, part: string, depth: number, sink: 'shell' | 'interpreter'): void {
    if (!this.written?.has(this.execKey(p))) this.paths.judgeFile(p, part, depth, sink);
  }

  defineAlias(name: string, text: string): void {
    this.state.aliases.set(name, text);
    this.stateChanged = true;
  }

  execKey(p: string): string {
    return resolvePath(p, this.ctx, this.cwd) ?? normalizeRel(p);
  }

  checkExecuted(p: string, part: string, depth: number, sink: 'shell' | 'interpreter'): void {
    if (!this.downloaded && !this.executables && !this.written) return;
    const key = this.execKey(p);
    if (this.downloaded?.has(key)) this.add(APPROVE.EXEC_DOWNLOADED, part, `runs ${p}, downloaded earlier in the same command`);
    else if (this.executables?.has(key)) this.add(APPROVE.CHMOD_EXEC, part, `runs ${p} right after making it executable`);
    const content = this.written?.get(key);
    // A script written earlier in the same command line is judged by its content.
    if (content !== undefined && sink === 'shell' && !/^#!.*\b(?:python|node|perl|ruby|php)/.test(content)) this.runScript(content, depth);
  }

  /** How many layers of content read from disk (scripts, package.json, recipes, hooks) enclose this command. */
  contentDepth = 0;

  /** Classifies content the command runs from disk rather than from its own text. */
  runContent(text: string, depth: number): number {
    this.contentDepth++;
    const n = this.runScript(text, depth);
    this.contentDepth--;
    return n;
  }

  runScript(text: string, depth: number, positional?: string[], nest = true): number {
    const before = this.findings.length;
    const savedPositional = this.positional;
    if (positional) this.positional = positional;
    // Unresolved substitutions were already judged where they appeared; re-parsed, they are plain words.
    const norm = foldHomeForms(normalizeText(text.split(SUBST_SHOWN).join('__subst__')), this.ctx.homeRaw, this.ctx.hermesHomeRaw);
    if (nest) this.shellNesting++;
    this.walkScript(parseShell(norm), depth + 1, null);
    if (nest) this.shellNesting--;
    this.positional = savedPositional;
    return this.findings.length - before;
  }

  runFlow(flow: Flow | null, sink: CodeSink, part: string, depth: number): void {
    if (!flow) return;
    const into = sink === 'sql' ? 'a SQL client' : sink === 'interpreter' ? 'an interpreter' : sink === 'at' ? 'at' : 'a shell';
    if (sink !== 'sql') {
      if (flow.remote) this.add(APPROVE.REMOTE_TO_SHELL, part, `content fetched from the network is run by ${into}`);
      else if (flow.decoded) this.add(APPROVE.DECODED_TO_SHELL, part, `decoded (obfuscated) content is run by ${into}`);
    }
    if (flow.content !== null) {
      if (sink === 'sql') scanSql((k, d) => this.add(k, part, d), flow.content);
      else if (sink === 'interpreter') this.add(APPROVE.INLINE_CODE, part, 'code is fed to an interpreter on stdin (heredoc or pipe)');
      else {
        const n = this.runScript(flow.content, depth);
        if (n > 0 && !flow.remote && !flow.decoded) this.add(APPROVE.PIPE_TO_SHELL, part, `the script fed to ${into} contains commands that need approval`);
      }
      return;
    }
    if (flow.remote || flow.decoded || flow.envgen || flow.localFile || sink === 'sql' || sink === 'at') return;
    this.add(APPROVE.PIPE_TO_SHELL, part, `output of another program is run by ${into}`);
  }

  run(args: Arg[], part: string, depth: number, flags: RunFlags, stdin: (() => Flow | null) | null): StageInfo {
    if (!args.length) return { name: '', args: [] };
    if (depth > MAX_DEPTH) {
      this.add(APPROVE.TOO_DEEP, part, 'the command is too deeply nested to check');
      return { name: '', args };
    }
    const a0 = args[0];
    if (a0.taint) {
      this.add(a0.taint === 'remote' ? APPROVE.REMOTE_TO_SHELL : APPROVE.DECODED_TO_SHELL, part, `the command itself comes from ${a0.taint === 'remote' ? 'the network' : 'decoded content'}`);
    }
    if (a0.dyn || a0.v === '{}') {
      if (!a0.taint) this.add(APPROVE.DYNAMIC_COMMAND, part, `the command name (${a0.v}) is only known at run time`);
      // `r${x}m -rf /`: judge what runs when the unknown parts are empty, too.
      if (a0.ifEmpty && !a0.ifEmpty.includes('$')) this.run([{ v: a0.ifEmpty, w: null, dyn: false }, ...args.slice(1)], part, depth + 1, flags, stdin);
      return { name: '', args };
    }
    if (!a0.v.includes('/') && !a0.w?.quoted) {
      const alias = this.lookupState('aliases', a0.v);
      if (alias !== undefined && !flags.xargs && this.aliasDepth < 8) {
        // An alias expands to its text, then the rest of the words.
        this.aliasDepth++;
        this.runScript([alias, ...args.slice(1).map((a) => shellQuote(a.v))].join(' '), depth, undefined, false);
        this.aliasDepth--;
        return { name: '', args };
      }
    }
    const fn = a0.v.includes('/') ? undefined : (this.funcs?.get(a0.v) ?? this.lookupState('functions', a0.v));
    if (fn !== undefined && !this.activeFuncs?.has(a0.v) && depth < MAX_DEPTH - 2) {
      // A recursive call is judged once: the body is the same whatever the depth (and fork bombs stay linear).
      (this.activeFuncs ??= new Set()).add(a0.v);
      const saved = this.positional;
      const savedUnknown = this.positionalUnknown;
      this.positional = args.slice(1).map((a) => a.v);
      this.positionalUnknown = false;
      if (typeof fn === 'string') this.walkScript(parseShell(fn), depth + 1, stdin);
      else this.walkCommand(fn, depth + 1, stdin);
      this.positional = saved;
      this.positionalUnknown = savedUnknown;
      this.activeFuncs!.delete(a0.v);
      return { name: '', args };
    }
    let name = (this.aliases && this.aliases.get(this.execKey(a0.v))) || cmdName(a0.v);
    if (a0.v.includes('/')) {
      const known = this.paths.identify(a0.v);
      if (known) name = known;
    }
    const cmd = new CmdView(this, name, args, part, depth, flags, stdin);
    if (a0.v.includes('/')) {
      this.checkExecuted(a0.v, part, depth + 1, 'shell');
      if (!RULES.has(name)) this.judgeFile(a0.v, part, depth + 1, 'shell');
      if (!RULES.has(name)) this.paths.unknownProgram(a0.v, args, part);
    }
    if (DECLARE.has(name)) for (const a of args.slice(1)) this.assign(a, part, depth);
    if (name === 'set' && args[1]?.v === '--') this.positional = args.slice(2).map((a) => a.v);
    if (name === 'cd' || name === 'pushd') this.changeDir(args[1]?.v);
    const rule = a0.v.startsWith('/etc/') && /^\/etc\/(?:init|rc)\.d\//.test(a0.v) ? initScript : RULES.get(name);
    const stage = (rule && rule(cmd)) || { name, args };
    if (!SQL_CLIENTS.has(name)) sqlInArgs(cmd);
    // `env | curl --data-binary @- …`: the environment (keys, tokens) leaves the machine.
    if (isRemoteCommand(name) && stdin && cmd.stdin()?.environ) this.add(APPROVE.SECRET_READ, part, `${name} sends the process environment (API keys, tokens) over the network`);
    this.secretsAccess(args, part, name);
    return stage;
  }

  private aliasDepth = 0;
  private activeFuncs: Set<string> | undefined;

  private changeDir(target: string | undefined): void {
    if (target === undefined || target === '~') this.cwd = this.ctx.home;
    else if (target === '-' || target.startsWith('$')) this.cwd = undefined;
    else this.cwd = resolvePath(target, this.ctx, this.cwd) ?? undefined;
    if (this.cwd === undefined) this.cwdRaw = undefined;
    else if (target === undefined || target === '~') this.cwdRaw = this.ctx.homeRaw;
    else this.cwdRaw = rawPath(target, this) ?? undefined;
  }

  private secretsAccess(args: Arg[], part: string, name: string): void {
    if (!SECRET_SKIP.has(name)) this.paths.secretArgs(args, part, name);
    const other = this.ctx.hermesHome !== this.ctx.hermesHomeDefault ? this.ctx.hermesHome : null;
    for (let k = 1; k < args.length; k++) {
      const v = args[k].v;
      if (!v.includes('.hermes') && !(other && v.toLowerCase().includes(other))) continue;
      const eq = v.indexOf('=');
      const at = v.indexOf('@');
      const candidates = [v, eq >= 0 ? v.slice(eq + 1) : '', at >= 0 ? v.slice(at + 1) : ''];
      if (candidates.some((p) => p && isHermesSecret(p, this.ctx))) {
        // A write to the same file was already reported; reading is implied.
        if (this.seen.has(`${APPROVE.HERMES_SECRETS}\0${part}`)) return;
        this.add(APPROVE.HERMES_SECRETS_READ, part, 'reads Hermes secrets, which must never reach the model');
        return;
      }
    }
  }
}

