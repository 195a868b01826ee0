// The walker: parses the normalised command, visits every simple command (in pipelines, groups, functions,
// substitutions, heredocs fed to shells, `sh -c` strings), unwraps wrappers through the rule table and
// collects findings. The verdict is the worst finding.
import { homedir } from 'node:os';
import type { Command, Redirect, Script, SimpleCommand, Word } from './ast';
import { cmdName } from './argv';
import type { Cmd, CodeSink, RunFlags } from './cmd';
import { expandWord, type Arg, type Scope, type Taint } from './expand';
import { APPROVE, BLOCK, severityOf } from './keys';
import { foldHomeForms, normalizeCommand, normalizeText } from './normalize';
import { normalizeAbs, normalizeRel, resolvePath } from './paths';
import { flowThrough, isRemoteCommand, type Flow, type StageInfo } from './producers';
import { initScript, RULES, scanSql, sqlInArgs, SQL_CLIENTS } from './rules';
import { isHermesSecret, sensitiveWrite } from './sensitive-paths';
import { parseShell } from './shell-split';
import type { ClassifyOptions, Ctx, Finding, Verdict } from './types';

const MAX_DEPTH = 40;
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?(\+?)=([\s\S]*)$/;
const DECLARE = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const WRITE_OPS = new Set(['>', '>>', '>|', '<>', '&>', '&>>']);
const SUBST_SHOWN = '$(…)';
const NO_FLAGS: RunFlags = { xargs: false, findExec: null };

let lastCtxKey = '';
let lastCtx: Ctx | null = null;

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function makeCtx(opts: { home?: string; hermesHome?: string; hostPid?: number } = {}): Ctx {
  const homeRaw = stripSlash(opts.home ?? homedir());
  let hh = opts.hermesHome ?? process.env.HERMES_HOME ?? `${homeRaw}/.hermes`;
  if (hh === '~' || hh.startsWith('~/')) hh = homeRaw + hh.slice(1);
  const key = `${homeRaw}\0${hh}\0${opts.hostPid ?? ''}`;
  if (key === lastCtxKey && lastCtx) return lastCtx;
  const home = normalizeAbs(homeRaw.toLowerCase());
  lastCtx = {
    home,
    hermesHome: normalizeAbs(stripSlash(hh).toLowerCase()),
    hermesHomeDefault: home === '/' ? '/.hermes' : `${home}/.hermes`,
    hostPid: opts.hostPid,
    homeRaw,
    hermesHomeRaw: stripSlash(hh),
  };
  lastCtxKey = key;
  return lastCtx;
}

function literalFlow(text: string): Flow {
  return { remote: false, decoded: false, content: text, envgen: false, localFile: false, hostPids: false };
}

/** A function whose body calls itself twice, or in a pipe or in the background: `:(){ :|:& };:`. */
function isForkBomb(name: string, body: Command): boolean {
  let calls = 0;
  let spawning = false;
  const visitScript = (sc: Script): void => {
    for (const p of sc.pipelines) {
      let here = 0;
      for (const c of p.commands) {
        if (c.kind === 'simple' && c.words[0]?.text === name) here++;
        else visit(c);
      }
      if (here && (p.commands.length > 1 || p.background)) spawning = true;
      calls += here;
    }
  };
  const visit = (c: Command): void => {
    if (c.kind === 'group') visitScript(c.body);
    else if (c.kind === 'simple' && c.words[0]?.text === name) calls++;
  };
  if (body.kind === 'group') visitScript(body.body);
  else visit(body);
  return calls >= 2 || (calls >= 1 && spawning);
}

function containsRemote(sc: Script): boolean {
  for (const p of sc.pipelines) {
    for (const c of p.commands) {
      if (c.kind === 'simple' && c.words[0] && isRemoteCommand(cmdName(c.words[0].text))) return true;
      if (c.kind === 'group' && containsRemote(c.body)) return true;
    }
  }
  return false;
}

