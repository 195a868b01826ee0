// Brings a source into a private temporary folder and finds the one skill in it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkillError } from '../errors';
import { checkRelativePath, confinedPath } from '../paths';
import { copyTree, hashTree } from '../tree';
import { cloneRepo, type GitOptions } from './git';
import { withoutCredentials, type SourceSpec } from './source';
import { downloadTarball, extractTarball, sha256File } from './tarball';

export interface Fetched {
  /** Top of the fetched tree (clone, unpacked archive or folder copy). */
  root: string;
  /** Folder holding the skill (SKILL.md at its top). */
  skillDir: string;
  /** Commit id (git), sha256 of the archive (tarball) or content hash (folder). */
  resolved: string;
  /** Removes the temporary folder. */
  cleanup(): void;
}

export interface FetchOptions extends GitOptions {
  tmpDir?: string;
}

const MAX_SEARCH_DEPTH = 4;

/** Every folder below `root` (up to a few levels) that holds a SKILL.md, relative to root. */
export function findSkillDirs(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string, depth: number) => {
    if (existsSync(join(dir, 'SKILL.md'))) {
      out.push(rel);
      return;
    }
    if (depth >= MAX_SEARCH_DEPTH) return;
    let names: { name: string; isDirectory(): boolean }[] = [];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {}
    for (const e of names.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') visit(join(dir, e.name), rel ? `${rel}/${e.name}` : e.name, depth + 1);
    }
  };
  visit(root, '', 0);
  return out;
}

export function locateSkill(root: string, subpath: string | undefined, input: string): string {
  let base = root;
  if (subpath) {
    base = confinedPath(root, checkRelativePath(subpath, { supportOnly: false }), { forWrite: false });
    if (!existsSync(base)) throw new SkillError('SourceError', `${input}: no folder "${subpath}" in the source`);
  }
  const found = findSkillDirs(base);
  if (found.length === 1) return found[0] ? join(base, found[0]) : base;
  if (found.length === 0) throw new SkillError('SourceError', `${input}: no SKILL.md found${subpath ? ` under ${subpath}` : ''}`);
  const prefix = subpath ? `${subpath}/` : '';
  throw new SkillError(
    'SourceError',
    `${input}: the source holds ${found.length} skills; pick one with #<path>: ${found.slice(0, 20).map((f) => prefix + f).join(', ')}`,
  );
}

export async function fetchSource(spec: SourceSpec, opts: FetchOptions = {}): Promise<Fetched> {
  const tmp = mkdtempSync(join(opts.tmpDir ?? tmpdir(), 'hermes-hub-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    let root: string;
    let resolved: string;
    if (spec.kind === 'git') {
      root = join(tmp, 'repo');
      resolved = await cloneRepo(spec.location, root, spec.ref, opts);
      rmSync(join(root, '.git'), { recursive: true, force: true });
    } else if (spec.kind === 'tarball') {
      const file = /^https?:/i.test(spec.location) ? await downloadTarball(spec.location, tmp, opts.timeoutMs) : spec.location;
      resolved = await sha256File(file);
      root = join(tmp, 'unpacked');
      mkdirSync(root);
      await extractTarball(file, root);
    } else {
      root = join(tmp, 'copy');
      copyTree(spec.location, root);
      resolved = hashTree(root);
    }
    return { root, skillDir: locateSkill(root, spec.subpath, withoutCredentials(spec.input)), resolved, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
