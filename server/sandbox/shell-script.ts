// The text the host types into a persistent shell, and the small scripts it runs beside it. Everything here is plain
// POSIX sh so it works with bash, dash and busybox ash alike.
//
// Framing: the shell prints frames `<<hermes:NONCE:K PAYLOAD <<hermes:NONCE:.` (no spaces) where NONCE is random per
// command, so output that merely looks like a marker is never mistaken for one. The marker is always written split
// in two quoted words ('<<herm''es:NONCE:'), so an echo of the typed line (if a program turned echo back on) cannot
// form a frame either.
import { randomBytes } from 'node:crypto';

export const MARK = '<<hermes:';
export const FIELD_SEP = '\x1f';

export const newNonce = (): string => randomBytes(8).toString('hex');
export const prefixOf = (nonce: string): string => `${MARK}${nonce}:`;

/** Terminal modes for the shell's tty: no echo, byte-wise input (no 4 KiB line limit), output bytes untouched,
 * and no flushing of typed input when ^C is sent (the resync line typed right after it must survive). */
export const STTY_MODES = '-echo -icanon min 1 time 0 -onlcr noflsh -ixon';

/** POSIX single-quoting. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell word on a single line whose value is `s`. Text with newlines or control bytes goes through printf so the
 * whole command stays one line (a multi-line command interrupted half-way would otherwise run its remaining lines). */
export function oneLineWord(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(s)) return shq(s);
  let fmt = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') fmt += '\\\\';
    else if (ch === '%') fmt += '%%';
    else if (ch === "'") fmt += '\\047';
    else if (c < 0x20 || c === 0x7f) fmt += '\\' + c.toString(8).padStart(3, '0');
    else fmt += ch;
  }
  // $(...) drops trailing newlines, which is harmless for eval and for the paths this is used with.
  return `"$(printf '${fmt}')"`;
}

/** The marker as two adjacent quoted words, so the typed text never contains it verbatim. */
function splitMarker(nonce: string): string {
  const p = prefixOf(nonce);
  return `'${p.slice(0, 6)}''${p.slice(6)}'`;
}

function frame(nonce: string, kind: string, payloadExprs: string[], redirect: string): string {
  const fmt = `%s${kind}${payloadExprs.map(() => '%s').join('\\037')}%s.`;
  const m = splitMarker(nonce);
  return `printf '${fmt}' ${m} ${payloadExprs.join(' ')} ${m}${redirect}`;
}

/** Shell variables the protocol keeps in the user's shell (not exported). */
const V = { src: '__hermes_src', ec: '__hermes_ec', dir: '__hermes_dir' } as const;

