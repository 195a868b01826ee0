// Tokenizer half of the shell parser: words with quote removal (`'…'`, `"…"`, `$'…'`, backslashes),
// expansions kept as placeholders, command/process substitutions parsed recursively, heredoc bodies, operators.
import { decodeEscapes } from './normalize';
import type { Redirect, Script, Word } from './ast';

export type Tok =
  | { t: 'w'; w: Word; start: number; end: number }
  | { t: 'op'; op: string; fd: string; start: number; end: number }
  | { t: 'eof'; start: number; end: number };

export type Stop = (t: Tok) => boolean;

export interface Shared {
  nodes: number;
  truncated: boolean;
}

interface PendingHeredoc {
  r: Redirect;
  delim: string;
  strip: boolean;
  quoted: boolean;
}

export const MAX_DEPTH = 16;
const MAX_NODES = 20_000;
const OPS = ['<<<', '<<-', ';;&', '&>>', '&&', '||', '|&', ';;', ';&', '>>', '<<', '>&', '<&', '<>', '>|', '&>', ';', '&', '|', '(', ')', '<', '>'];
const OP_START = new Set([';', '&', '|', '(', ')', '<', '>']);
export const REDIR_OPS = new Set(['<', '>', '>>', '>|', '<>', '<<', '<<-', '<<<', '<&', '>&', '&>', '&>>']);
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
export const CLOSE_PAREN: Stop = (t) => t.t === 'op' && t.op === ')';

export function isWord(t: Tok, text: string): boolean {
  return t.t === 'w' && !t.w.quoted && t.w.text === text;
}

function emptyScript(): Script {
  return { pipelines: [], truncated: false };
}

// Most words hold no substitutions: they share one frozen empty list until the first push (see addSubs).
const NONE: Script[] = Object.freeze([]) as unknown as Script[];

export function newWord(): Word {
  return { text: '', subs: NONE, procs: NONE, dynamic: false, splittable: false, braces: false, quoted: false };
}

/** Appends command substitutions to a word; returns the index of the first one. */
export function addSubs(w: Word, ...scs: Script[]): number {
  if (w.subs === NONE) w.subs = [];
  w.subs.push(...scs);
  return w.subs.length - scs.length;
}

function addProc(w: Word, sc: Script): number {
  if (w.procs === NONE) w.procs = [];
  return w.procs.push(sc) - 1;
}

/** Index of the `)` matching the `(` at `open`, skipping quoted text; -1 when unbalanced. */
export function matchClose(s: string, open: number, o = '(', c = ')'): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    const ch = s[j];
    if (ch === '\\') j++;
    else if (ch === "'") {
      const k = s.indexOf("'", j + 1);
      if (k < 0) return -1;
      j = k;
    } else if (ch === '"') {
      for (j++; j < s.length && s[j] !== '"'; j++) if (s[j] === '\\') j++;
    } else if (ch === o) depth++;
    else if (ch === c && --depth === 0) return j;
  }
  return -1;
}

/** `((…))` is arithmetic when the inner `(` closes right before the outer one. */
export function isArithmetic(s: string, open: number): boolean {
  if (s[open + 1] !== '(') return false;
  const outer = matchClose(s, open);
  return outer > 0 && matchClose(s, open + 1) === outer - 1;
}

export abstract class Lexer {
  protected i = 0;
  protected peeked: Tok | null = null;
  protected lastEnd = 0;
  protected pending: PendingHeredoc[] = [];
  protected testMode = false;

  constructor(
    protected readonly s: string,
    protected depth: number,
    protected readonly shared: Shared,
  ) {}

  /** The grammar half: parses commands up to `stop` (used for `$(…)` and `<(…)`). */
  protected abstract parseScript(stop: Stop | null): Script;

  /** A parser for a nested source (backticks, heredoc bodies, `${…}`), one level deeper. */
  protected abstract child(src: string): Lexer;

  protected peek(): Tok {
    return (this.peeked ??= this.lex());
  }

  protected next(): Tok {
    const t = this.peeked ?? this.lex();
    this.peeked = null;
    this.lastEnd = t.end;
    return t;
  }

  protected skipNewlines(): void {
    for (let t = this.peek(); t.t === 'op' && t.op === '\n'; t = this.peek()) this.next();
  }

