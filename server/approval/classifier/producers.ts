// What flows through a pipe: content fetched from the network, decoded (base64, hex, rev, gunzip), a literal
// the classifier can read (echo, printf, heredocs), or output of some other program. The sinks (a shell or an
// interpreter reading code on stdin, `sh -c "$(…)"`, `eval`, `source <(…)`) decide from this.
import { parseOpts } from './argv';
import type { Arg } from './expand';
import { decodeEscapes, normalizeText } from './normalize';
import { isUnder, resolvePath } from './paths';
import type { Ctx } from './types';

export interface StageInfo {
  /** Effective command name after unwrapping (sudo, env, …); '' for a group or unknown. */
  name: string;
  args: Arg[];
  /** Heredoc, here-string or `<` redirect feeding this stage (it replaces the pipe). */
  stdinFlow?: Flow;
  /** For groups and `sh -c` stages: whether something inside fetches from the network. */
  remoteInside?: boolean;
}

export interface Flow {
  remote: boolean;
  decoded: boolean;
  /** Known text, when every stage is a literal, a passthrough or a decoder the classifier can run. */
  content: string | null;
  /** Output of a shell-init generator (`ssh-agent -s`, `pyenv init -`): as trusted as running it. */
  envgen: boolean;
  /** Contents of a local file (`cat script.sh | sh` is `sh script.sh`). */
  localFile: boolean;
  /** Pids of the host itself (`pgrep hermes`, `pidof node`, `ps | grep hermes | awk …`, a hermes pid file). */
  hostPids: boolean;
  /** The process environment (`env`, `printenv`, `set`, `export -p`): API keys and tokens live there. */
  environ?: boolean;
}

const REMOTE = new Set([
  'curl', 'wget', 'fetch', 'http', 'https', 'xh', 'aria2c', 'nc', 'ncat', 'netcat', 'socat', 'lynx', 'w3m', 'links',
  'elinks', 'ftp', 'tftp', 'ssh', 'telnet', 'lwp-request', 'lwp-download', 'httpie', 'iwr', 'invoke-webrequest',
]);
const DECOMPRESS = new Set(['gunzip', 'zcat', 'bzcat', 'xzcat', 'zstdcat', 'unxz', 'bunzip2', 'lzcat', 'unlzma']);
const ENVGEN_NAMES = new Set(['ssh-agent', 'dircolors', 'gpg-agent', 'keychain']);
const ENVGEN_ARGS = new Set(['completion', 'completions', 'init', 'hook', 'env', 'shellenv', 'activate', '--bash', '--zsh', '--fish', 'shell.bash', 'shell.zsh']);
const PASSTHROUGH = new Set(['tee', 'cat', 'tac', 'head', 'tail', 'sort', 'uniq', 'dos2unix', 'stdbuf']);

export const HOST_NAMES = ['node', 'hermes-host', 'hermes'];
const HOST_CMDLINES = ['node /usr/lib/node_modules/hermes-host/dist/server/main.js --stdio', 'hermes-host --stdio'];

/** Whether a pgrep/pkill pattern (ERE, approximated by a JS RegExp) selects the host process. */
export function patternHitsHost(pattern: string, full: boolean, exact: boolean): boolean {
  let re: RegExp | null = null;
  try {
    re = new RegExp(exact ? `^(?:${pattern})$` : pattern);
  } catch {
    re = null;
  }
  const test = (s: string): boolean => (re ? re.test(s) : s.includes(pattern));
  if (HOST_NAMES.some(test)) return true;
  return full && HOST_CMDLINES.some(test);
}

function echoText(args: Arg[]): string {
  let i = 1;
  let newline = true;
  while (i < args.length && /^-[neE]+$/.test(args[i].v)) {
    if (args[i].v.includes('n')) newline = false;
    i++;
  }
  // Escapes are decoded whether or not -e was given: dash's echo decodes them, and caution costs nothing here.
  return decodeEscapes(args.slice(i).map((a) => a.v).join(' '), true) + (newline ? '\n' : '');
}

function printfText(args: Arg[]): string {
  let i = 1;
  if (args[i]?.v === '-v') i += 2;
  if (args[i]?.v === '--') i++;
  const fmt = args[i]?.v ?? '';
  const rest = args.slice(i + 1).map((a) => a.v);
  let k = 0;
  const out = fmt.replace(/%(?:%|[-+ #0]*\d*(?:\.\d+)?([sbdiqcxXouc]))/g, (m, conv: string | undefined) => {
    if (m === '%%') return '%';
    const v = rest[k++] ?? '';
    return conv === 'b' ? decodeEscapes(v, true) : v;
  });
  const extra = k < rest.length && fmt.includes('%') ? rest.slice(k).join('') : '';
  return decodeEscapes(out + extra);
}

function b64(text: string): string | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=_-]*$/.test(clean)) return null;
  return normalizeText(Buffer.from(clean, 'base64').toString('utf8'));
}

function hexDecode(text: string): string | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) return null;
  return normalizeText(Buffer.from(clean, 'hex').toString('utf8'));
}

