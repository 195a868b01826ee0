// A small POSIX/bash tokenizer and parser: quotes, escapes, `$'…'`, expansions, command and process
// substitution, heredocs, subshells, groups, functions, case, [[ ]], (( )). It never throws: malformed input
// parses as far as it goes, and the classifier treats what it could not see with suspicion.
import { decodeEscapes } from './normalize';
import type { Command, Pipeline, Redirect, Script, Word } from './ast';

type Tok =
  | { t: 'w'; w: Word; start: number; end: number }
  | { t: 'op'; op: string; fd: string; start: number; end: number }
  | { t: 'eof'; start: number; end: number };

type Stop = (t: Tok) => boolean;

interface Shared {
  nodes: number;
  truncated: boolean;
}

interface PendingHeredoc {
  r: Redirect;
  delim: string;
  strip: boolean;
  quoted: boolean;
}

const MAX_DEPTH = 16;
const MAX_NODES = 20_000;
const OPS = ['<<<', '<<-', ';;&', '&>>', '&&', '||', '|&', ';;', ';&', '>>', '<<', '>&', '<&', '<>', '>|', '&>', ';', '&', '|', '(', ')', '<', '>'];
const REDIR_OPS = new Set(['<', '>', '>>', '>|', '<>', '<<', '<<-', '<<<', '<&', '>&', '&>', '&>>']);
const SEPARATORS = new Set([';', '&', '&&', '||', '\n', ';;', ';&', ';;&', '|', '|&']);
const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'coproc']);
const END_WORDS = new Set(['fi', 'done', 'esac', '}']);
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const FUNC_PARENS = /\(\s*\)/y;
const CASE_END: Stop = (t) => (t.t === 'op' && (t.op === ';;' || t.op === ';&' || t.op === ';;&')) || isWord(t, 'esac');
const CLOSE_PAREN: Stop = (t) => t.t === 'op' && t.op === ')';
const CLOSE_BRACE: Stop = (t) => isWord(t, '}');

function isWord(t: Tok, text: string): boolean {
  return t.t === 'w' && !t.w.quoted && t.w.text === text;
}

function emptyScript(): Script {
  return { pipelines: [], truncated: false };
}

function newWord(): Word {
  return { text: '', subs: [], procs: [], dynamic: false, splittable: false, braces: false, quoted: false };
}

