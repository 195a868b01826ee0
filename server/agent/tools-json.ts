// The offered tools as JSON text. The built-in set alone is ~18 KB, most of a short conversation's request, and it
// was serialised again for every model call (and for every compaction estimate). The registry caches each tool's
// schema object, so the same objects in the same order mean the same JSON: the last few sets are kept.
const recent: { defs: readonly unknown[]; json: string }[] = [];
const KEEP = 4;

export function toolsJson(defs: readonly unknown[]): string {
  const hit = recent.find((r) => r.defs.length === defs.length && r.defs.every((d, i) => d === defs[i]));
  if (hit) return hit.json;
  const json = JSON.stringify(defs);
  recent.unshift({ defs: [...defs], json });
  recent.length = Math.min(recent.length, KEEP);
  return json;
}