function fileArgs(args: Arg[]): Arg[] {
  return args.slice(1).filter((a) => !a.v.startsWith('-') || a.v === '-');
}

export function literalFlow(text: string): Flow {
  return { remote: false, decoded: false, content: text, envgen: false, localFile: false, hostPids: false };
}

/** Runs one stage over its input flow. */
export function stageOutput(st: StageInfo, piped: Flow | null, ctx: Ctx): Flow {
  const input = st.stdinFlow ?? piped;
  const carried = { remote: input?.remote ?? false, decoded: input?.decoded ?? false, hostPids: input?.hostPids ?? false, environ: input?.environ ?? false };
  const out = (f: Partial<Flow>): Flow => ({
    remote: carried.remote || !!f.remote,
    decoded: carried.decoded || !!f.decoded,
    content: f.content ?? null,
    envgen: !!f.envgen,
    localFile: !!f.localFile,
    hostPids: carried.hostPids || !!f.hostPids,
    environ: carried.environ || !!f.environ,
  });
  const { name, args } = st;
  const stdinContent = input?.content ?? null;
  if (name === '') return out({ remote: st.remoteInside });
  if (REMOTE.has(name)) return out({ remote: true });
  if ((name === 'env' || name === 'printenv') && args.length <= 2 && !args.slice(1).some((a) => !a.v.startsWith('-'))) return out({ environ: true });
  if ((name === 'set' || name === 'export' || name === 'declare' || name === 'typeset') && (args.length === 1 || args.slice(1).every((a) => /^-[px]+$/.test(a.v)))) return out({ environ: true });
  switch (name) {
    case 'echo':
      return out({ content: echoText(args) });
    case 'printf':
      return out({ content: printfText(args) });
    case 'base64':
    case 'base32':
    case 'basenc': {
      const o = parseOpts(args, { short: 'w' });
      if (!o.has('d', 'decode', 'D')) return out({ content: null });
      return out({ decoded: true, content: name === 'base64' && stdinContent !== null ? b64(stdinContent) : null });
    }
    case 'xxd': {
      const o = parseOpts(args, { short: 'cglos' });
      if (!o.has('r', 'revert')) return out({});
      return out({ decoded: true, content: o.has('p', 'ps', 'plain') && stdinContent !== null ? hexDecode(stdinContent) : null });
    }
    case 'rev':
      return out({ decoded: true, content: stdinContent?.split('\n').map((l) => [...l].reverse().join('')).join('\n') ?? null });
    case 'tr':
    case 'uudecode':
      return out({ decoded: true });
    case 'openssl':
      return out({ decoded: args.some((a) => a.v === '-d' || a.v === '-base64' || a.v === 'base64') });
    case 'gzip':
    case 'bzip2':
    case 'xz':
    case 'zstd':
      return out({ decoded: args.some((a) => /^-[a-z]*d/.test(a.v) || a.v === '--decompress') });
    case 'pgrep':
    case 'pidof': {
      const o = parseOpts(args, { short: 'dgGPsutUFL' });
      const full = o.has('f', 'full');
      return out({ hostPids: o.pos.some((p) => patternHitsHost(p.v, full, o.has('x', 'exact') || name === 'pidof')) });
    }
    case 'grep':
    case 'egrep':
    case 'fgrep': {
      // `ps aux | grep hermes | awk '{print $2}'`: the selection, not the pids, names the host.
      const o = parseOpts(args, { short: 'efmABCD', long: ['regexp', 'file', 'max-count'] });
      const pats = [...(o.flags.get('e') ?? []), ...(o.flags.get('regexp') ?? [])];
      if (!pats.length && o.pos[0]) pats.push(o.pos[0].v);
      return out({ hostPids: pats.some((p) => patternHitsHost(p, true, false)) });
    }
    case 'cat':
    case 'tac': {
      const files = fileArgs(args);
      if (files.length === 0 || files.every((f) => f.v === '-' || f.v === '/dev/stdin')) return out({ content: stdinContent });
      const hostPids = files.some((f) => {
        const abs = resolvePath(f.v, ctx) ?? f.v.toLowerCase();
        return abs.endsWith('.pid') && (abs.includes('hermes') || isUnder(abs, ctx.hermesHome) || isUnder(abs, ctx.hermesHomeDefault));
      });
      return out({ localFile: true, hostPids });
    }
  }
  if (DECOMPRESS.has(name)) return out({ decoded: true });
  if (PASSTHROUGH.has(name) && fileArgs(args).length === 0) return out({ content: name === 'tee' ? stdinContent : null });
  if (ENVGEN_NAMES.has(name) || args.slice(1).some((a) => ENVGEN_ARGS.has(a.v))) return out({ envgen: true });
  return out({});
}

/** The flow leaving the last of `stages`. */
export function flowThrough(stages: StageInfo[], ctx: Ctx): Flow | null {
  let f: Flow | null = null;
  for (const st of stages) f = stageOutput(st, f, ctx);
  return f;
}

export function isRemoteCommand(name: string): boolean {
  return REMOTE.has(name);
}
