// Walking, hashing and copying skill folders without ever following a symlink out of them.
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { SkillError } from './errors';

export interface TreeEntry {
  /** '/'-separated path relative to the walked folder. */
  rel: string;
  abs: string;
  kind: 'file' | 'symlink' | 'other';
  size: number;
  /** Hard links to the file; more than one means the same bytes live somewhere else too (maybe outside). */
  nlink: number;
}

/** Files and symlinks below `dir` (symlinks are reported, never followed); `.git` is skipped. */
export function walkTree(dir: string, opts: { limit?: number; skipDot?: boolean } = {}): TreeEntry[] {
  const out: TreeEntry[] = [];
  const limit = opts.limit ?? Infinity;
  const visit = (abs: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (out.length >= limit) return;
      if (name === '.git' || (opts.skipDot && name.startsWith('.'))) continue;
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(a, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) visit(a, r);
      else out.push({ rel: r, abs: a, kind: st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other', size: st.size, nlink: st.nlink });
    }
  };
  visit(dir, '');
  return out;
}

/**
 * Content hash of a folder: relative paths, file bytes and symlink targets, in sorted order. Equal hashes mean equal
 * trees; used to tell a user's edited copy from the bundled original and to record hub provenance.
 */
export function hashTree(dir: string): string {
  const h = createHash('sha256');
  for (const e of walkTree(dir)) {
    if (e.kind === 'other') continue;
    h.update(e.kind === 'symlink' ? 'L' : 'F');
    h.update(e.rel);
    h.update('\0');
    h.update(e.kind === 'symlink' ? readlinkSync(e.abs) : readFileSync(e.abs));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Copies files (with their mode) and symlinks (as links, not followed); `.git` and special files are skipped. A file
 * with other hard links is refused: it can be a link to a file outside the folder (`ln ~/.ssh/id_rsa notes.txt`),
 * and copying it would carry that file's bytes into the skills tree.
 */
export function copyTree(src: string, dst: string): void {
  const entries = walkTree(src);
  const linked = entries.find((e) => e.kind === 'file' && e.nlink > 1);
  if (linked) throw new SkillError('InvalidPath', `${linked.rel} is a hard link (${linked.nlink} links to the same file); refusing to copy it — replace it with a regular file`);
  mkdirSync(dst, { recursive: true });
  for (const e of entries) {
    const to = join(dst, e.rel);
    mkdirSync(dirname(to), { recursive: true });
    if (e.kind === 'symlink') symlinkSync(readlinkSync(e.abs), to);
    else if (e.kind === 'file') {
      copyFileSync(e.abs, to);
      chmodSync(to, lstatSync(e.abs).mode & 0o777);
    }
  }
}
