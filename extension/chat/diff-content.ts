// The "before" side of a file change for VS Code's diff editor. The host sends a unified diff; the file on disk is
// the "after" side, so reversing the patch onto it gives the old content. When the file changed since (the patch no
// longer applies), the old side is rebuilt from the hunks alone: context and removed lines, gaps marked.
import { applyPatch, parsePatch, reversePatch } from 'diff';

export function oldContentFromDiff(diff: string, current: string | undefined, kind?: 'add' | 'update' | 'delete'): string {
  if (kind === 'add') return '';
  const patches = parsePatch(diff);
  if (!patches.length || !patches[0].hunks.length) return current ?? '';
  if (current !== undefined) {
    const reversed = applyPatch(current, reversePatch(patches[0]));
    if (reversed !== false) return reversed;
  }
  return oldSideOfHunks(diff);
}

/** The new side of the diff, for a file that no longer exists on disk. */
export function newContentFromDiff(diff: string, kind?: 'add' | 'update' | 'delete'): string {
  if (kind === 'delete') return '';
  return sideOfHunks(diff, '+');
}

export function oldSideOfHunks(diff: string): string {
  return sideOfHunks(diff, '-');
}

function sideOfHunks(diff: string, keep: '-' | '+'): string {
  const patches = parsePatch(diff);
  const out: string[] = [];
  let next = 1;
  for (const h of patches[0]?.hunks ?? []) {
    const start = keep === '-' ? h.oldStart : h.newStart;
    if (start > next) out.push(`⋯ ${start - next} unchanged line(s) not shown ⋯`);
    for (const l of h.lines) {
      if (l.startsWith('\\')) continue;
      if (l[0] === ' ' || l[0] === keep) out.push(l.slice(1));
    }
    next = start + (keep === '-' ? h.oldLines : h.newLines);
  }
  return out.join('\n');
}

/** add/delete from the `/dev/null` side of the headers, update otherwise. */
export function diffKind(diff: string): 'add' | 'update' | 'delete' {
  if (/^--- \/dev\/null\s*$/m.test(diff)) return 'add';
  if (/^\+\+\+ \/dev\/null\s*$/m.test(diff)) return 'delete';
  return 'update';
}
