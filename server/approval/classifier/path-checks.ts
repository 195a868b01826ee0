// The walker's checks that look at paths and files on disk: symlinks (made earlier in the line, or found through the
// probe), secret files read by any program, truncation of existing files, scripts judged by their content, copies
// of destructive binaries and unknown programs aimed at home or system trees.
import type { Arg } from './expand';
import { judgeProgramText } from './content';
import { APPROVE } from './keys';
import { normalizeAbs, recursiveDeleteScope, resolvePath } from './paths';
import { isHermesSecret, secretRead, sensitiveWrite } from './sensitive-paths';
import { rawPath, SECRET_VALUE_FLAGS } from './shell-state';
import type { Ctx, FsProbe } from './types';

/** Cheap pre-check: every secret path secretRead knows contains one of these (or a glob character). */
const SECRET_HINT = /env|ssh|id_|aws|kube|netrc|credential|gcloud|docker|pgpass|npmrc|pypirc|gnupg|vault|gh\/|azure|password|cargo|terraform|kaggle|oauth|cnf|boto|s3cfg|op\/|shadow|hermes|yaml|[*?[]/i;
/** A copy's last argument is where it writes, not what it reads. */
const COPIERS = new Set(['cp', 'install', 'rsync', 'scp', 'sftp']);
const SYSTEM_PROGRAM = /^\/(?:usr|bin|sbin|lib|opt|snap|nix)\//;

/** What the checks need from the walker. */
export interface PathHost {
  readonly ctx: Ctx;
  readonly cwd: string | undefined;
  readonly cwdRaw: string | undefined;
  readonly probe: FsProbe | undefined;
  add(key: string, part: string, description: string): void;
  runScript(text: string, depth: number): number;
  runContent(text: string, depth: number): number;
  execKey(p: string): string;
}

export class PathChecks {
  /** Symlinks made in this command line: link (resolved) → target (resolved). */
  private links: Map<string, string> | undefined;
  /** Files whose content is being judged (a script that runs itself is judged once). */
  private reading: Set<string> | undefined;

  constructor(private readonly w: PathHost) {}

  /** Where `path` really leads when a symlink is involved (lower-cased), or null when nowhere else. */
  real(path: string): string | null {
    const w = this.w;
    if (this.links) {
      const key = w.execKey(path);
      for (const [from, to] of this.links) {
        if (key === from || key.startsWith(from + '/')) return normalizeAbs(to + key.slice(from.length));
      }
    }
    const abs = resolvePath(path, w.ctx, w.cwd);
    if (abs === null || !w.probe) return null;
    const raw = rawPath(path, w);
    const r = raw === null ? null : w.probe.realpath(raw);
    if (r === null) return null;
    const lr = resolvePath(r, w.ctx);
    return lr !== null && lr !== abs ? lr : null;
  }

  markLink(target: string, link: string): void {
    const to = resolvePath(target, this.w.ctx, this.w.cwd);
    if (to !== null) (this.links ??= new Map()).set(this.w.execKey(link), to);
  }

  /** Emptying an existing file that is not scratch destroys its contents. */
  truncation(path: string, part: string, how: string): void {
    const { ctx, cwd, probe } = this.w;
    const abs = resolvePath(path, ctx, cwd);
    const inCwd = abs !== null && !!cwd && abs.startsWith(cwd + '/');
    if (abs !== null && !inCwd && (abs.startsWith('/tmp/') || abs.startsWith('/dev/') || abs.startsWith('/var/tmp/') || abs.startsWith('/proc/'))) return;
    if (probe) {
      const raw = rawPath(path, this.w);
      const size = raw === null ? null : probe.size(raw);
      if (!size) return;
    }
    this.w.add(APPROVE.FILE_DESTROY, part, `${how} empties ${path}`);
  }

  secretPath(path: string, part: string): void {
    const { ctx, cwd } = this.w;
    if (isHermesSecret(path, ctx)) return; // reported as Hermes secrets access
    let what = secretRead(path, ctx, cwd);
    if (!what) {
      const real = this.real(path);
      what = real ? secretRead(real, ctx) : null;
    }
    if (what) this.w.add(APPROVE.SECRET_READ, part, `reads ${what}, which must not reach the model or leave the machine`);
  }

  /** Arguments of `name` that name secret files (`cat .env`, `curl -d @~/.ssh/id_rsa`, `-F f=@.env`). */
  secretArgs(args: Arg[], part: string, name: string): void {
    const end = COPIERS.has(name) ? args.length - 1 : args.length;
    for (let k = 1; k < end; k++) {
      const v = args[k].v;
      if (SECRET_VALUE_FLAGS.has(v)) {
        k++;
        continue;
      }
      if (v.startsWith('-') && !v.includes('=') && !v.includes('@')) continue;
      if (!SECRET_HINT.test(v)) continue;
      const eq = v.indexOf('=');
      const at = v.indexOf('@');
      for (const cand of [v, eq >= 0 ? v.slice(eq + 1) : '', at >= 0 ? v.slice(at + 1) : '']) {
        if (cand && !cand.startsWith('-') && /[./~]/.test(cand)) this.secretPath(cand, part);
      }
    }
  }

  /** Judges a script file by what it holds, read through the probe (`bash x.sh`, `./x`, `python x.py`). */
  judgeFile(p: string, part: string, depth: number, sink: 'shell' | 'interpreter'): void {
    const w = this.w;
    // Secret files (`source .env`) are not read: what they hold must not end up in findings shown to anyone.
    if (!w.probe || secretRead(p, w.ctx, w.cwd) || isHermesSecret(p, w.ctx)) return;
    const raw = rawPath(p, w);
    if (raw === null || this.reading?.has(raw)) return;
    const text = w.probe.readText(raw);
    if (text === null) return;
    (this.reading ??= new Set()).add(raw);
    const interp = /^#!.*\b(python|node|perl|ruby|php|deno|bun)/.exec(text)?.[1];
    if (sink === 'interpreter' || interp) judgeProgramText(w, text, part, depth, p);
    else if (w.runContent(text, depth) > 0) w.add(APPROVE.SCRIPT_CODE, part, `the script ${p} contains commands that need approval`);
    this.reading.delete(raw);
  }

  /** The destructive program a file is a copy or link of (`cp /bin/rm ./cleanup`), through the probe. */
  identify(p: string): string | null {
    if (!this.w.probe) return null;
    const raw = rawPath(p, this.w);
    return raw === null ? null : this.w.probe.identify(raw);
  }

  /** `./cleanup -rf ~`: a program from outside the system directories pointed at home, root or a system tree. */
  unknownProgram(p: string, args: Arg[], part: string): void {
    const { ctx, cwd } = this.w;
    const abs = resolvePath(p, ctx, cwd);
    if (abs !== null && SYSTEM_PROGRAM.test(abs)) return;
    for (const a of args.slice(1)) {
      if (a.v.startsWith('-')) continue;
      const t = resolvePath(a.v, ctx, cwd);
      if (t === null) continue;
      if (recursiveDeleteScope(t, ctx) !== null || sensitiveWrite(a.v, ctx, cwd)) {
        this.w.add(APPROVE.UNKNOWN_EXEC, part, `runs ${p}, an unknown program, on ${a.v}`);
        return;
      }
    }
  }
}
