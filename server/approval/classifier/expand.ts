// Word expansion as far as it can be done statically: variables assigned earlier in the same command line,
// the usual parameter operators (${x:-d}, ${x:o:l}, ${x/p/r}, …), command substitutions whose output is known
// (`$(echo rm)`, `$(printf '\x72m')`), word splitting of unquoted expansions ($IFS tricks) and brace expansion
// (`{rm,-rf,/}`). Whatever stays unknown is marked `dyn` so rules can treat it with suspicion.
import type { Script, Word } from './ast';

export type Taint = 'remote' | 'decoded';

export interface Arg {
  /** The expanded value (unknown expansions stay as `$name`). */
  v: string;
  /** The word it came from (null for synthesised args). */
  w: Word | null;
  /** Holds an expansion whose value is unknown. */
  dyn: boolean;
  /** Came from a substitution whose output was fetched from the network or decoded. */
  taint?: Taint;
  /** With `dyn`: the value if every unknown expansion were empty (`r${x}m` → `rm`). */
  ifEmpty?: string;
}

export interface Scope {
  vars: Map<string, string>;
  /** Variables assigned from downloaded or decoded content. */
  varTaint: Map<string, Taint>;
  /** Positional parameters ($1…, $@) from `set --` or `sh -c '…' $0 $1…`. */
  positional: string[];
  /** Inside a function body judged at its definition: $1…, $@ are unknown. */
  positionalUnknown?: boolean;
  /** Static output of a command substitution (null when unknown). */
  sub(sc: Script): { value: string | null; taint?: Taint };
}

const MAX_FIELDS = 128;

/** Values the classifier assumes for well-known variables that were not assigned in the command itself. */
const DEFAULTS: Record<string, string> = {
  HOME: '~',
  HERMES_HOME: '~/.hermes',
  IFS: ' ',
  '0': 'bash',
  '#': '0',
  '?': '0',
  '-': '',
  '@': '',
  '*': '',
  PWD: '.',
  SHELL: 'bash',
  BASH: 'bash',
  EDITOR: 'vi',
  VISUAL: 'vi',
  PAGER: 'less',
  TMPDIR: '/tmp',
};

function lookup(name: string, scope: Scope): string | null {
  const v = scope.vars.get(name);
  if (v !== undefined) return v;
  if (scope.positionalUnknown && /^[1-9@*#]$/.test(name)) return null;
  if (/^[1-9]$/.test(name)) return scope.positional[Number(name) - 1] ?? '';
  if (name === '@' || name === '*') return scope.positional.join(' ');
  if (name === '#') return String(scope.positional.length);
  if (name in DEFAULTS) return DEFAULTS[name];
  if (/^[1-9]$/.test(name)) return '';
  return null;
}

/** Expands `$x` / `${x}` references inside text taken from a `${…}` operand. */
function expandInline(text: string, scope: Scope): string | null {
  if (!text.includes('$')) return text;
  let unknown = false;
  const out = text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => {
    const v = lookup(n, scope);
    if (v === null) unknown = true;
    return v ?? '';
  });
  return unknown ? null : out;
}

function globToRegExp(glob: string, anchored: 'start' | 'end' | 'none', greedy: boolean): RegExp {
  const q = greedy ? '*' : '*?';
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, `.${q}`).replace(/\?/g, '.');
  return new RegExp(anchored === 'start' ? `^${body}` : anchored === 'end' ? `${body}$` : body, 's');
}

