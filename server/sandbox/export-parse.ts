// Reads the persistent shell's `export -p` file as data, never as code. The file lives in the sandbox's private /tmp,
// so a confined command can write anything into it; sourcing it in an unconfined shell ("run once outside") would
// run that anything outside the sandbox. Only `declare -x NAME=value` (bash) and `export NAME=value` (POSIX sh)
// entries are taken, with their quoting decoded; everything else is ignored.

/** Variables that make a program run code or load libraries it was not asked to: never carried outside. */
const UNSAFE = /^(LD_|DYLD_|BASH_ENV$|ENV$|BASH_FUNC_|PROMPT_COMMAND$|PS[0-4]$|SHELLOPTS$|BASHOPTS$|IFS$|CDPATH$|GLOBIGNORE$|PATH$|GCONV_PATH$|NODE_OPTIONS$|PYTHONSTARTUP$|PYTHONPATH$|PYTHONHOME$|PERL5OPT$|PERL5LIB$|RUBYOPT$|RUBYLIB$|GIT_|EDITOR$|VISUAL$|PAGER$|GIT_PAGER$|LESSOPEN$|LESSCLOSE$|SSH_ASKPASS$|SUDO_ASKPASS$|HISTFILE$|TMPDIR$|HOME$)/;

export function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    const m = /^(?:declare -x|export) ([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, i + 300));
    if (!m) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    i += m[0].length;
    const name = m[1]!;
    if (text[i] !== '=') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    i++;
    const [value, next] = readWord(text, i);
    i = next;
    if (value !== undefined) out[name] = value;
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? n : nl + 1;
  }
  return out;
}

/** The exported variables that may go with a command run outside the sandbox. */
export function safeExports(vars: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (!UNSAFE.test(k)) out[k] = v;
  return out;
}

/** One shell word made of '…', "…", $'…' and plain segments; undefined when a quote is not closed. */
function readWord(s: string, i: number): [string | undefined, number] {
  let v = '';
  while (i < s.length && s[i] !== '\n' && s[i] !== ' ' && s[i] !== '\t') {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return [undefined, s.length];
      v += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= s.length) return [undefined, s.length];
        const d = s[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < s.length && '\\"$`\n'.includes(s[i + 1]!)) {
          if (s[i + 1] !== '\n') v += s[i + 1];
          i += 2;
          continue;
        }
        v += d;
        i++;
      }
    } else if (c === '$' && s[i + 1] === "'") {
      i += 2;
      for (;;) {
        if (i >= s.length) return [undefined, s.length];
        const d = s[i]!;
        if (d === "'") {
          i++;
          break;
        }
        if (d !== '\\') {
          v += d;
          i++;
          continue;
        }
        const [ch, len] = ansiEscape(s, i + 1);
        v += ch;
        i += 1 + len;
      }
    } else if (c === '\\' && i + 1 < s.length) {
      v += s[i + 1];
      i += 2;
    } else {
      v += c;
      i++;
    }
  }
  return [v, i];
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function ansiEscape(s: string, i: number): [string, number] {
  const c = s[i] ?? '';
  if (c in SIMPLE) return [SIMPLE[c]!, 1];
  let m = /^[0-7]{1,3}/.exec(s.slice(i, i + 3));
  if (m) return [String.fromCharCode(parseInt(m[0], 8)), m[0].length];
  m = /^x([0-9A-Fa-f]{1,2})/.exec(s.slice(i, i + 3));
  if (m) return [String.fromCharCode(parseInt(m[1]!, 16)), m[0].length];
  m = /^(?:u([0-9A-Fa-f]{1,4})|U([0-9A-Fa-f]{1,8}))/.exec(s.slice(i, i + 9));
  if (m) return [String.fromCodePoint(parseInt(m[1] ?? m[2]!, 16)), m[0].length];
  return ['\\' + c, 1];
}
