// Hub source specifications: `owner/repo/path` (GitHub), any git URL (https, ssh, git@, file://, a local bare
// repository), a local folder, or a tarball (local path or http(s) URL). `#sub/path` picks a folder inside the
// source and `@ref` a branch, tag or commit: `file:///srv/skills.git#devops/ci@v2`.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SkillError } from '../errors';

export type SourceKind = 'git' | 'local' | 'tarball';

export interface SourceSpec {
  kind: SourceKind;
  /** Clone URL, absolute folder or tarball path, or tarball URL. */
  location: string;
  subpath?: string;
  ref?: string;
  /** Identity used for trust decisions: `github.com/owner/repo`, a URL without scheme/credentials, or a path. */
  canonical: string;
  /** The specification as given, used to fetch it again on update. */
  input: string;
}

const TARBALL_RE = /\.(?:tar\.gz|tgz|tar)$/i;
const GH_NAME = /^[A-Za-z0-9_.-]+$/;

function splitFragment(input: string): { main: string; subpath?: string; ref?: string } {
  const hash = input.indexOf('#');
  if (hash === -1) return { main: input };
  const frag = input.slice(hash + 1);
  const at = frag.lastIndexOf('@');
  const subpath = (at === -1 ? frag : frag.slice(0, at)).replace(/^\/+|\/+$/g, '') || undefined;
  const ref = at === -1 ? undefined : frag.slice(at + 1) || undefined;
  return { main: input.slice(0, hash), subpath, ref };
}

/**
 * The URL with any `user:password@` removed, for everything recorded or shown (lock file, audit log, messages):
 * tokens in clone URLs must not end up on disk or in the model's context. Private repositories should use a git
 * credential helper instead.
 */
export function withoutCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1');
}

/** URL or path without scheme, credentials, query or a trailing `.git`; lower-cased host. */
export function canonicalOf(location: string): string {
  if (isAbsolute(location)) return location.replace(/\/+$/, '').replace(/\.git$/, '');
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(location);
  if (scp) return `${scp[1].toLowerCase()}/${scp[2]}`.replace(/\.git$/, '').replace(/\/+$/, '');
  try {
    const u = new URL(location);
    if (u.protocol === 'file:') return decodeURIComponent(u.pathname).replace(/\/+$/, '').replace(/\.git$/, '');
    const path = u.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
    const host = u.host.toLowerCase();
    return host === 'github.com' ? `${host}${path.toLowerCase()}` : `${host}${path}`;
  } catch {
    return location;
  }
}

/** Normalises an entry of `skills.trusted_sources` the same way sources are canonicalised. */
export function canonicalTrustEntry(entry: string): string {
  const e = entry.trim().replace(/^github:/, '');
  if (/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(e) && !existsSync(e)) return `github.com/${e.toLowerCase()}`;
  if (e.startsWith('~/')) return join(homedir(), e.slice(2)).replace(/\/+$/, '');
  return canonicalOf(e);
}

function isBareRepo(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs')) && !existsSync(join(dir, 'SKILL.md'));
}

function validRef(ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (!/^[\w./-]+$/.test(ref) || ref.startsWith('-') || ref.includes('..')) throw new SkillError('SourceError', `invalid ref "${ref}"`);
  return ref;
}

export function parseSource(input: string, cwd: string = process.cwd()): SourceSpec {
  const raw = input.trim();
  if (!raw || raw.startsWith('-') || /[\0\n]/.test(raw)) throw new SkillError('SourceError', `invalid source "${input}"`);
  let { main, subpath, ref } = splitFragment(raw);
  ref = validRef(ref);
  const spec = (kind: SourceKind, location: string, canonical = canonicalOf(location)): SourceSpec => ({
    kind,
    location,
    ...(subpath ? { subpath } : {}),
    ...(ref ? { ref } : {}),
    canonical,
    input: raw,
  });

  if (main.startsWith('git+')) return spec('git', main.slice(4));
  if (/^(?:https?|file):\/\//i.test(main) && TARBALL_RE.test(new URL(main).pathname)) {
    return main.startsWith('file:') ? spec('tarball', decodeURIComponent(new URL(main).pathname)) : spec('tarball', main);
  }
  const gh = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/tree\/([^/]+)(?:\/(.+))?$/i.exec(main);
  if (gh) {
    ref = ref ?? validRef(gh[3]);
    subpath = subpath ?? gh[4]?.replace(/\/+$/, '');
    return spec('git', `https://github.com/${gh[1]}/${gh[2]}.git`);
  }
  if (/^(?:https?|ssh|git|file):\/\//i.test(main) || /^[\w.-]+@[\w.-]+:/.test(main)) return spec('git', main);

  const local = main.startsWith('~/') ? join(homedir(), main.slice(2)) : resolve(cwd, main);
  const looksLocal = /^(?:\/|\.\.?\/|~\/)/.test(main) || existsSync(local);
  if (looksLocal) {
    const st = statSync(local, { throwIfNoEntry: false });
    if (!st) throw new SkillError('SourceError', `no such file or folder: ${local}`);
    if (st.isFile()) {
      if (!TARBALL_RE.test(local)) throw new SkillError('SourceError', `${local} is not a folder or a .tar.gz/.tgz archive`);
      return spec('tarball', local);
    }
    if (isBareRepo(local)) return spec('git', pathToFileURL(local).href, local.replace(/\.git$/, ''));
    return spec('local', local);
  }

  const gh2 = main.replace(/^github:/, '').split('/').filter(Boolean);
  if (gh2.length >= 2 && gh2.every((s) => GH_NAME.test(s.split('@')[0]) && s !== '..' && s !== '.')) {
    const last = gh2[gh2.length - 1];
    if (last.includes('@') && !ref) {
      ref = validRef(last.slice(last.indexOf('@') + 1));
      gh2[gh2.length - 1] = last.slice(0, last.indexOf('@'));
    }
    const [owner, repo, ...rest] = gh2;
    subpath = subpath ?? (rest.length ? rest.join('/') : undefined);
    const url = `https://github.com/${owner}/${repo.replace(/\.git$/, '')}.git`;
    return spec('git', url);
  }
  throw new SkillError('SourceError', `unrecognised source "${input}": use owner/repo/path, a git URL, a folder or a .tar.gz`);
}