/** Index of the `)` matching the `(` at `open`, skipping quoted text; -1 when unbalanced. */
function matchClose(s: string, open: number, o = '(', c = ')'): number {
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
function isArithmetic(s: string, open: number): boolean {
  if (s[open + 1] !== '(') return false;
  const outer = matchClose(s, open);
  return outer > 0 && matchClose(s, open + 1) === outer - 1;
}

class Parser {
  private i = 0;
  private peeked: Tok | null = null;
  private lastEnd = 0;
  private pending: PendingHeredoc[] = [];
  private testMode = false;

  constructor(
    private readonly s: string,
    private depth: number,
    private readonly shared: Shared,
  ) {}

  parseAll(): Script {
    const sc = this.parseScript(null);
    sc.truncated = this.shared.truncated;
    return sc;
  }

  // ---- tokens ----

  private peek(): Tok {
    return (this.peeked ??= this.lex());
  }

  private next(): Tok {
    const t = this.peeked ?? this.lex();
    this.peeked = null;
    this.lastEnd = t.end;
    return t;
  }

  private skipNewlines(): void {
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
    const fd = p > start && (s[p] === '<' || s[p] === '>') ? s.slice(start, p) : '';
    if (!fd) p = start;
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
        w.procs.push(this.parseNested());
        w.text += `\0<${w.procs.length - 1}\0`;
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
  private readDouble(w: Word, terminated: boolean): void {
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
        if (body.includes('$(') || body.includes('`')) w.subs.push(...this.subsOf(body));
        w.text += '\0%\0';
        this.i = end + 1;
      } else {
        this.i = i + 2;
        w.subs.push(this.parseNested());
        w.text += `\0#${w.subs.length - 1}\0`;
      }
      return;
    }
    if (d === '{') {
      const end = matchClose(s, i + 1, '{', '}');
      const stop = end < 0 ? s.length : end;
      const body = s.slice(i + 2, stop);
      if (body.includes('$(') || body.includes('`')) w.subs.push(...this.subsOf(body));
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
    w.subs.push(this.child(body).parseScript(null));
    w.text += `\0#${w.subs.length - 1}\0`;
  }

  private child(src: string): Parser {
    if (this.depth + 1 > MAX_DEPTH) this.shared.truncated = true;
    return new Parser(this.depth + 1 > MAX_DEPTH ? '' : src, this.depth + 1, this.shared);
  }

  /** Substitutions inside text that the shell expands like a double-quoted string (heredoc bodies, ${…}). */
  private subsOf(text: string): Script[] {
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

  // ---- grammar ----

  parseScript(stop: Stop | null): Script {
    const pipelines: Pipeline[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'eof' || (stop && stop(t))) break;
      if (t.t === 'op' && (SEPARATORS.has(t.op) || t.op === ')')) {
        this.next(); // stray separator or unbalanced `)`: skip it
        continue;
      }
      const before = this.i;
      const p = this.parsePipeline(stop);
      if (p.commands.length) pipelines.push(p);
      const sep = this.peek();
      if (sep.t === 'op' && (sep.op === '&' || sep.op === ';' || sep.op === '&&' || sep.op === '||' || sep.op === '\n')) {
        if (sep.op === '&') p.background = true;
        this.next();
      } else if (this.i === before && this.peeked === sep && !(stop && stop(sep)) && sep.t !== 'eof') {
        this.next(); // no progress: drop the token rather than loop
      }
    }
    return { pipelines, truncated: false };
  }

  private parsePipeline(stop: Stop | null): Pipeline {
    const commands: Command[] = [];
    for (;;) {
      const c = this.parseCommand(stop);
      if (c) commands.push(c);
      const t = this.peek();
      if (t.t === 'op' && (t.op === '|' || t.op === '|&')) {
        this.next();
        this.skipNewlines();
        continue;
      }
      return { commands, background: false };
    }
  }

  private parseCommand(stop: Stop | null): Command | null {
    let t = this.peek();
    while (t.t === 'w' && !t.w.quoted && PREFIX_WORDS.has(t.w.text)) {
      this.next();
      t = this.peek();
    }
    if (t.t === 'eof' || (stop && stop(t))) return null;
    if (t.t === 'op') {
      if (t.op === '(') return isArithmetic(this.s, t.start) ? this.skipArithmetic(t.start) : this.parseSubshell();
      if (!REDIR_OPS.has(t.op)) return null;
      return this.parseSimple(stop);
    }
    if (!t.w.quoted) {
      const word = t.w.text;
      if (word === '{') return this.parseGroup();
      if (END_WORDS.has(word)) {
        this.next();
        return { kind: 'noop', words: [], redirects: this.readTrailingRedirects(), text: word };
      }
      if (word === 'for' || word === 'select') return this.parseFor(t.start);
      if (word === 'case') return this.parseCase(t.start);
      if (word === 'function') return this.parseFunctionKeyword(stop);
      if (word === '[[') return this.parseTest(t.start);
    }
    return this.parseSimple(stop);
  }

  private parseSimple(stop: Stop | null): Command {
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    let start = -1;
    let end = -1;
    for (;;) {
      const t = this.peek();
      if (t.t === 'eof') break;
      if (t.t === 'op') {
        if (REDIR_OPS.has(t.op)) {
          this.next();
          if (start < 0) start = t.start;
          redirects.push(this.readRedirect(t.op, t.fd));
          end = this.lastEnd;
          continue;
        }
        if (t.op === '(' && words.length === 1 && redirects.length === 0) {
          FUNC_PARENS.lastIndex = t.start;
          if (FUNC_PARENS.test(this.s)) {
            this.i = FUNC_PARENS.lastIndex;
            this.peeked = null;
            this.skipNewlines();
            const body = this.parseCommand(stop) ?? { kind: 'noop', words: [], redirects: [], text: '' };
            return { kind: 'func', name: words[0].text, body, text: this.s.slice(start, this.lastEnd).trim() };
          }
        }
        break;
      }
      this.next();
      if (start < 0) start = t.start;
      end = t.end;
      words.push(t.w);
    }
    return { kind: 'simple', words, redirects, text: start < 0 ? '' : this.s.slice(start, end) };
  }

  private readRedirect(op: string, fd: string): Redirect {
    const r: Redirect = { op, fd, target: null };
    const t = this.peek();
    if (t.t !== 'w') return r;
    this.next();
    r.target = t.w;
    if (op === '<<' || op === '<<-') {
      this.pending.push({ r, delim: t.w.text.replace(/\0/g, ''), strip: op === '<<-', quoted: t.w.quoted });
    }
    return r;
  }

  private readTrailingRedirects(): Redirect[] {
    const out: Redirect[] = [];
    for (let t = this.peek(); t.t === 'op' && REDIR_OPS.has(t.op); t = this.peek()) {
      this.next();
      out.push(this.readRedirect(t.op, t.fd));
    }
    return out;
  }

  private parseSubshell(): Command {
    const open = this.next();
    const body = this.parseScript(CLOSE_PAREN);
    if (CLOSE_PAREN(this.peek())) this.next();
    const redirects = this.readTrailingRedirects();
    return { kind: 'group', body, redirects, text: this.s.slice(open.start, this.lastEnd) };
  }

  private parseGroup(): Command {
    const open = this.next();
    const body = this.parseScript(CLOSE_BRACE);
    if (CLOSE_BRACE(this.peek())) this.next();
    const redirects = this.readTrailingRedirects();
    return { kind: 'group', body, redirects, text: this.s.slice(open.start, this.lastEnd) };
  }

  private skipArithmetic(start: number): Command {
    const end = matchClose(this.s, start);
    const body = this.s.slice(start + 2, end - 1);
    this.peeked = null;
    this.i = end + 1;
    this.lastEnd = this.i;
    const w = newWord();
    if (body.includes('$(') || body.includes('`')) w.subs.push(...this.subsOf(body));
    return { kind: 'noop', words: [w], redirects: [], text: this.s.slice(start, this.i) };
  }

  private parseFor(start: number): Command {
    this.next();
    let j = this.i;
    while (this.s[j] === ' ' || this.s[j] === '\t') j++;
    if (this.s.startsWith('((', j)) return this.skipArithmetic(j);
    const words: Word[] = [];
    for (let t = this.peek(); t.t === 'w'; t = this.peek()) words.push((this.next() as { w: Word }).w);
    return { kind: 'noop', words, redirects: [], text: this.s.slice(start, this.lastEnd) };
  }

  private parseTest(start: number): Command {
    this.next();
    this.testMode = true;
    const words: Word[] = [];
    for (let t = this.peek(); t.t === 'w'; t = this.peek()) {
      this.next();
      if (!t.w.quoted && t.w.text === ']]') break;
      words.push(t.w);
    }
    this.testMode = false;
    return { kind: 'noop', words, redirects: this.readTrailingRedirects(), text: this.s.slice(start, this.lastEnd) };
  }

  private parseCase(start: number): Command {
    this.next();
    const words: Word[] = [];
    for (let t = this.peek(); t.t === 'w' && !isWord(t, 'in'); t = this.peek()) words.push((this.next() as { w: Word }).w);
    if (isWord(this.peek(), 'in')) this.next();
    const pipelines: Pipeline[] = [{ commands: [{ kind: 'noop', words, redirects: [], text: '' }], background: false }];
    for (;;) {
      let t = this.peek();
      while (t.t === 'op' && (t.op === '\n' || t.op === ';' || CASE_END(t))) {
        this.next();
        t = this.peek();
      }
      if (t.t === 'eof') break;
      if (isWord(t, 'esac')) {
        this.next();
        break;
      }
      if (t.t === 'op' && t.op === '(') this.next();
      // Pattern words up to `)`.
      for (t = this.peek(); t.t !== 'eof' && !CLOSE_PAREN(t); t = this.peek()) {
        this.next();
        if (t.t === 'w') pipelines[0].commands.push({ kind: 'noop', words: [t.w], redirects: [], text: '' });
      }
      if (CLOSE_PAREN(this.peek())) this.next();
      pipelines.push(...this.parseScript(CASE_END).pipelines);
    }
    return { kind: 'group', body: { pipelines, truncated: false }, redirects: this.readTrailingRedirects(), text: this.s.slice(start, this.lastEnd) };
  }

  private parseFunctionKeyword(stop: Stop | null): Command {
    const kw = this.next();
    const nameTok = this.peek();
    let name = '';
    if (nameTok.t === 'w') {
      this.next();
      name = nameTok.w.text;
      const m = /^[ \t]*\(\s*\)/.exec(this.s.slice(this.i, this.i + 64));
      if (m) this.i += m[0].length;
    }
    this.skipNewlines();
    const body = this.parseCommand(stop) ?? { kind: 'noop', words: [], redirects: [], text: '' };
    return { kind: 'func', name, body, text: this.s.slice(kw.start, this.lastEnd) };
  }
}

/** Parses normalised command text into a syntax tree. Never throws. */
export function parseShell(source: string): Script {
  return new Parser(source, 0, { nodes: 0, truncated: false }).parseAll();
}

/** Flat list of the simple commands in `source` (including those in substitutions), for tests and tools. */
export function splitCommand(source: string): string[] {
  const out: string[] = [];
  const visitScript = (sc: Script): void => {
    for (const p of sc.pipelines) for (const c of p.commands) visit(c);
  };
  const visitWords = (ws: Word[]): void => {
    for (const w of ws) {
      w.subs.forEach(visitScript);
      w.procs.forEach(visitScript);
    }
  };
  const visit = (c: Command): void => {
    if (c.kind === 'simple') {
      visitWords(c.words);
      if (c.words.length) out.push(c.text);
    } else if (c.kind === 'group') visitScript(c.body);
    else if (c.kind === 'func') visit(c.body);
    else visitWords(c.words);
  };
  visitScript(parseShell(source));
  return out;
}
