// What a command leaves behind in the thread's persistent shell, and the small helpers the walker needs for it.
// Choice: the state that runs code later (aliases, functions) is tracked per thread and later names are judged by
// what they resolve to; the state that changes how every later command is looked up or wrapped (PATH prepends of
// non-system directories, PROMPT_COMMAND, BASH_ENV, DEBUG/ERR/RETURN traps, `enable -f`, `hash -p`, LD_PRELOAD) asks
// when it is set, because what it will run depends on files that can change after the question was answered.
import { APPROVE } from './keys';
import { resolvePath } from './paths';
import type { Ctx } from './types';

export interface StateHost {
  readonly ctx: Ctx;
  readonly cwd: string | undefined;
  readonly cwdRaw: string | undefined;
  add(key: string, part: string, description: string): void;
  runScript(text: string, depth: number): number;
}

/** Variables whose value is a command some later program runs. */
const COMMAND_VARS = new Set([
  'GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_PAGER', 'PAGER', 'MANPAGER', 'EDITOR', 'VISUAL', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR',
  'GIT_EXTERNAL_DIFF', 'GIT_ASKPASS', 'SSH_ASKPASS', 'SUDO_ASKPASS', 'LESSOPEN', 'LESSCLOSE', 'BROWSER', 'RSYNC_RSH',
]);
/** Variables that run code on every later command or shell start, or inject code into every program. */
const HOOK_VARS = new Set(['PROMPT_COMMAND', 'BASH_ENV', 'ENV', 'LD_PRELOAD', 'LD_AUDIT', 'LD_LIBRARY_PATH', 'BASH_LOADABLES_PATH', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'PYTHONSTARTUP', 'PERL5OPT', 'RUBYOPT']);
/** PATH entries that are installs, not files the agent can write in the workspace. */
const SAFE_PATH = /^(?:\/usr\/|\/bin$|\/sbin$|\/usr$|\/opt\/|\/snap\/|\/nix\/|\/home\/linuxbrew\/)|^~\/(?:\.local\/bin|bin|\.cargo\/bin|go\/bin|\.npm-global\/bin|\.bun\/bin|\.deno\/bin|\.pyenv\/|\.nvm\/|\.rbenv\/|\.volta\/bin|\.poetry\/bin|\.yarn\/bin|\.dotnet|\.krew\/bin|\.fly\/bin|\.pulumi\/bin|\.foundry\/bin|\.elan\/bin|\.ghcup\/bin|\.sdkman\/)/;

export function judgeSpecialAssignment(w: StateHost, assignment: string, part: string, depth: number): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) return;
  const name = assignment.slice(0, eq).replace(/\+$/, '').replace(/\[.*$/, '');
  const value = assignment.slice(eq + 1);
  if (name === 'PATH') {
    const entries = value.split(':');
    const at = entries.findIndex((e) => e === '$PATH' || e === '${PATH}');
    for (const e of at < 0 ? entries : entries.slice(0, at)) {
      if (e === '') continue;
      const abs = e.startsWith('~') ? e : (resolvePath(e, w.ctx, w.cwd) ?? e);
      const home = abs.startsWith(w.ctx.home + '/') ? '~' + abs.slice(w.ctx.home.length) : abs;
      if (!e.includes('$') && SAFE_PATH.test(home)) continue;
      w.add(APPROVE.SHELL_STATE, part, `puts ${e} ahead of the system directories in PATH: later commands may run programs from it`);
      return;
    }
    return;
  }
  // NODE_OPTIONS and friends only inject code through their preload options.
  if ((name === 'NODE_OPTIONS' || name === 'PERL5OPT' || name === 'RUBYOPT') && !/(?:^|\s)(?:-r|--require|--import|--loader|--experimental-loader|-M|-I)/.test(value)) return;
  if (HOOK_VARS.has(name) && value !== '') {
    w.add(APPROVE.SHELL_STATE, part, `${name} makes code run with every later command or program`);
    w.runScript(value, depth + 1);
    return;
  }
  if ((name === 'PS0' || name === 'PS1' || name === 'PS2' || name === 'PS4') && /\$\(|`/.test(value)) {
    w.add(APPROVE.SHELL_STATE, part, `${name} holds a command substitution that runs with every prompt`);
    return;
  }
  if (COMMAND_VARS.has(name) && value) w.runScript(value, depth + 1);
}

/** The absolute path in original case, for the filesystem probe (`~` is the user's home), or null. */
export function rawPath(p: string, w: { ctx: Ctx; cwdRaw: string | undefined }): string | null {
  let s = p;
  if (s === '~' || s.startsWith('~/')) s = w.ctx.homeRaw + s.slice(1);
  if (!s.startsWith('/')) {
    if (!w.cwdRaw) return null;
    s = `${w.cwdRaw.replace(/\/+$/, '')}/${s}`;
  }
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** Single-quotes a word for re-parsing (alias expansion). */
export function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./~=:@%+,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** Commands that name a secret file without disclosing it (permissions, existence, use as a key or env file). */
export const SECRET_SKIP = new Set([
  'ls', 'stat', 'test', '[', 'chmod', 'chown', 'chgrp', 'touch', 'mkdir', 'rm', 'unlink', 'ssh', 'ssh-add', 'ssh-keygen',
  'ssh-copy-id', 'git', 'du', 'wc', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'b2sum', 'cksum', 'realpath', 'readlink',
  'dirname', 'basename', 'echo', 'printf', 'kubectl', 'helm', 'aws', 'gcloud', 'az', 'docker', 'docker-compose', 'podman',
  'source', '.', 'export', 'dotenv', 'direnv', 'file', 'which', 'type', 'cd', 'code', 'vim', 'vi', 'nvim', 'nano', 'emacs',
  'find', 'mv', 'ln', 'hermes', 'hermes-host', 'eval', 'sh', 'bash', 'zsh', 'sudo', 'env', 'nohup', 'time', 'timeout',
  'xargs', 'watch', 'npx', 'read', 'unset', 'local', 'declare', 'set', 'alias', 'trap',
]);
/** Options whose value names a key or env file the program uses rather than prints. */
export const SECRET_VALUE_FLAGS = new Set(['-i', '--identity', '--key', '--cert', '-E', '--kubeconfig', '--env-file', '--private-key', '--keyfile', '--key-file', '--ssh-key']);
