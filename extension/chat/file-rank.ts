// Ranks workspace paths for an @mention query: exact basename, basename prefix, basename substring, path
// substring, then in-order (fuzzy) matches; shorter paths first within a rank.
export function rankFiles(paths: string[], query: string, limit: number): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...paths].sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, limit);
  const scored: { p: string; rank: number }[] = [];
  for (const p of paths) {
    const lower = p.toLowerCase();
    const base = lower.slice(lower.lastIndexOf('/') + 1);
    const rank = base === q ? 0 : base.startsWith(q) ? 1 : base.includes(q) ? 2 : lower.includes(q) ? 3 : fuzzy(lower, q) ? 4 : -1;
    if (rank >= 0) scored.push({ p, rank });
  }
  scored.sort((a, b) => a.rank - b.rank || a.p.length - b.p.length || a.p.localeCompare(b.p));
  return scored.slice(0, limit).map((s) => s.p);
}

function fuzzy(s: string, q: string): boolean {
  let i = 0;
  for (const c of s) if (c === q[i] && ++i === q.length) return true;
  return false;
}
