// The built-in search, for sandboxes without ripgrep. Walks through the Sandbox fs API (so it works in Docker and
// over SFTP) in ripgrep's `--sort path` order, honouring .gitignore files found on the way, skipping symlinks,
// .git and node_modules, binary files and files over the size cap, exactly as the ripgrep flags in search-rg do.
import { posix } from 'node:path';
import type { Sandbox } from '../../sandbox/types';
import { globMatcher, IgnoreStack, parseGitignore } from './glob';
import {
  ALWAYS_SKIPPED,
  MAX_FILES_LISTED,
  MAX_MATCH_LINES,
  MAX_SEARCH_FILE_BYTES,
  byNewest,
  relToRoot,
  type FileHits,
  type HitLine,
  type SearchData,
  type SearchRequest,
} from './search-types';

/** Compiles a ripgrep-style pattern for JavaScript; Unicode mode first, legacy mode when that rejects it. */
export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch (err) {
      throw new Error(`invalid regular expression: ${(err as Error).message}`);
    }
  }
}

/** Regular files under the root in ripgrep's order: names sorted bytewise, depth first. */
async function* walk(sandbox: Sandbox, req: SearchRequest): AsyncGenerator<string> {
  if (req.rootIsFile) {
    yield req.root;
    return;
  }
  async function* visit(dir: string, rel: string, ignores: IgnoreStack): AsyncGenerator<string> {
    if (req.signal?.aborted) return;
    let entries;
    try {
      entries = await sandbox.readdir(dir);
    } catch {
      return; // unreadable directory: rg --no-messages skips it silently too
    }
    if (entries.some((e) => e.name === '.gitignore' && e.type === 'file')) {
      try {
        const text = (await sandbox.readFile(posix.join(dir, '.gitignore'))).toString('utf8');
        ignores = ignores.with(rel, parseGitignore(text));
      } catch {
        // unreadable ignore file: search as if absent
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (ALWAYS_SKIPPED.includes(e.name) || (e.type !== 'dir' && e.type !== 'file')) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (ignores.ignored(childRel, e.type === 'dir')) continue;
      const abs = posix.join(dir, e.name);
      if (e.type === 'dir') yield* visit(abs, childRel, ignores);
      else yield abs;
    }
  }
  yield* visit(req.root, '', new IgnoreStack());
}

export async function searchWithWalker(sandbox: Sandbox, req: SearchRequest): Promise<SearchData> {
  const nameGlob = req.target === 'files' ? req.pattern : req.fileGlob;
  const glob = nameGlob ? globMatcher(nameGlob) : undefined;
  const accept = (abs: string) => !glob || glob(relToRoot(req, abs));

  if (req.target === 'files') {
    const found: { path: string; mtime: number }[] = [];
    let truncated = false;
    for await (const abs of walk(sandbox, req)) {
      if (found.length >= MAX_FILES_LISTED) {
        truncated = true;
        break;
      }
      if (!accept(abs)) continue;
      const st = await sandbox.stat(abs);
      if (st) found.push({ path: abs, mtime: st.mtimeMs });
    }
    found.sort(byNewest);
    return { kind: 'files', paths: found.map((f) => f.path), truncated };
  }

  const re = compilePattern(req.pattern);
  const files: FileHits[] = [];
  let matchLines = 0;
  for await (const abs of walk(sandbox, req)) {
    if (matchLines > MAX_MATCH_LINES) break;
    if (!accept(abs)) continue;
    const st = await sandbox.stat(abs);
    if (!st || st.size > MAX_SEARCH_FILE_BYTES) continue;
    let buf: Buffer;
    try {
      buf = await sandbox.readFile(abs);
    } catch {
      continue;
    }
    if (buf.includes(0)) continue; // binary, as ripgrep decides by a NUL byte
    const hits = grepLines(buf.toString('utf8'), re, req.context);
    if (hits.length) {
      files.push({ path: abs, lines: hits });
      matchLines += hits.filter((h) => h.match).length;
    }
  }
  return { kind: 'content', files, truncated: matchLines > MAX_MATCH_LINES };
}

/** Matching lines plus `context` lines around each (merged where they overlap), in line order. */
export function grepLines(text: string, re: RegExp, context: number): HitLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const matched: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    re.lastIndex = 0;
    if (re.test(line)) matched.push(i);
  }
  if (!matched.length) return [];
  const want = new Map<number, boolean>();
  for (const i of matched) {
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) {
      if (!want.has(k)) want.set(k, false);
    }
    want.set(i, true);
  }
  return [...want.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, match]) => ({ n: i + 1, text: lines[i]!.replace(/\r$/, ''), match }));
}
