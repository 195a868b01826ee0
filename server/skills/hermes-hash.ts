// The two folder hashes the Hermes agent keeps next to skills, recomputed here so we can tell whether a skill on
// disk is still the one Hermes recorded:
//  - `.bundled_manifest` lines are `name:<md5>` over (relative path, bytes) of every file;
//  - hub `lock.json` `content_hash` is `sha256:<16 hex>` over (relative path, NUL, bytes) of every file.
// Both walk files in Python's Path order (by path components, not by string), following symlinked files.
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function filesOf(dir: string): { rel: string; abs: string }[] {
  const out: { rel: string; parts: string[]; abs: string }[] = [];
  const visit = (abs: string, parts: string[]) => {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      return;
    }
    for (const name of names) {
      const a = join(abs, name);
      const st = statSync(a, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) visit(a, [...parts, name]);
      else if (st.isFile()) out.push({ rel: [...parts, name].join('/'), parts: [...parts, name], abs: a });
    }
  };
  visit(dir, []);
  out.sort((a, b) => {
    const n = Math.min(a.parts.length, b.parts.length);
    for (let i = 0; i < n; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i] < b.parts[i] ? -1 : 1;
    return a.parts.length - b.parts.length;
  });
  return out;
}

function feed(h: Hash, dir: string, sep: boolean): void {
  for (const f of filesOf(dir)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.abs);
    } catch {
      continue;
    }
    h.update(f.rel);
    if (sep) h.update('\0');
    h.update(bytes);
  }
}

/** The hash Hermes's skills_sync writes into `.bundled_manifest`. */
export function hermesManifestHash(dir: string): string {
  const h = createHash('md5');
  feed(h, dir, false);
  return h.digest('hex');
}

/** The hash Hermes's hub writes as `content_hash` in lock.json. */
export function hermesContentHash(dir: string): string {
  const h = createHash('sha256');
  feed(h, dir, true);
  return `sha256:${h.digest('hex').slice(0, 16)}`;
}

/** Files of a skill folder in lock.json's `files` form. */
export function hermesFileList(dir: string): string[] {
  return filesOf(dir).map((f) => f.rel);
}
