// Grammar half of the small POSIX/bash parser: lists, pipelines, subshells, groups, functions, case,
// for/select headers, [[ ]], (( )). It never throws: malformed input parses as far as it goes, and the
// classifier treats what it could not see with suspicion.
import type { Command, Pipeline, Redirect, Script, Word } from './ast';
import { addSubs, CLOSE_PAREN, isArithmetic, isWord, Lexer, matchClose, MAX_DEPTH, newWord, REDIR_OPS, type Stop } from './shell-lexer';

const SEPARATORS = new Set([';', '&', '&&', '||', '\n', ';;', ';&', ';;&', '|', '|&']);
const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'coproc']);
const END_WORDS = new Set(['fi', 'done', 'esac', '}']);
const FUNC_PARENS = /\(\s*\)/y;
const CASE_END: Stop = (t) => (t.t === 'op' && (t.op === ';;' || t.op === ';&' || t.op === ';;&')) || isWord(t, 'esac');
const CLOSE_BRACE: Stop = (t) => isWord(t, '}');

class Parser extends Lexer {
  parseAll(): Script {
    const sc = this.parseScript(null);
    sc.truncated = this.shared.truncated;
    return sc;
  }

  protected child(src: string): Parser {
    if (this.depth + 1 > MAX_DEPTH) this.shared.truncated = true;
    return new Parser(this.depth + 1 > MAX_DEPTH ? '' : src, this.depth + 1, this.shared);
  }

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
      if (t.op === '(') return isArithmetic(this.s, t.start) ? this.skipArithmetic(t.start) : this.parseGrouped(CLOSE_PAREN);
      if (!REDIR_OPS.has(t.op)) return null;
      return this.parseSimple(stop);
    }
    if (!t.w.quoted) {
      const word = t.w.text;
      if (word === '{') return this.parseGrouped(CLOSE_BRACE);
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

  /** `( … )` or `{ …; }`: the body up to the closing token, then redirects that apply to the whole group. */
  private parseGrouped(close: Stop): Command {
    const open = this.next();
    const body = this.parseScript(close);
    if (close(this.peek())) this.next();
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
    if (body.includes('$(') || body.includes('`')) addSubs(w, ...this.subsOf(body));
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
