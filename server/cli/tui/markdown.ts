// Markdown → terminal text for the chat: marked's lexer does the parsing; this walks its tokens and emits text with
// SGR styles (bold, italic, code, headings, lists, quotes, fenced code). Re-run on every streamed delta: an unclosed
// fence or emphasis simply renders as plain text until it closes.
import { Lexer, type Token, type Tokens } from 'marked';

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  italic: sgr(3, 23),
  underline: sgr(4, 24),
  cyan: sgr(36, 39),
  yellow: sgr(33, 39),
  magenta: sgr(35, 39),
  green: sgr(32, 39),
  red: sgr(31, 39),
};

/** Terminal escape sequences in model text would let a reply move the cursor or retitle the window: drop them. */
export function stripControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _m);
}

function inline(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  return tokens
    .map((t) => {
      switch (t.type) {
        case 'strong':
          return style.bold(inline((t as Tokens.Strong).tokens));
        case 'em':
          return style.italic(inline((t as Tokens.Em).tokens));
        case 'codespan':
          return style.cyan(decode((t as Tokens.Codespan).text));
        case 'del':
          return style.dim(inline((t as Tokens.Del).tokens));
        case 'link': {
          const l = t as Tokens.Link;
          const text = inline(l.tokens);
          return text === l.href ? style.underline(l.href) : `${text} ${style.dim(`(${l.href})`)}`;
        }
        case 'br':
          return '\n';
        case 'text':
          return (t as Tokens.Text).tokens ? inline((t as Tokens.Text).tokens) : decode((t as Tokens.Text).text);
        case 'escape':
          return decode((t as Tokens.Escape).text);
        default:
          return decode((t as { raw?: string }).raw ?? '');
      }
    })
    .join('');
}

function indent(text: string, first: string, rest: string): string {
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? first : rest) + l)
    .join('\n');
}

function block(t: Token): string {
  switch (t.type) {
    case 'heading': {
      const h = t as Tokens.Heading;
      const text = inline(h.tokens);
      return h.depth <= 2 ? style.bold(style.underline(text)) : style.bold(text);
    }
    case 'paragraph':
      return inline((t as Tokens.Paragraph).tokens);
    case 'text': {
      const x = t as Tokens.Text;
      return x.tokens ? inline(x.tokens) : decode(x.text);
    }
    case 'code': {
      const c = t as Tokens.Code;
      const label = c.lang ? style.dim(`─ ${c.lang}`) + '\n' : '';
      return label + c.text.split('\n').map((l) => style.dim('│ ') + style.yellow(l)).join('\n');
    }
    case 'blockquote':
      return indent(blocks((t as Tokens.Blockquote).tokens), style.dim('│ '), style.dim('│ '));
    case 'list': {
      const l = t as Tokens.List;
      const start = typeof l.start === 'number' ? l.start : 1;
      return l.items
        .map((it, i) => {
          const bullet = it.task ? (it.checked ? '☑ ' : '☐ ') : l.ordered ? `${start + i}. ` : '• ';
          const body = blocks(it.tokens.filter((x) => x.type !== 'checkbox'), !l.loose);
          return indent(body, bullet, ' '.repeat(bullet.length));
        })
        .join(l.loose ? '\n\n' : '\n');
    }
    case 'hr':
      return style.dim('─'.repeat(40));
    case 'table': {
      const tb = t as Tokens.Table;
      const rows = [tb.header.map((c) => inline(c.tokens)), ...tb.rows.map((r) => r.map((c) => inline(c.tokens)))];
      return rows.map((r, i) => (i === 0 ? style.bold(r.join(' │ ')) : r.join(' │ '))).join('\n');
    }
    case 'space':
      return '';
    case 'html':
      return decode((t as Tokens.HTML).text);
    default:
      return decode((t as { raw?: string }).raw ?? '');
  }
}

function blocks(tokens: Token[], tight = false): string {
  return tokens
    .map(block)
    .filter((s) => s !== '')
    .join(tight ? '\n' : '\n\n');
}

/** The terminal rendering of a Markdown text (trailing whitespace trimmed). */
export function renderMarkdown(md: string): string {
  const clean = stripControls(md);
  try {
    return blocks(new Lexer({ gfm: true }).lex(clean)).replace(/\s+$/, '');
  } catch {
    return clean;
  }
}
