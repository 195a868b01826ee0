// What both search backends (ripgrep in the sandbox, the built-in walker) produce, so one formatter paginates and
// prints results identically whichever ran.
import type { SandboxFs } from '../../sandbox/types';
import type { GlobMatcher } from './glob';

export interface SearchRequest {
  /** Absolute search root inside the sandbox (a directory or a single file). */
  root: string;
  rootIsFile: boolean;
  target: 'content' | 'files';
  /** content: a regular expression; files: a glob on file names (or paths when it has a slash). */
  pattern: string;
  /** Restricts which files are searched (content target). */
  fileGlob?: string;
  context: number;
  signal?: AbortSignal;
}

export interface HitLine {
  /** 1-based line number. */
  n: number;
  text: string;
  /** false for a context line. */
  match: boolean;
}

export interface FileHits {
  /** Absolute path. */
  path: string;
  lines: HitLine[];
}

export type SearchData =
  | { kind: 'content'; files: FileHits[]; truncated: boolean }
  | { kind: 'files'; paths: string[]; truncated: boolean };

/** Hard caps that keep a runaway search from flooding the host. */
export const MAX_FILES_LISTED = 20_000;
export const MAX_MATCH_LINES = 20_000;
export const MAX_SEARCH_FILE_BYTES = 10 * 1024 * 1024;

/** Directory names never searched (ripgrep gets the same as `-g '!name'`). */
export const ALWAYS_SKIPPED = ['.git', 'node_modules'];

/** The path of `abs` relative to the search root, as globs see it. */
export function relToRoot(req: SearchRequest, abs: string): string {
  if (req.rootIsFile) return abs.slice(abs.lastIndexOf('/') + 1);
  const root = req.root.endsWith('/') ? req.root : req.root + '/';
  return abs.startsWith(root) ? abs.slice(root.length) : abs;
}

/** Keeps the paths a glob accepts (relative to the root). */
export function filterByGlob<T>(req: SearchRequest, items: T[], pathOf: (t: T) => string, glob?: GlobMatcher): T[] {
  return glob ? items.filter((t) => glob(relToRoot(req, pathOf(t)))) : items;
}

/** "Newest first" for both backends: by modification time, ties by path. */
export const byNewest = (a: { path: string; mtime: number }, b: { path: string; mtime: number }): number =>
  b.mtime - a.mtime || (a.path < b.path ? -1 : 1);

/** `paths` newest first, stat'ed a batch at a time; paths gone in the meantime are dropped. */
export async function sortNewestFirst(fs: SandboxFs, paths: string[]): Promise<string[]> {
  const found: { path: string; mtime: number }[] = [];
  for (let i = 0; i < paths.length; i += 32) {
    const batch = paths.slice(i, i + 32);
    const stats = await Promise.all(batch.map((p) => fs.stat(p).catch(() => null)));
    stats.forEach((st, j) => st && found.push({ path: batch[j]!, mtime: st.mtimeMs }));
  }
  return found.sort(byNewest).map((f) => f.path);
}
