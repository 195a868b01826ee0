// Will this command need more than the OS sandbox gives? Read before it runs, so the user is asked once, up front,
// to run it outside the sandbox — instead of the command half-running confined and failing midway (a copy that
// created half the files, an install that fetched nothing). Conservative on purpose: only static, absolute or ~
// paths outside the writable set (relative paths are the workspace's; a `cd` earlier in the line could move them)
// and, when the sandbox has no network, programs whose whole job is the network. Anything it misses is still caught
// after the run by denial.ts.
import { posix } from 'node:path';
import { parseShell } from '../approval/classifier/shell-split';
import type { Command, Script, Word } from '../approval/classifier/ast';
import type { Confinement } from './types';

export interface NeedsContext {
  confinement: Confinement;
  home: string;
}

const WRITE_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
/** Paths a confined command may always write: devices and its own descriptors. */
const ALWAYS_WRITABLE = ['/dev', '/proc/self/fd', '/proc/thread-self/fd'];

/** Programs whose operands (after options) are all written, created or removed. */
const WRITES_ALL_OPERANDS = new Set(['touch', 'mkdir', 'rm', 'rmdir', 'tee', 'truncate', 'shred', 'chmod', 'chown', 'chgrp', 'unlink']);
/** Programs whose last operand is the destination (or `-t DIR`). */
const WRITES_LAST_OPERAND = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);

const NETWORK_PROGRAMS = new Set(['curl', 'wget', 'ssh', 'scp', 'sftp', 'ftp', 'nc', 'ncat', 'telnet', 'ping', 'dig', 'nslookup', 'host']);
const NETWORK_SUBCOMMANDS: Record<string, Set<string>> = {
  git: new Set(['clone', 'fetch', 'pull', 'push', 'ls-remote', 'submodule']),
  npm: new Set(['install', 'i', 'ci', 'add', 'update', 'publish', 'view', 'info', 'outdated', 'audit']),
  pnpm: new Set(['install', 'i', 'add', 'update', 'publish', 'dlx']),
  yarn: new Set(['install', 'add', 'upgrade', 'publish', 'dlx']),
  npx: new Set(['*']),
  pip: new Set(['install', 'download']),
  pip3: new Set(['install', 'download']),
  'apt-get': new Set(['install', 'update', 'upgrade', 'download', 'source']),
  apt: new Set(['install', 'update', 'upgrade']),
  docker: new Set(['pull', 'push', 'login']),
  cargo: new Set(['install', 'fetch', 'update', 'publish']),
  go: new Set(['get', 'install', 'mod']),
  gem: new Set(['install', 'update', 'push']),
};

/** What the command needs beyond the sandbox, in words for the approval, or undefined when it should fit. */
export function predictSandboxNeeds(command: string, c: NeedsContext): string | undefined {
  if (!c.confinement.confined) return undefined;
  let script: Script;
  try {
    script = parseShell(command);
  } catch {
    return undefined;
  }
  const needs: string[] = [];
  const add = (n: string) => {
    if (!needs.includes(n)) needs.push(n);
  };
  visitScript(script, (cmd) => {
    for (const r of 'redirects' in cmd ? cmd.redirects : []) {
      if (!WRITE_REDIRECTS.has(r.op) || !r.target) continue;
      const p = staticPath(r.target, c.home);
      if (p && !writable(p, c.confinement)) add(`writes ${p}`);
    }
    if (cmd.kind !== 'simple') return;
    const words = stripPrefixes(cmd.words.map((w) => (w.dynamic ? undefined : w.text)));
    const name = words[0] ? posix.basename(words[0]) : undefined;
    if (!name) return;
    const operands = words.slice(1);
    for (const p of writtenPaths(name, operands, c.home)) if (!writable(p, c.confinement)) add(`writes ${p}`);
    if (!c.confinement.network && usesNetwork(name, operands)) add('the network (the sandbox has none)');
  });
  return needs.length ? `it needs ${needs.slice(0, 3).join(', ')}${needs.length > 3 ? ` and ${needs.length - 3} more` : ''}, which the sandbox does not allow` : undefined;
}

function visitScript(s: Script, fn: (c: Command) => void): void {
  for (const p of s.pipelines) for (const c of p.commands) visitCommand(c, fn);
}

