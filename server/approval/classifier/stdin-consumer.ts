// What reads the stdin of a background process the model writes to (the `process` tool): a shell (input is
// commands, classified line by line), an interpreter REPL (input is code: it asks), a SQL client (input is SQL), or
// another program.
import { cmdName, parseOpts } from './argv';
import type { Command, Script } from './ast';
import { parseShell } from './shell-split';
import { normalizeText } from './normalize';

export type StdinConsumer = 'shell' | 'interpreter' | 'sql' | 'other';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'yash', 'csh', 'tcsh', 'rbash', 'busybox', 'su', 'sudo', 'ssh', 'script', 'docker', 'podman', 'kubectl', 'nsenter', 'chroot', 'unshare', 'runuser', 'login', 'tmux', 'screen']);
const INTERPRETERS = new Set([
  'python', 'ipython', 'bpython', 'ptpython', 'node', 'deno', 'bun', 'ts-node', 'tsx', 'irb', 'pry', 'ruby', 'perl', 're.pl',
  'php', 'lua', 'luajit', 'r', 'rscript', 'julia', 'ghci', 'scala', 'sbt', 'clojure', 'clj', 'lein', 'iex', 'erl', 'jshell',
  'groovysh', 'swift', 'ocaml', 'utop', 'racket', 'guile', 'sbcl', 'gdb', 'lldb', 'tclsh', 'wish', 'expect', 'octave',
  'matlab', 'redis-cli', 'mongo', 'mongosh', 'osascript', 'pwsh', 'powershell', 'awk', 'gawk', 'jupyter', 'rails', 'ed', 'vim', 'vi', 'nvim', 'emacs',
]);
const SQL = new Set(['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'duckdb', 'sqlcmd', 'clickhouse-client', 'usql', 'mycli', 'pgcli', 'litecli', 'cockroach', 'snowsql', 'trino']);
const WRAPPERS = new Set(['env', 'nohup', 'nice', 'ionice', 'stdbuf', 'time', 'timeout', 'exec', 'command', 'setsid', 'unbuffer', 'rlwrap', 'taskset', 'chrt', 'uv', 'poetry', 'pipenv', 'npx', 'bundle', 'winpty']);

function lastSimple(sc: Script): Command | null {
  for (let i = sc.pipelines.length - 1; i >= 0; i--) {
    const p = sc.pipelines[i];
    const c = p.commands[p.commands.length - 1];
    if (!c) continue;
    if (c.kind === 'group') {
      const inner = lastSimple(c.body);
      if (inner) return inner;
    } else if (c.kind === 'simple' && c.words.length) return c;
  }
  return null;
}

/** Classifies the program that will read the stdin of the background command `command`. */
export function stdinConsumer(command: string): StdinConsumer {
  const c = lastSimple(parseShell(normalizeText(command)));
  if (!c || c.kind !== 'simple') return 'other';
  const words = c.words.map((w) => ({ v: w.text.replace(/\0/g, ''), w: null, dyn: false }));
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].v)) i++;
  for (let k = 0; k < 6 && i < words.length; k++) {
    const name = cmdName(words[i].v);
    if (!WRAPPERS.has(name)) break;
    const o = parseOpts(words, { from: i + 1, short: 'nkscCu', stopAtPositional: true });
    i = o.rest;
    if (name === 'timeout' || name === 'taskset' || name === 'chrt') i++;
    if ((name === 'uv' || name === 'poetry' || name === 'pipenv' || name === 'bundle') && words[i]) i++;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].v)) i++;
  }
  const name = words[i] ? cmdName(words[i].v) : '';
  const rest = words.slice(i + 1).map((w) => w.v);
  if (SQL.has(name)) return rest.some((a) => a === '-c' || a === '-e' || a === '--command' || a === '-f') ? 'other' : 'sql';
  if (INTERPRETERS.has(name)) {
    // `python app.py` reads its own input, not code; `python`, `python -i x.py`, `node -i` are REPLs.
    const interactive = rest.some((a) => /^-[a-z]*i[a-z]*$/.test(a) || a === '--interactive' || a === '-' || a === 'console' || a === 'repl' || a === 'shell' || a === 'c');
    const script = rest.find((a) => !a.startsWith('-'));
    return interactive || script === undefined || name === 'gdb' || name === 'lldb' || name === 'redis-cli' || name === 'mongo' || name === 'mongosh' ? 'interpreter' : 'other';
  }
  if (SHELLS.has(name)) {
    if (['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'yash', 'csh', 'tcsh', 'rbash'].includes(name)) {
      // `bash script.sh` does not read commands from stdin; `bash`, `bash -i`, `bash -s` do.
      const script = rest.find((a) => !a.startsWith('-') && !a.startsWith('+'));
      if (script !== undefined && !rest.includes('-s') && !rest.some((a) => /^-[a-z]*c/.test(a))) return 'other';
    }
    return 'shell';
  }
  return 'other';
}
