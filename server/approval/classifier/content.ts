// Content a command will run that is not on its command line: interpreter programs (inline or script files),
// package.json scripts, Makefile and justfile recipes, git config and hooks. Files are read through the probe
// (small files only); without one (containers, SSH) only what the command line shows is judged.
import { APPROVE } from './keys';
import type { FsProbe } from './types';

export interface ContentHost {
  readonly probe: FsProbe | undefined;
  add(key: string, part: string, description: string): void;
  runScript(text: string, depth: number): number;
}

// Calls that run a shell command, delete files or open sockets, in Python, JS, Perl, Ruby and PHP.
const RISKY_CODE =
  /\b(?:os\.(?:system|popen|exec\w*|spawn\w*|remove|unlink|rmdir|removedirs|kill|killpg|truncate)|subprocess\b|shutil\.(?:rmtree|move)|pty\.spawn|commands\.getoutput|child_process|execSync|execFileSync|spawnSync|rmSync|rmdirSync|unlinkSync|fs\.(?:rm|rmdir|unlink|truncate)\b|fs\/promises|shelljs|FileUtils\.rm|File\.delete|Dir\.rmdir|IO\.popen|Kernel\.(?:system|exec)|system\s*\(|exec\s*\(|eval\s*\(|popen\s*\(|proc_open|shell_exec|passthru|rmtree|unlink\s*\(|socket\b|ctypes|__import__|importlib|new Function|\.unlink\s*\(|\.rmdir\s*\()/;
/** String literals handed to a shell: os.system("…"), subprocess.run("…", shell=True), execSync('…'), `…`. */
const SHELL_STRING = /\b(?:system|popen|getoutput|getstatusoutput|check_output|check_call|call|run|Popen|execSync|exec|spawnSync|shell_exec|passthru)\s*\(\s*(?:f|r|b)?(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
/** Secret and startup files a program could read or rewrite. */
const SENSITIVE_NAMES = /\.ssh\/|\.bashrc|\.zshrc|\.profile|\.aws\/|\.kube\/|\.netrc|\.git-credentials|\.hermes|\/environ\b|authorized_keys|\.config\/gcloud|\/etc\/(?:passwd|shadow|sudoers)/;

/** Recursive deletes in program text: shutil.rmtree(x), fs.rmSync(x, {recursive}), File::Path rmtree, FileUtils.rm_rf. */
const TREE_DELETE = /\b(?:rmtree|rm_rf|rm_r|remove_dir_all|removeSync|rmSync|rmdirSync|rimraf(?:\.sync)?|fs\.rm|fs\.promises\.rm|fsp\.rm|remove_tree)\s*\(\s*([^,)]*(?:\([^)]*\))?[^,)]*)/g;
/** Spellings of the home directory inside programs. */
const HOME_EXPR = /expanduser\(\s*["']~["']\s*\)|Path\.home\(\)|os\.homedir\(\)|homedir\(\)|environ\[["']HOME["']\]|environ\.get\(["']HOME["']|getenv\(["']HOME["']\)|process\.env\.HOME|ENV\[["']HOME["']\]|\$ENV\{HOME\}|Dir\.home/;

/** Judges program text an interpreter will run: shell strings it hands to a shell are classified as commands. */
export function judgeProgramText(w: ContentHost, text: string, part: string, depth: number, what: string): void {
  SHELL_STRING.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = SHELL_STRING.exec(text)) && n++ < 32) w.runScript(m[2].replace(/\\(["'`\\])/g, '$1'), depth);
  // A tree delete of a literal path (or of home) is judged like `rm -rf` of it: home and system trees are hard-line.
  TREE_DELETE.lastIndex = 0;
  n = 0;
  while ((m = TREE_DELETE.exec(text)) && n++ < 16) {
    const arg = m[1].trim();
    const lit = /^["'`]([^"'`]+)["'`]$/.exec(arg)?.[1];
    // The call's own argument list (up to the end of the statement): `rmtree(os.path.expanduser("~"))`.
    const call = text.slice(m.index + m[0].length - m[1].length, m.index + m[0].length - m[1].length + 120).split(/[;\n]/)[0];
    const target = HOME_EXPR.test(call.split(',')[0] + ')') || HOME_EXPR.test(call.split(/,\s*[{r]/)[0]) ? '~' : lit;
    if (target !== undefined) w.runScript(`rm -rf -- '${target.replace(/'/g, '')}'`, depth);
  }
  if (RISKY_CODE.test(text)) w.add(APPROVE.SCRIPT_CODE, part, `${what} runs commands, deletes files or opens sockets`);
  else if (SENSITIVE_NAMES.test(text)) w.add(APPROVE.SCRIPT_CODE, part, `${what} touches credential or shell startup files`);
}

/** package.json scripts run by `npm run x`, `npm test`, `yarn x`, `npm install` (lifecycle scripts). */
export function packageScripts(probe: FsProbe, dir: string, names: string[]): { name: string; body: string }[] {
  const text = probe.readText(`${dir}/package.json`);
  if (text === null) return [];
  let scripts: Record<string, unknown>;
  try {
    scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    return [];
  }
  const out: { name: string; body: string }[] = [];
  for (const n of names) for (const k of [`pre${n}`, n, `post${n}`]) if (typeof scripts[k] === 'string') out.push({ name: k, body: scripts[k] as string });
  return out;
}

export function hasScript(probe: FsProbe, dir: string, name: string): boolean {
  return packageScripts(probe, dir, [name]).length > 0;
}

interface Recipes {
  vars: Map<string, string>;
  rules: Map<string, { deps: string[]; lines: string[] }>;
  first: string | null;
  /** `$(shell …)` bodies, run when the file is read. */
  shells: string[];
}

/** A Makefile's rules and simple variables (enough to know what `make [target]` runs). */
export function parseMakefile(text: string): Recipes {
  const r: Recipes = { vars: new Map(), rules: new Map(), first: null, shells: [] };
  let current: { deps: string[]; lines: string[] } | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines.slice(0, 4000)) {
    for (const m of line.matchAll(/\$[({]shell\s+([^)}]*)[)}]/g)) r.shells.push(m[1]);
    if (line.startsWith('\t')) {
      current?.lines.push(line.slice(1));
      continue;
    }
    if (/^\s*(?:#|$)/.test(line)) continue;
    const v = /^\s*(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?::{1,3}=|\?=|\+=|=|!=)\s*(.*)$/.exec(line);
    if (v) {
      r.vars.set(v[1], v[2]);
      current = null;
      continue;
    }
    const t = /^([^:=#\t][^:=#]*?)\s*::?(?!=)\s*([^;#]*)(?:;(.*))?$/.exec(line);
    if (t) {
      current = { deps: t[2].split(/\s+/).filter(Boolean), lines: t[3] ? [t[3]] : [] };
      for (const name of t[1].split(/\s+/).filter(Boolean)) {
        if (!r.first && !name.startsWith('.') && !name.includes('%')) r.first = name;
        r.rules.set(name, current);
      }
      continue;
    }
    current = null;
  }
  return r;
}

/** A justfile's recipes (`name args: deps` then indented lines); the first recipe is the default. */
export function parseJustfile(text: string): Recipes {
  const r: Recipes = { vars: new Map(), rules: new Map(), first: null, shells: [] };
  let current: { deps: string[]; lines: string[] } | null = null;
  for (const line of text.split('\n').slice(0, 4000)) {
    if (/^[ \t]+\S/.test(line)) {
      current?.lines.push(line.trim());
      continue;
    }
    for (const m of line.matchAll(/`([^`]*)`/g)) r.shells.push(m[1]);
    const t = /^@?([A-Za-z_][A-Za-z0-9_-]*)(?:\s+[^:=]*)?:(?!=)\s*(.*)$/.exec(line);
    if (t) {
      current = { deps: t[2].split(/\s+/).filter(Boolean), lines: [] };
      if (!r.first) r.first = t[1];
      r.rules.set(t[1], current);
    } else if (!/^\s*(?:#|$)/.test(line)) current = null;
  }
  return r;
}

/** Recipe lines run for `targets` (default: the first rule), prerequisites first; make variables substituted. */
export function recipeLines(r: Recipes, targets: string[], make: boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, depth: number): void => {
    if (seen.has(t) || depth > 20 || seen.size > 200) return;
    seen.add(t);
    const rule = r.rules.get(t);
    if (!rule) return;
    for (const d of rule.deps) visit(d, depth + 1);
    for (const l of rule.lines) out.push(make ? makeLine(l, r.vars) : l.replace(/^[@-]+/, ''));
  };
  for (const t of targets.length ? targets : r.first ? [r.first] : []) visit(t, 0);
  return out;
}

function makeLine(line: string, vars: Map<string, string>): string {
  let s = line.replace(/^[\s@+-]+/, '');
  for (let k = 0; k < 4 && /\$[({][A-Za-z_]/.test(s); k++) {
    s = s.replace(/\$[({]([A-Za-z_][A-Za-z0-9_.-]*)[)}]/g, (_m, n: string) => vars.get(n) ?? '');
  }
  return s.replace(/\$\$/g, '$');
}

/** The repository's .git directory at or above `dir` (a `gitdir:` file is followed once). */
export function gitDir(probe: FsProbe, dir: string): string | null {
  let d = dir;
  for (let k = 0; k < 12; k++) {
    if (probe.size(`${d}/.git/config`) !== null) return `${d}/.git`;
    const file = probe.readText(`${d}/.git`);
    const m = file ? /^gitdir:\s*(.+)$/m.exec(file) : null;
    if (m) return m[1].startsWith('/') ? m[1].trim() : `${d}/${m[1].trim()}`;
    if (d === '/' || d === '') return null;
    d = d.slice(0, d.lastIndexOf('/')) || '/';
  }
  return null;
}

/** Config values a git command may run: core.fsmonitor, core.sshCommand, pagers, filters, `!` aliases, hooksPath. */
export function gitExecConfig(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  let section = '';
  for (const raw of text.split('\n').slice(0, 2000)) {
    const line = raw.trim();
    const sec = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
    if (sec) {
      section = sec[2] !== undefined ? `${sec[1]}.${sec[2]}` : sec[1];
      section = section.toLowerCase();
      continue;
    }
    const kv = /^([A-Za-z0-9-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = `${section}.${kv[1].toLowerCase()}`;
    let value = kv[2].trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(["\\])/g, '$1');
    if (/^core\.(?:fsmonitor|sshcommand|pager|editor|hookspath|askpass)$|^(?:pager|alias)\.|^diff\.external$|^filter\..*\.(?:clean|smudge|process)$|^credential\.helper$|^sequence\.editor$|^gpg\.program$|^diff\..*\.(?:command|textconv)$|^merge\..*\.driver$/.test(key)) {
      if (key === 'core.fsmonitor' && /^(?:true|false)$/i.test(value)) continue;
      if (key.startsWith('alias.') && !value.startsWith('!')) continue;
      if (key === 'credential.helper' && !value.startsWith('!')) continue;
      out.push({ key, value });
    }
  }
  return out;
}

/** Hooks a git subcommand triggers. */
export const GIT_HOOKS: Record<string, string[]> = {
  commit: ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit'],
  merge: ['pre-merge-commit', 'post-merge'],
  pull: ['post-merge', 'post-checkout'],
  checkout: ['post-checkout'],
  switch: ['post-checkout'],
  clone: ['post-checkout'],
  push: ['pre-push'],
  rebase: ['pre-rebase', 'post-rewrite'],
  am: ['applypatch-msg', 'pre-applypatch', 'post-applypatch'],
  gc: ['pre-auto-gc'],
};