function visitCommand(c: Command, fn: (c: Command) => void): void {
  fn(c);
  if (c.kind === 'group') visitScript(c.body, fn);
  else if (c.kind === 'func') return; // a definition runs nothing now
  else for (const w of c.words) for (const sub of w.subs) visitScript(sub, fn);
}

/** Wrappers that run their operand command, with their options that take a value. */
const WRAPPERS: Record<string, string[]> = {
  env: ['-u', '--unset', '-C', '--chdir'],
  nice: ['-n', '--adjustment'],
  nohup: [],
  command: [],
  time: [],
  stdbuf: ['-i', '-o', '-e'],
  ionice: ['-c', '-n', '-p'],
  timeout: ['-s', '--signal', '-k', '--kill-after'],
};

/** Drops `VAR=x` assignments and wrappers, leaving the command that runs (sudo stays: it cannot work confined). */
function stripPrefixes(words: (string | undefined)[]): (string | undefined)[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i];
    if (w === undefined) return [];
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      i++;
      continue;
    }
    const takesValue = WRAPPERS[posix.basename(w)];
    if (!takesValue) break;
    i++;
    while (i < words.length && words[i]?.startsWith('-')) i += takesValue.includes(words[i]!) ? 2 : 1;
    if (posix.basename(w) === 'timeout') i++; // the duration
  }
  return words.slice(i);
}

function writtenPaths(name: string, operands: (string | undefined)[], home: string): string[] {
  const args = operands.filter((a): a is string => a !== undefined);
  const plain = args.filter((a) => !a.startsWith('-'));
  const paths = (xs: string[]) => xs.map((x) => staticText(x, home)).filter((x): x is string => !!x);
  if (WRITES_ALL_OPERANDS.has(name)) return paths(plain);
  if (WRITES_LAST_OPERAND.has(name)) {
    const t = args.findIndex((a) => a === '-t' || a === '--target-directory');
    if (t >= 0 && args[t + 1]) return paths([args[t + 1]!]);
    const long = args.find((a) => a.startsWith('--target-directory='));
    if (long) return paths([long.slice('--target-directory='.length)]);
    // rsync's remote destinations (host:path) are not local writes.
    const last = plain.length >= 2 ? plain[plain.length - 1]! : undefined;
    return last && !(name === 'rsync' && /^[^/]*:/.test(last)) ? paths([last]) : [];
  }
  if (name === 'dd') return paths(args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)));
  if (name === 'sed' && args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) {
    // sed -i 's/a/b/' FILE…: the first operand is the script unless -e/-f gave it.
    const files: string[] = [];
    let scriptGiven = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-e' || a === '-f') {
        scriptGiven = true;
        i++;
      } else if (a.startsWith('--expression') || a.startsWith('--file')) scriptGiven = true;
      else if (!a.startsWith('-')) files.push(a);
    }
    return paths(scriptGiven ? files : files.slice(1));
  }
  return [];
}

function usesNetwork(name: string, operands: (string | undefined)[]): boolean {
  if (NETWORK_PROGRAMS.has(name)) return true;
  const subs = NETWORK_SUBCOMMANDS[name];
  if (!subs) return false;
  if (subs.has('*')) return true;
  const sub = operands.find((a) => a !== undefined && !a.startsWith('-'));
  return !!sub && subs.has(sub);
}

function staticPath(w: Word, home: string): string | undefined {
  return w.dynamic ? undefined : staticText(w.text, home);
}

/** An absolute or ~ path as the shell would see it (no expansion left); undefined for relative or unknown. */
function staticText(text: string, home: string): string | undefined {
  if (text.includes('\0')) return undefined;
  let p = text;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  if (!p.startsWith('/')) return undefined;
  // A glob's directory part is what decides where it writes.
  const glob = p.search(/[*?[]/);
  if (glob >= 0) p = p.slice(0, p.lastIndexOf('/', glob) + 1) || '/';
  return posix.normalize(p).replace(/(.)\/$/, '$1');
}

function writable(p: string, c: Confinement): boolean {
  return [...c.writable, ...ALWAYS_WRITABLE].some((dir) => p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/'));
}