export interface InitLineOptions {
  nonce: string;
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * First line typed into a fresh shell: quiet prompts, tty modes, job control (so a foreground command gets its own
 * process group and ^C reaches only it), no history file, the FIFO that carries non-tty command output, then an
 * `I` frame with pid, state dir, HOME, bash path (empty for sh) and cwd.
 */
export function initLine(o: InitLineOptions): string {
  const exports = Object.entries(o.env ?? {})
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${oneLineWord(v)}; `)
    .join('');
  const cd = o.cwd ? `cd -- ${oneLineWord(o.cwd)} 2>/dev/null; ` : '';
  return (
    `stty ${STTY_MODES} 2>/dev/null; PS1=''; PS2=''; PS4='+ '; unset PROMPT_COMMAND HISTFILE; set -m 2>/dev/null; ` +
    cd +
    exports +
    `${V.dir}=$(mktemp -d "\${TMPDIR:-/tmp}/hermes-sh.XXXXXX") && mkfifo "$${V.dir}/o" && command exec 9<>"$${V.dir}/o" || ${V.dir}=''; ` +
    frame(o.nonce, 'I', ['"$$"', `"$${V.dir}"`, '"$HOME"', '"${BASH:-}"', '"$PWD"'], '') +
    '\n'
  );
}

export interface ExecLineOptions {
  nonce: string;
  command: string;
  workdir?: string;
  /** Attach the command to the terminal; otherwise stdin is /dev/null and output goes through the FIFO (fd 9). */
  pty: boolean;
}

/**
 * One line that frames a command: `S` frame, the command via `command eval` (a syntax error or a failing special
 * builtin inside it cannot abort the rest of the line in ash/dash), then the exported environment saved for
 * background processes and an `E` frame with exit code and cwd. The command runs in the shell itself, so `cd`,
 * `export` and `source venv/bin/activate` persist.
 */
export function execLine(o: ExecLineOptions): string {
  const out = o.pty ? '' : ' >&9';
  const cd = o.workdir ? `cd -- ${oneLineWord(o.workdir)} && ` : '';
  const redir = o.pty ? ' 9>&-' : ' </dev/null >&9 2>&9 9>&-';
  const restoreTty = o.pty ? `stty ${STTY_MODES} 2>/dev/null; ` : '';
  return (
    frame(o.nonce, 'S', [], out) +
    `; ${V.src}=${oneLineWord(o.command)}; { ${cd}command eval "$${V.src}"; }${redir}; ${V.ec}=$?; ` +
    restoreTty +
    `export -p >"$${V.dir}/env" 2>/dev/null; ` +
    frame(o.nonce, 'E', [`"$${V.ec}"`, '"$PWD"'], out) +
    '\n'
  );
}

/** Typed after ^C: reports `$?` and cwd once the shell is back at its prompt, whatever became of the command line. */
export function resyncLine(nonce: string, pty: boolean): string {
  const out = pty ? '' : ' >&9';
  return (
    `${V.ec}=$?; ${pty ? `stty ${STTY_MODES} 2>/dev/null; ` : ''}export -p >"$${V.dir}/env" 2>/dev/null; ` +
    frame(nonce, 'R', [`"$${V.ec}"`, '"$PWD"'], out) +
    '\n'
  );
}

/**
 * Run beside a shell whose /proc the host cannot read (SSH, Docker) before ^C is typed: waits up to `ms` while the
 * shell itself holds its terminal (fields after the command name: state ppid pgrp session tty_nr tpgid). Ends at once
 * where /proc or a fractional sleep is missing, so ^C is then typed as before. Prints how many times it waited.
 */
export function awaitJobScript(shellPid: number, ms: number): string {
  const tries = Math.max(1, Math.round(ms / 5));
  return (
    `p=${shellPid}; n=0; while [ $n -lt ${tries} ]; do read -r s 2>/dev/null </proc/$p/stat || break; ` +
    `s=\${s##*") "}; set -- $s; [ "$3" = "$6" ] || break; sleep 0.005 2>/dev/null || break; n=$((n+1)); done; echo $n`
  );
}

/**
 * Run beside the shell when ^C did not end a command: SIGINT to the shell (it abandons the rest of the line) and
 * SIGKILL to the terminal's foreground process group (the running job), found in /proc or with ps.
 */
export function escalateScript(shellPid: number): string {
  return (
    `p=${shellPid}; g=; ` +
    `if read -r s 2>/dev/null </proc/$p/stat; then s=\${s##*") "}; set -- $s; g=$6; ` +
    `else g=$(ps -o tpgid= -p $p 2>/dev/null | tr -d ' '); fi; ` +
    `kill -s INT $p 2>/dev/null; ` +
    `case "$g" in ''|-1|0|"$p") ;; *) kill -s KILL -- "-$g" 2>/dev/null;; esac; exit 0`
  );
}

/** Kills the shell, its foreground job, and removes its state directory. */
export function teardownScript(shellPid: number, extraPids: number[], stateDir: string): string {
  const pids = [shellPid, ...extraPids].filter((p) => p > 1).join(' ');
  return (
    `p=${shellPid}; g=; if read -r s 2>/dev/null </proc/$p/stat; then s=\${s##*") "}; set -- $s; g=$6; fi; ` +
    `case "$g" in ''|-1|0|"$p") ;; *) kill -s KILL -- "-$g" 2>/dev/null;; esac; ` +
    (pids ? `kill -s KILL ${pids} 2>/dev/null; ` : '') +
    (stateDir.startsWith('/') && stateDir.includes('hermes-sh.') ? `rm -rf -- ${shq(stateDir)}; ` : '') +
    'exit 0'
  );
}

/** Sends `signal` to `pid` and all its descendants (walking /proc), and to its process group. */
export function killTreeScript(pid: number, signal: string): string {
  const sig = signal.replace(/^SIG/, '');
  if (!/^[A-Z0-9]+$/.test(sig)) throw new Error(`bad signal name: ${signal}`);
  return (
    `all=${pid}; new=${pid}; ` +
    `while [ -n "$new" ]; do next=; for f in /proc/[0-9]*/stat; do ` +
    `read -r s 2>/dev/null <"$f" || continue; q=\${f#/proc/}; q=\${q%/stat}; s=\${s##*") "}; set -- $s; ` +
    `for x in $new; do [ "$2" = "$x" ] && next="$next $q"; done; done; all="$all $next"; new=$next; done; ` +
    `kill -s ${sig} $all 2>/dev/null; kill -s ${sig} -- -${pid} 2>/dev/null; exit 0`
  );
}

/**
 * argv of a background process: prints `<marker><pid>.` (when a marker is given: remote backends learn the pid this
 * way), loads the persistent shell's exported environment, changes directory and evals the command with stderr merged.
 */
export function spawnArgv(o: {
  shell: string;
  envFile?: string;
  cwd: string;
  command: string;
  pidMarker?: string;
}): string[] {
  const announce = o.pidMarker ? 'printf "%s%s." "$1" "$$"; ' : '';
  const script =
    announce +
    '[ -n "$2" ] && [ -r "$2" ] && command . "$2" 2>/dev/null; ' +
    'cd -- "$3" || exit 126; exec 2>&1; eval "$4"';
  return [o.shell, '-c', script, 'hermes-spawn', o.pidMarker ?? '', o.envFile ?? '', o.cwd, o.command];
}

/** argv → one command string for transports that take a string (SSH exec). */
export function joinArgv(argv: string[]): string {
  return argv.map(shq).join(' ');
}

/** argv for the interactive shell. `remote`: prefer bash when the configured shell is bash and bash exists there. */
export function shellArgv(shell: string, remote: boolean): string[] {
  const isBash = /(^|\/)bash$/.test(shell);
  if (!remote) return isBash ? [shell, '--noprofile', '--norc', '--noediting', '-i'] : [shell, '-i', '/dev/stdin'];
  const sh = 'exec sh -i /dev/stdin';
  return isBash
    ? ['/bin/sh', '-c', `if command -v bash >/dev/null 2>&1; then exec bash --noprofile --norc --noediting -i; fi; ${sh}`]
    : ['/bin/sh', '-c', sh];
}