class Walker implements Scope {
  readonly findings: Finding[] = [];
  readonly parts: string[] = [];
  readonly vars = new Map<string, string>();
  readonly varTaint = new Map<string, Taint>();
  private readonly seen = new Set<string>();
  private readonly partSeen = new Set<string>();
  private readonly executables = new Set<string>();
  private readonly downloaded = new Set<string>();
  private readonly lastStages = new WeakMap<Script, StageInfo[]>();
  private readonly remoteScripts = new WeakSet<Script>();
  private shellNesting = 0;

  constructor(readonly ctx: Ctx) {}

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
    if (f && this.remoteScripts.has(sc)) f.remote = true;
    return f;
  }

  private flowsOf(a: Arg): Flow[] {
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
        if (isRemoteCommand(st.name) || st.remoteInside) this.remoteScripts.add(sc);
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
        this.redirects(c.redirects, c.text, depth);
        return { name: '', args: [], remoteInside: containsRemote(c.body) };
      }
      case 'func':
        if (isForkBomb(c.name, c.body)) this.add(BLOCK.FORK_BOMB, c.text, `function ${c.name} spawns copies of itself without end`);
        this.walkCommand(c.body, depth + 1, null);
        return { name: '', args: [] };
      case 'noop':
        this.walkWords(c.words, depth);
        this.redirects(c.redirects, c.text, depth);
        return { name: '', args: [] };
    }
  }

  private walkSimple(c: SimpleCommand, depth: number, stdin: (() => Flow | null) | null): StageInfo {
    const part = c.text;
    if (c.words.length) this.addPart(part);
    this.walkWords(c.words, depth);
    for (const r of c.redirects) {
      if (r.target) this.walkWords([r.target], depth);
      for (const s of r.bodySubs ?? []) this.walkScript(s, depth + 1, null);
    }
    const args = c.words.flatMap((w) => expandWord(w, this));
    let i = 0;
    while (i < args.length && ASSIGN.test(args[i].v) && !(args[i].w?.quoted && !args[i].w?.text.includes('='))) i++;
    if (i === args.length) {
      for (const a of args) this.assign(a);
      this.redirects(c.redirects, part, depth);
      return { name: '', args: [] };
    }
    const stdinText = this.redirects(c.redirects, part, depth);
    const input = stdinText !== undefined ? () => literalFlow(stdinText) : stdin;
    const stage = this.run(args.slice(i), part, depth, NO_FLAGS, input);
    return stdinText !== undefined ? { ...stage, stdinText } : stage;
  }

  private assign(a: Arg): void {
    const m = ASSIGN.exec(a.v);
    if (!m) return;
    if (a.taint) this.varTaint.set(m[1], a.taint);
    // An unknown value stays unknown: `$x` must not later look like a harmless literal.
    if (a.dyn) this.vars.delete(m[1]);
    else this.vars.set(m[1], m[2] ? (this.vars.get(m[1]) ?? '') + m[3] : m[3]);
  }

  /** Checks redirect targets; returns the heredoc or here-string text fed to stdin, if any. */
  private redirects(rs: Redirect[], part: string, depth: number): string | undefined {
    let text: string | undefined;
    for (const r of rs) {
      if (r.op === '<<' || r.op === '<<-') text = r.body ?? '';
      else if (r.op === '<<<') text = (r.target ? expandWord(r.target, this).map((a) => a.v).join(' ') : '') + '\n';
      else if (!r.target) continue;
      else if (WRITE_OPS.has(r.op) || (r.op === '>&' && !/^(?:\d+|-)$/.test(r.target.text))) {
        for (const a of expandWord(r.target, this)) this.write(a.v, part, `redirect ${r.op}`);
        for (const s of r.target.procs) this.walkScript(s, depth + 1, null);
      } else if (r.op === '<') {
        for (const a of expandWord(r.target, this)) if (isHermesSecret(a.v, this.ctx)) this.add(APPROVE.HERMES_SECRETS_READ, part, `reads Hermes secrets (${a.v})`);
      }
    }
    return text;
  }

  write(path: string, part: string, how: string): void {
    const hit = sensitiveWrite(path, this.ctx);
    if (hit) this.add(hit.key, part, `${how} writes ${hit.what}`);
  }

  private execKey(p: string): string {
    return p.startsWith('/') || p.startsWith('~') ? (resolvePath(p, this.ctx) ?? p) : normalizeRel(p);
  }

  private checkExecuted(p: string, part: string): void {
    const key = this.execKey(p);
    if (this.downloaded.has(key)) this.add(APPROVE.EXEC_DOWNLOADED, part, `runs ${p}, downloaded earlier in the same command`);
    else if (this.executables.has(key)) this.add(APPROVE.CHMOD_EXEC, part, `runs ${p} right after making it executable`);
  }

  runScript(text: string, depth: number): number {
    const before = this.findings.length;
    // Unresolved substitutions were already judged where they appeared; re-parsed, they are plain words.
    const norm = foldHomeForms(normalizeText(text), this.ctx.homeRaw, this.ctx.hermesHomeRaw).split(SUBST_SHOWN).join('__subst__');
    this.shellNesting++;
    this.walkScript(parseShell(norm), depth + 1, null);
    this.shellNesting--;
    return this.findings.length - before;
  }

  private runFlow(flow: Flow | null, sink: CodeSink, part: string, depth: number): void {
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
      return { name: '', args };
    }
    const name = cmdName(a0.v);
    let memo: Flow | null | undefined;
    const self = this;
    const cmd: Cmd = {
      name,
      args,
      part,
      ctx: this.ctx,
      flags,
      shellNesting: this.shellNesting,
      stdin: () => (memo === undefined ? (memo = stdin ? stdin() : null) : memo),
      add: (key, d) => self.add(key, part, d),
      write: (p, how) => self.write(p, part, how),
      run: (inner, f) => self.run(inner, part, depth + 1, { ...flags, ...f }, stdin),
      runScript: (text) => self.runScript(text, depth + 1),
      runFlow: (flow, sink) => self.runFlow(flow, sink, part, depth + 1),
      flowsOf: (a) => self.flowsOf(a),
      markExecutable: (p) => self.executables.add(self.execKey(p)),
      markDownloaded: (p) => self.downloaded.add(self.execKey(p)),
      checkExecuted: (p) => self.checkExecuted(p, part),
    };
    if (a0.v.includes('/')) this.checkExecuted(a0.v, part);
    if (DECLARE.has(name)) for (const a of args.slice(1)) this.assign(a);
    const rule = RULES.get(name) ?? (/^\/etc\/(?:init|rc)\.d\//.test(a0.v) ? initScript : undefined);
    const stage = (rule && rule(cmd)) || { name, args };
    if (!SQL_CLIENTS.has(name)) sqlInArgs(cmd);
    this.secretsAccess(args, part);
    return stage;
  }

  private secretsAccess(args: Arg[], part: string): void {
    if (this.seen.has(`${APPROVE.HERMES_SECRETS}\0${part}`)) return;
    const other = this.ctx.hermesHome !== this.ctx.hermesHomeDefault ? this.ctx.hermesHome : null;
    for (let k = 1; k < args.length; k++) {
      const v = args[k].v;
      if (!v.includes('.hermes') && !(other && v.toLowerCase().includes(other))) continue;
      const eq = v.indexOf('=');
      const at = v.indexOf('@');
      const candidates = [v, eq >= 0 ? v.slice(eq + 1) : '', at >= 0 ? v.slice(at + 1) : ''];
      if (candidates.some((p) => p && isHermesSecret(p, this.ctx))) {
        this.add(APPROVE.HERMES_SECRETS_READ, part, 'reads Hermes secrets, which must never reach the model');
        return;
      }
    }
  }
}

function worst(findings: Finding[]): Verdict['verdict'] {
  let v: Verdict['verdict'] = 'allow';
  for (const f of findings) {
    if (f.severity === 'block') return 'block';
    v = 'approve';
  }
  return v;
}

/** Classifies a shell command line. Pure and synchronous: nothing is run, read or written. */
export function classifyCommand(command: string, opts: ClassifyOptions = {}): Verdict {
  const ctx = makeCtx(opts);
  const w = new Walker(ctx);
  w.walkScript(parseShell(normalizeCommand(command, ctx.homeRaw, ctx.hermesHomeRaw)), 0, null);
  return { verdict: worst(w.findings), reasons: w.findings, parts: w.parts };
}
