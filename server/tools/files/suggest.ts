// On a missing path, names from the nearest existing directory that look like what was meant: a small edit
// distance (typos, wrong case, wrong extension) or one name containing the other.
import { posix } from 'node:path';
import type { SandboxFs } from '../../sandbox/types';

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const stem = (name: string) => name.replace(/\.[^.]*$/, '');

/** Up to `max` names from `names` resembling `target`, best first. */
export function similarNames(target: string, names: string[], max = 5): string[] {
  const t = target.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const n = name.toLowerCase();
    let score = editDistance(t, n);
    const limit = Math.max(2, Math.floor(Math.max(t.length, n.length) / 3));
    if (stem(n) === stem(t)) score = Math.min(score, 1);
    else if (n.length >= 3 && t.length >= 3 && (n.includes(t) || t.includes(n))) score = Math.min(score, 2);
    if (score <= limit) scored.push({ name, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

/** Absolute paths resembling `abs`, looked up in its parent (or the nearest ancestor that exists). */
export async function suggestPaths(fs: SandboxFs, abs: string): Promise<string[]> {
  let dir = posix.dirname(abs);
  let wanted = posix.basename(abs);
  // Walk up while the parent is missing too: the mistake may be in a directory name.
  for (let i = 0; i < 8 && dir !== '/'; i++) {
    const st = await fs.stat(dir).catch(() => null);
    if (st) break;
    wanted = posix.basename(dir);
    dir = posix.dirname(dir);
  }
  try {
    const entries = await fs.readdir(dir);
    return similarNames(
      wanted,
      entries.map((e) => e.name),
    ).map((n) => posix.join(dir, n));
  } catch {
    return [];
  }
}
