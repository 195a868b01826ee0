// Text-level normalisation before parsing. It removes what a terminal hides or renders differently from what
// a shell runs (escape sequences, control and zero-width characters, fullwidth letters) and folds the
// spellings of the home and HERMES_HOME directories, so one rule sees every spelling. Quote and backslash
// tricks (`r\m`, `r''m`, `"r"m`) are undone by the shell tokenizer, which removes quotes the way a shell does.

// ECMA-48: CSI, OSC (BEL or ST terminated), DCS/SOS/PM/APC strings, other ESC sequences, 8-bit CSI.
const ANSI =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]|\x1b|\x9b[0-?]*[ -/]*[@-~]/g;
// C0 except tab and newline, DEL, C1.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// Zero-width, bidi and other invisible format characters.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** Strips escape sequences, control and invisible characters and applies NFKC. */
export function normalizeText(raw: string): string {
  let s = raw;
  if (s.includes('\x1b') || s.includes('\x9b')) s = s.replace(ANSI, '');
  // CRLF is a line end; a lone CR is an ordinary word character to bash (it only hides text on a terminal), so it
  // must not become a line break that would turn `SAFE\r#x; reboot` into a comment.
  if (s.includes('\r')) s = s.replace(/\r\n/g, '\n').replace(/\r/g, '\u240d');
  if (NON_ASCII.test(s)) s = s.normalize('NFKC').replace(INVISIBLE, '');
  return s.replace(CONTROL, '');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const foldCache = new Map<string, RegExp>();
function prefixRe(abs: string): RegExp {
  let re = foldCache.get(abs);
  if (!re) {
    // A whole path component: preceded by a word boundary a shell would see, followed by `/`, a quote or the end.
    re = new RegExp(`(^|[\\s'"=:(\`<>|;&@])${escapeRe(abs)}(?=$|[/\\s'"):;&|<>\`])`, 'gi');
    if (foldCache.size > 64) foldCache.clear();
    foldCache.set(abs, re);
  }
  re.lastIndex = 0;
  return re;
}

/**
 * Folds `$HOME`, `${HOME}` and the absolute home path to `~`, and `$HERMES_HOME`, `${HERMES_HOME}` and the
 * absolute HERMES_HOME path to `~/.hermes`. Over-folding inside single quotes only makes the classifier more
 * cautious, never less.
 */
export function foldHomeForms(text: string, home: string, hermesHome: string): string {
  let s = text;
  // `~` only means home at the start of a word; inside one (`/proc/self/root$HOME/x`) the absolute path is spelled out.
  const at = (m: string, off: number, str: string, abs: string): string => (off === 0 || /[\s'"=:(`<>|;&]/.test(str[off - 1]) ? m : abs);
  if (s.includes('HERMES_HOME')) s = s.replace(/\$\{HERMES_HOME\}|\$HERMES_HOME(?![A-Za-z0-9_])/g, (_m, off: number, str: string) => at('~/.hermes', off, str, trimSlash(hermesHome)));
  if (s.includes('HOME')) s = s.replace(/\$\{HOME\}|\$HOME(?![A-Za-z0-9_])/g, (m, off: number, str: string) => at('~', off, str, trimSlash(home)));
  if (!s.includes('/')) return s;
  const lower = s.toLowerCase();
  const hh = trimSlash(hermesHome);
  if (hh.length > 1 && lower.includes(hh.toLowerCase())) s = s.replace(prefixRe(hh), '$1~/.hermes');
  const h = trimSlash(home);
  if (h.length > 1 && lower.includes(h.toLowerCase())) s = s.replace(prefixRe(h), '$1~');
  return s;
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.replace(/\/+$/, '') : p;
}

/** The full text pipeline: what the tokenizer parses and what users see in `parts`. */
export function normalizeCommand(raw: string, home: string, hermesHome: string): string {
  return foldHomeForms(normalizeText(raw), home, hermesHome);
}

const SIMPLE_ESC: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Decodes C-style escapes as bash's `$'…'`, `echo -e` and `printf` do (\n, \xHH, \NNN, \uHHHH, \cX). */
export function decodeEscapes(s: string, octalNeedsZero = false): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const d = s[i + 1];
    if (d in SIMPLE_ESC) {
      out += SIMPLE_ESC[d];
      i++;
    } else if (d === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2, i + 4));
      if (m) {
        out += String.fromCharCode(parseInt(m[0], 16));
        i += 1 + m[0].length;
      } else out += c;
    } else if (d === 'u' || d === 'U') {
      const m = (d === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(s.slice(i + 2, i + 10));
      if (m) {
        const cp = parseInt(m[0], 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
        i += 1 + m[0].length;
      } else out += c;
    } else if (d >= '0' && d <= '7') {
      const from = octalNeedsZero && d === '0' ? i + 2 : i + 1;
      const digits = /^[0-7]{0,3}/.exec(s.slice(from, from + 3))![0];
      if (digits) out += String.fromCharCode(parseInt(digits, 8) & 0xff);
      i = from + digits.length - 1;
    } else if (d === 'c' && i + 2 < s.length) {
      out += String.fromCharCode(s.charCodeAt(i + 2) & 0x1f);
      i += 2;
    } else {
      out += c;
    }
  }
  return normalizeText(out);
}