  private lex(): Tok {
    const s = this.s;
    const n = s.length;
    if (++this.shared.nodes > MAX_NODES) {
      this.shared.truncated = true;
      this.i = n;
    }
    for (;;) {
      while (this.i < n) {
        const c = s[this.i];
        if (c === ' ' || c === '\t') this.i++;
        else if (c === '\\' && s[this.i + 1] === '\n') this.i += 2;
        else break;
      }
      if (this.i < n && s[this.i] === '#') {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? n : nl;
        continue;
      }
      break;
    }
    const start = this.i;
    if (start >= n) return { t: 'eof', start: n, end: n };
    const c = s[start];
    if (c === '\n') {
      this.i++;
      this.readHeredocs();
      return { t: 'op', op: '\n', fd: '', start, end: start + 1 };
    }
    if (this.testMode) {
      const two = s.slice(start, start + 2);
      if (two === '&&' || two === '||') return this.wordTok(two, start, start + 2);
      if ('<>()!'.includes(c)) return this.wordTok(c, start, start + 1);
    }
    if ((c === '<' || c === '>') && s[start + 1] === '(') return this.readWordTok(start);
    let p = start;
    while (p < n && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
    // `{name}>file` allocates a descriptor into $name: a redirect, not a word (`bash {fd}>out -c reboot`).
    if (p === start && c === '{') {
      const m = /^\{[A-Za-z_][A-Za-z0-9_]*\}(?=[<>])/.exec(s.slice(start, start + 66));
      if (m) p = start + m[0].length;
    }
    const fd = p > start && (s[p] === '<' || s[p] === '>') ? s.slice(start, p) : '';
    if (!fd) p = start;
    if (!OP_START.has(s[p])) return this.readWordTok(start);
    for (const op of OPS) {
      if (s.startsWith(op, p)) {
        if (fd && !REDIR_OPS.has(op)) break;
        this.i = p + op.length;
        return { t: 'op', op, fd, start, end: this.i };
      }
    }
    return this.readWordTok(start);
  }

  private wordTok(text: string, start: number, end: number): Tok {
    this.i = end;
    const w = newWord();
    w.text = text;
    return { t: 'w', w, start, end };
  }

  private readWordTok(start: number): Tok {
    const w = newWord();
    const s = this.s;
    const n = s.length;
    while (this.i < n) {
      const c = s[this.i];
      if ((c === '<' || c === '>') && s[this.i + 1] === '(' && w.text === '') {
        this.i += 2;
        w.text += `\0<${addProc(w, this.parseNested())}\0`;
        w.dynamic = true;
        continue;
      }
      if (WORD_END.has(c)) {
        if (!(this.testMode && (c === '<' || c === '>' || c === '(' || c === ')'))) break;
        if (w.text !== '') break;
      }
      if (c === '\\') {
        if (s[this.i + 1] === '\n') this.i += 2;
        else {
          if (this.i + 1 < n) w.text += s[this.i + 1];
          this.i += 2;
          w.quoted = true;
        }
      } else if (c === "'") {
        const j = s.indexOf("'", this.i + 1);
        const end = j < 0 ? n : j;
        w.text += s.slice(this.i + 1, end);
        this.i = end + 1;
        w.quoted = true;
      } else if (c === '"') {
        this.i++;
        this.readDouble(w, true);
        w.quoted = true;
      } else if (c === '$') {
        this.readDollar(w, false);
      } else if (c === '`') {
        this.readBacktick(w, false);
      } else {
        if (c === '{') w.braces = true;
        w.text += c;
        this.i++;
      }
    }
    if (this.testMode && w.text === '' && this.i === start) this.i++;
    return { t: 'w', w, start, end: this.i };
  }

  /** Reads the inside of "…" (or a whole unquoted heredoc body when `terminated` is false). */
  protected readDouble(w: Word, terminated: boolean): void {
    const s = this.s;
    const n = s.length;
    while (this.i < n) {
      const c = s[this.i];
      if (c === '"' && terminated) {
        this.i++;
        return;
      }
      if (c === '\\') {
        const d = s[this.i + 1];
        if (d === '\n') this.i += 2;
        else if (d === '$' || d === '`' || d === '"' || d === '\\') {
          w.text += d;
          this.i += 2;
        } else {
          w.text += c;
          this.i++;
        }
      } else if (c === '$') this.readDollar(w, true);
      else if (c === '`') this.readBacktick(w, true);
      else {
        w.text += c;
        this.i++;
      }
    }
  }

  private readDollar(w: Word, inDq: boolean): void {
    const s = this.s;
    const i = this.i;
    const d = s[i + 1];
    if (d === "'" && !inDq) {
      let j = i + 2;
      while (j < s.length && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
      w.text += decodeEscapes(s.slice(i + 2, Math.min(j, s.length)));
      this.i = j + 1;
      w.quoted = true;
      return;
    }
    if (d === '"' && !inDq) {
      this.i += 2;
      this.readDouble(w, true);
      w.quoted = true;
      return;
    }
    w.dynamic = true;
    if (!inDq) w.splittable = true;
    if (d === '(') {
      if (isArithmetic(s, i + 1)) {
        const end = matchClose(s, i + 1);
        const body = s.slice(i + 3, end - 1);
        if (body.includes('$(') || body.includes('`')) addSubs(w, ...this.subsOf(body));
        w.text += '\0%\0';
        this.i = end + 1;
      } else {
        this.i = i + 2;
        w.text += `\0#${addSubs(w, this.parseNested())}\0`;
      }
      return;
    }
    if (d === '{') {
      const end = matchClose(s, i + 1, '{', '}');
      const stop = end < 0 ? s.length : end;
      const body = s.slice(i + 2, stop);
      if (body.includes('$(') || body.includes('`')) addSubs(w, ...this.subsOf(body));
      w.text += `\0{${body.replace(/\0/g, '')}\0`;
      this.i = stop + 1;
      return;
    }
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(s.slice(i + 1, i + 65));
    if (m) {
      w.text += `\0$${m[0]}\0`;
      this.i = i + 1 + m[0].length;
      return;
    }
    w.text += '$';
    this.i = i + 1;
  }

  private readBacktick(w: Word, inDq: boolean): void {
    const s = this.s;
    let j = this.i + 1;
    let body = '';
    while (j < s.length && s[j] !== '`') {
      if (s[j] === '\\' && j + 1 < s.length) {
        const d = s[j + 1];
        body += d === '`' || d === '$' || d === '\\' ? d : '\\' + d;
        j += 2;
      } else body += s[j++];
    }
    this.i = j + 1;
    w.dynamic = true;
    if (!inDq) w.splittable = true;
    w.text += `\0#${addSubs(w, this.child(body).parseScript(null))}\0`;
  }

  /** Substitutions inside text that the shell expands like a double-quoted string (heredoc bodies, ${…}). */
  protected subsOf(text: string): Script[] {
    const p = this.child(text);
    const w = newWord();
    p.readDouble(w, false);
    return w.subs;
  }

  /** Parses up to the `)` closing a `$(` or `<(` whose opening was just consumed. */
  private parseNested(): Script {
    if (this.depth + 1 > MAX_DEPTH) {
      this.shared.truncated = true;
      const end = matchClose(this.s, this.i - 1);
      this.i = end < 0 ? this.s.length : end + 1;
      return emptyScript();
    }
    const saved = this.testMode;
    this.testMode = false;
    this.depth++;
    const sc = this.parseScript(CLOSE_PAREN);
    this.depth--;
    this.testMode = saved;
    const t = this.peek();
    if (t.t === 'op' && t.op === ')') this.next();
    else this.peeked = null;
    return sc;
  }

  private readHeredocs(): void {
    const s = this.s;
    for (const h of this.pending) {
      let body = '';
      while (this.i < s.length) {
        const nl = s.indexOf('\n', this.i);
        const end = nl < 0 ? s.length : nl;
        let line = s.slice(this.i, end);
        if (h.strip) line = line.replace(/^\t+/, '');
        this.i = nl < 0 ? s.length : nl + 1;
        if (line === h.delim) break;
        body += line + '\n';
      }
      h.r.body = body;
      if (!h.quoted && (body.includes('$(') || body.includes('`'))) h.r.bodySubs = this.subsOf(body);
    }
    this.pending = [];
  }
}
