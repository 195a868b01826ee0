// Path resolution and the "where is this" predicates deletion rules need. Paths are compared lower-cased:
// on a case-insensitive filesystem `/ETC` is `/etc`, and on Linux the extra caution costs nothing.
import type { Ctx } from './types';

/** Top-level directories whose recursive deletion is hard-line. */
const SYSTEM_TOP = new Set([
  'home', 'root', 'etc', 'usr', 'var', 'bin', 'sbin', 'boot', 'lib', 'lib32', 'lib64', 'libx32', 'opt', 'srv',
  'sys', 'proc', 'dev', 'run', 'snap', 'private', 'users', 'system', 'library', 'applications',
]);
const SCRATCH = ['/tmp', '/var/tmp', '/dev/shm', '/run/user'];
const GLOB_ALL = new Set(['*', '.*', '*.*', '**', '?*', '.?*', '..?*']);

/** Lower-cased, `.`/`..`-resolved absolute path; null for a relative path when no cwd is known. */
export function resolvePath(p: string, ctx: Ctx, cwd?: string): string | null {
  let s = p.trim();
  if (s === '~' || s.startsWith('~/')) s = ctx.home + s.slice(1);
  else if (s.startsWith('~')) {
    const m = /^~([A-Za-z0-9._-]+)(.*)$/s.exec(s);
    if (m) s = (m[1] === 'root' ? '/root' : `/home/${m[1]}`) + m[2];
  }
  if (!s.startsWith('/')) {
    if (!cwd) return null;
    s = `${cwd.replace(/\/+$/, '')}/${s}`;
  }
  return normalizeAbs(procAlias(s.toLowerCase(), ctx, cwd));
}

// `/proc/<pid>/root` is the process's root directory and `/proc/<pid>/cwd` its working directory: both are other
// names for ordinary paths, so `/proc/self/root/home/u/.bashrc` is `~/.bashrc`. An unknown cwd is taken to be
// home, the most sensitive place it could be.
const PROC_LINK = /^\/proc\/(?:self|thread-self|\$ppid|\$\$|\$\{ppid\}|\$bashpid|\d+|[^/]*\$[^/]*)(?:\/task\/[^/]+)?\/(root|cwd)(?=\/|$)/;

function procAlias(raw: string, ctx: Ctx, cwd?: string): string {
  if (!raw.includes('proc')) return raw;
  // Before `..` is resolved: `/proc/self/cwd/..` is the parent of the working directory, not `/proc/self`.
  let s = raw.replace(/\/(?:\.?\/)+/g, '/');
  for (let k = 0; k < 8; k++) {
    const m = PROC_LINK.exec(s);
    if (!m) return s;
    let rest = s.slice(m[0].length);
    // An unknown cwd: climbing out of it could reach anything, so the climb is taken to end in home.
    if (m[1] === 'cwd' && !cwd) rest = rest.replace(/^(?:\/\.\.(?=\/|$))+/, '');
    const base = m[1] === 'root' ? '' : cwd ? normalizeAbs(cwd.toLowerCase()) : ctx.home;
    s = (base + '/' + rest).replace(/\/(?:\.?\/)+/g, '/');
  }
  return s;
}

export function normalizeAbs(s: string): string {
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** A relative path, lower-cased, with `./` and inner `.` segments removed (leading `..` kept). */
export function normalizeRel(p: string): string {
  const out: string[] = [];
  for (const seg of p.trim().toLowerCase().split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

function globMatches(glob: string, names: Iterable<string>): boolean {
  const re = new RegExp(
    '^' +
      glob
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\[!/g, '[^')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
  for (const n of names) if (re.test(n)) return true;
  return false;
}

export function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir === '/' ? '/' : dir + '/');
}

/** What a recursive delete of `abs` would destroy, when it is hard-line. */
export function recursiveDeleteScope(abs: string, ctx: Ctx): 'root' | 'system' | 'home' | null {
  const segs = abs.split('/').filter(Boolean);
  while (segs.length && GLOB_ALL.has(segs[segs.length - 1])) segs.pop();
  const p = '/' + segs.join('/');
  if (segs.length === 0) return 'root';
  if (p === ctx.home) return 'home';
  if (ctx.home.startsWith(p + '/')) return segs.length === 1 && SYSTEM_TOP.has(segs[0]) ? 'system' : 'home';
  if (segs.length === 1) {
    if (SYSTEM_TOP.has(segs[0])) return 'system';
    if (hasGlob(segs[0]) && globMatches(segs[0], SYSTEM_TOP)) return 'system';
    return null;
  }
  if (segs.length === 2 && (segs[0] === 'home' || segs[0] === 'users')) return 'home';
  return null;
}

/** A non-recursive delete target that still deserves a question: directly in `/` or under a system directory. */
export function inRootPath(abs: string, ctx: Ctx): boolean {
  if (isUnder(abs, ctx.home)) return false;
  if (SCRATCH.some((d) => isUnder(abs, d))) return false;
  const segs = abs.split('/').filter(Boolean);
  return segs.length <= 1 || SYSTEM_TOP.has(segs[0]);
}

/** Source directories whose move equals their deletion. */
export function isSystemOrHomeDir(abs: string, ctx: Ctx): boolean {
  return recursiveDeleteScope(abs, ctx) !== null;
}