function paramOp(body: string, scope: Scope): string | null {
  if (body.startsWith('#') && body.length > 1) return '1';
  const ind = /^!([A-Za-z_][A-Za-z0-9_]*)$/.exec(body);
  if (ind) {
    const target = lookup(ind[1], scope);
    return target === null ? null : lookup(target, scope);
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])([\s\S]*)$/.exec(body);
  if (!m) return null;
  const val = lookup(m[1], scope);
  const rest = m[2];
  if (rest === '') return val;
  let o: RegExpExecArray | null;
  if ((o = /^(:?)([-=?])([\s\S]*)$/.exec(rest))) {
    const useDefault = val === null || (o[1] === ':' && val === '');
    if (!useDefault) return val;
    return o[2] === '?' ? null : expandInline(o[3], scope);
  }
  if ((o = /^(:?)\+([\s\S]*)$/.exec(rest))) return val ? expandInline(o[2], scope) : val === null ? null : '';
  if (val === null) return null;
  if ((o = /^:\s*(-?\d+)(?::\s*(-?\d+))?$/.exec(rest))) {
    let off = parseInt(o[1], 10);
    if (off < 0) off = Math.max(0, val.length + off);
    const len = o[2] === undefined ? undefined : parseInt(o[2], 10);
    return len === undefined ? val.slice(off) : len < 0 ? val.slice(off, val.length + len) : val.slice(off, off + len);
  }
  if ((o = /^\/(\/|#|%)?([^/]*)(?:\/([\s\S]*))?$/.exec(rest))) {
    const rep = expandInline(o[3] ?? '', scope);
    if (rep === null) return null;
    const mode = o[1];
    const re = globToRegExp(o[2], mode === '#' ? 'start' : mode === '%' ? 'end' : 'none', true);
    if (mode === '/') return val.replace(new RegExp(re.source, 'gs'), () => rep);
    return val.replace(re, () => rep);
  }
  if ((o = /^(##?|%%?)([\s\S]*)$/.exec(rest))) {
    const greedy = o[1].length === 2;
    const re = globToRegExp(o[2], o[1][0] === '#' ? 'start' : 'end', greedy);
    if (o[1][0] === '%' && !greedy) {
      // Shortest suffix: try from the end.
      for (let k = val.length; k >= 0; k--) if (new RegExp(`^${re.source}`, 's').test(val.slice(k))) return val.slice(0, k);
      return val;
    }
    return val.replace(re, '');
  }
  if (rest === '^^' || rest === '^') return rest === '^^' ? val.toUpperCase() : val.charAt(0).toUpperCase() + val.slice(1);
  if (rest === ',,' || rest === ',') return rest === ',,' ? val.toLowerCase() : val.charAt(0).toLowerCase() + val.slice(1);
  return null;
}

/** Bash brace expansion (`a{b,c}d`, `{1..3}`), capped. */
export function expandBraces(s: string, limit = 64): string[] {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    let j = i;
    for (; j < s.length; j++) {
      const ch = s[j];
      if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) break;
      else if (ch === ',' && depth === 1) commas.push(j);
    }
    if (j >= s.length) return [s];
    let alts: string[] | null = null;
    if (commas.length) {
      alts = [];
      let k = i + 1;
      for (const c of commas) {
        alts.push(s.slice(k, c));
        k = c + 1;
      }
      alts.push(s.slice(k, j));
    } else {
      const m = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])$/.exec(s.slice(i + 1, j));
      if (m) alts = sequence(m[1], m[2], limit);
    }
    if (!alts) continue;
    const pre = s.slice(0, i);
    const post = s.slice(j + 1);
    const out: string[] = [];
    for (const a of alts) {
      for (const r of expandBraces(pre + a + post, limit)) {
        out.push(r);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
  return [s];
}

function sequence(a: string, b: string, limit: number): string[] {
  const num = /^-?\d+$/.test(a) && /^-?\d+$/.test(b);
  let x = num ? parseInt(a, 10) : a.charCodeAt(0);
  const y = num ? parseInt(b, 10) : b.charCodeAt(0);
  const step = x <= y ? 1 : -1;
  const out: string[] = [];
  for (; out.length < limit; x += step) {
    out.push(num ? String(x) : String.fromCharCode(x));
    if (x === y) break;
  }
  return out;
}

/** Expands one word into the fields the shell would pass. */
export function expandWord(w: Word, scope: Scope): Arg[] {
  // "$@" expands to one field per positional parameter, quoted or not.
  if (w.text === '\0$@\0' || w.text === '\0$*\0') {
    if (scope.positionalUnknown) return [{ v: '$@', w, dyn: true }];
    return scope.positional.map((v) => ({ v, w, dyn: false }));
  }
  if (!w.dynamic) return w.braces ? expandBraces(w.text).map((v) => ({ v, w, dyn: false })) : [{ v: w.text, w, dyn: false }];
  const pieces = w.text.split('\0');
  let v = '';
  let ifEmpty = '';
  let dyn = false;
  let splitHint = false;
  let taint: Arg['taint'];
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k];
    if (k % 2 === 0) {
      v += piece;
      ifEmpty += piece;
      continue;
    }
    let val: string | null = null;
    const kind = piece[0];
    if (kind === '$' || kind === '{') {
      val = kind === '$' ? lookup(piece.slice(1), scope) : paramOp(piece.slice(1), scope);
      const name = /^[!#]?([A-Za-z_][A-Za-z0-9_]*)/.exec(piece.slice(1))?.[1];
      if (name && scope.varTaint.size) taint = taint ?? scope.varTaint.get(name);
    }
    else if (kind === '#') {
      const r = scope.sub(w.subs[Number(piece.slice(1))]);
      val = r.value;
      taint = taint ?? r.taint;
    } else if (kind === '<') val = '/dev/fd/63';
    else if (kind === '%') val = null;
    if (val === null) {
      dyn = true;
      v += kind === '$' ? piece : kind === '{' ? `\${${piece.slice(1)}}` : kind === '#' ? '$(…)' : '$((…))';
    } else {
      if (/\s/.test(val)) splitHint = true;
      v += val;
      ifEmpty += val;
    }
  }
  // Unquoted expansions split on $IFS (`IFS=,; c=rm,-rf,/; $c`).
  const ifs = scope.vars.get('IFS');
  const splitRe = ifs !== undefined && ifs !== ' ' && ifs !== ' \t\n' ? new RegExp(`[${ifs.replace(/[\]\\^-]/g, '\\$&') || ' '}]+`) : /[ \t\n]+/;
  if (ifs !== undefined && ifs !== ' ' && ifs !== ' \t\n' && [...ifs].some((ch) => v.includes(ch))) splitHint = true;
  let fields = w.splittable && splitHint ? v.split(splitRe).filter(Boolean) : [v];
  if (w.splittable && !w.quoted && v === '') fields = [];
  if (w.braces) fields = fields.flatMap((f) => expandBraces(f));
  return fields.slice(0, MAX_FIELDS).map((f) => (dyn && fields.length === 1 ? { v: f, w, dyn, taint, ifEmpty } : { v: f, w, dyn, taint }));
}
