// The multi-file patch format: one envelope, several file operations, context-anchored hunks.
//
//   *** Begin Patch
//   *** Update File: src/a.ts        (optionally followed by  *** Move to: src/b.ts)
//   @@ class Foo                     (optional anchor: a line the hunk comes after)
//    context line
//   -removed line
//   +added line
//   *** Add File: notes.md           (every content line starts with +)
//   +hello
//   *** Delete File: old.txt
//   *** End Patch
//
// Parsing and applying are pure functions over text; reading and writing files is the caller's job, so a patch
// is checked completely before anything is written.
import { detectEol, LINE_STRATEGIES, lineMatches, splitLines, type Line } from './fuzzy-match';

export interface Hunk {
  anchor?: string;
  /** Hunk lines: ' ' context, '-' removed, '+' added. */
  lines: { op: ' ' | '-' | '+'; text: string }[];
  /** `*** End of File`: the hunk must match at the end of the file. */
  atEnd: boolean;
  /** Line in the patch text where the hunk starts (for error messages). */
  patchLine: number;
}

export type PatchOp =
  | { type: 'add'; path: string; content: string }
  | { type: 'delete'; path: string }
  | { type: 'update'; path: string; moveTo?: string; hunks: Hunk[] };

export class PatchError extends Error {}

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const HEADER = /^\*\*\* (Add File|Delete File|Update File): (.+)$/;

export function parsePatch(text: string): PatchOp[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let i = lines.findIndex((l) => l.trim() !== '');
  if (i === -1 || lines[i]!.trim() !== BEGIN) throw new PatchError(`the patch must start with "${BEGIN}"`);
  i++;
  const ops: PatchOp[] = [];
  let ended = false;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === END) {
      ended = true;
      break;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const h = HEADER.exec(line.trimEnd());
    if (!h) throw new PatchError(`patch line ${i + 1}: expected "*** Add File:", "*** Update File:" or "*** Delete File:", got "${line}"`);
    const path = h[2]!.trim();
    i++;
    if (h[1] === 'Delete File') {
      ops.push({ type: 'delete', path });
    } else if (h[1] === 'Add File') {
      const body: string[] = [];
      while (i < lines.length && !lines[i]!.startsWith('*** ')) {
        const l = lines[i]!;
        if (l === '') {
          // A bare empty line is an empty content line, unless only blank lines remain before the end marker.
          if (isEnvelopeEnd(lines, i)) break;
          body.push('');
        } else if (l.startsWith('+')) body.push(l.slice(1));
        else throw new PatchError(`patch line ${i + 1}: every line of an added file must start with "+"`);
        i++;
      }
      ops.push({ type: 'add', path, content: body.length ? body.join('\n') + '\n' : '' });
    } else {
      let moveTo: string | undefined;
      const mv = /^\*\*\* Move to: (.+)$/.exec(lines[i] ?? '');
      if (mv) {
        moveTo = mv[1]!.trim();
        i++;
      }
      const parsed = parseHunks(lines, i, path);
      i = parsed.next;
      if (!parsed.hunks.length && !moveTo) throw new PatchError(`"*** Update File: ${path}" has no hunks`);
      ops.push({ type: 'update', path, moveTo, hunks: parsed.hunks });
    }
  }
  if (!ended) throw new PatchError(`the patch must end with "${END}"`);
  if (!ops.length) throw new PatchError('the patch contains no file operations');
  return ops;
}

/** Only blank lines remain before the end marker (or the text). */
function isEnvelopeEnd(lines: string[], i: number): boolean {
  for (let k = i; k < lines.length; k++) {
    if (lines[k]!.startsWith('*** ')) return true;
    if (lines[k]!.trim() !== '') return false;
  }
  return true;
}

function parseHunks(lines: string[], start: number, path: string): { hunks: Hunk[]; next: number } {
  const hunks: Hunk[] = [];
  let cur: Hunk | null = null;
  let i = start;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '*** End of File') {
      if (!cur) throw new PatchError(`patch line ${i + 1}: "*** End of File" outside a hunk`);
      cur.atEnd = true;
      continue;
    }
    if (l.startsWith('*** ')) break;
    if (l.startsWith('@@')) {
      const anchor = l.replace(/^@@+/, '').replace(/@@+\s*$/, '').trim();
      cur = { anchor: anchor || undefined, lines: [], atEnd: false, patchLine: i + 1 };
      hunks.push(cur);
      continue;
    }
    const op = l[0];
    if (op === ' ' || op === '-' || op === '+' || l === '') {
      if (l === '' && isEnvelopeEnd(lines, i)) continue;
      if (!cur) {
        cur = { lines: [], atEnd: false, patchLine: i + 1 };
        hunks.push(cur);
      }
      cur.lines.push({ op: l === '' ? ' ' : (op as ' ' | '-' | '+'), text: l.slice(1) });
      continue;
    }
    throw new PatchError(
      `patch line ${i + 1} (${path}): hunk lines must start with " " (context), "-" (remove) or "+" (add); got "${l}"`,
    );
  }
  for (const h of hunks) if (!h.lines.some((l) => l.op !== ' ')) throw new PatchError(`patch line ${h.patchLine} (${path}): hunk changes nothing`);
  return { hunks, next: i };
}

/** Paths an op touches (for the approval gate and parallel scheduling). */
export function touchedPaths(ops: PatchOp[]): string[] {
  return ops.flatMap((op) => (op.type === 'update' && op.moveTo ? [op.path, op.moveTo] : [op.path]));
}

/** Cheap header scan for `Tool.paths`: no validation, never throws. */
export function scanPatchPaths(text: string): string[] {
  const out: string[] = [];
  for (const l of text.split(/\r?\n/)) {
    const m = HEADER.exec(l.trimEnd()) ?? /^\*\*\* Move to: (.+)$/.exec(l.trimEnd());
    if (m) out.push(m[m.length - 1]!.trim());
  }
  return out;
}

/** Applies the hunks of one update to `content`; throws PatchError naming the hunk that does not fit. */
export function applyHunks(content: string, hunks: Hunk[], path: string): string {
  const eol = detectEol(content);
  const hadFinalEol = content === '' || /\n$/.test(content);
  const lines = splitLines(content);
  const out: string[] = [];
  let cursor = 0;
  for (const [n, hunk] of hunks.entries()) {
    const label = `hunk ${n + 1} of ${path} (patch line ${hunk.patchLine})`;
    let from = cursor;
    if (hunk.anchor) {
      const a = findAnchor(lines, hunk.anchor, cursor);
      if (a === -1) throw new PatchError(`${label}: anchor "@@ ${hunk.anchor}" not found after line ${cursor}`);
      from = a + 1;
    }
    const old = hunk.lines.filter((l) => l.op !== '+').map((l) => l.text);
    let at: number;
    if (old.length === 0) {
      at = hunk.anchor ? from : lines.length;
    } else {
      at = locate(lines, old, from, hunk, label);
    }
    for (let k = cursor; k < at; k++) out.push(lines[k]!.text);
    // Walk the hunk: context keeps the file's own line (a tolerant match must not rewrite it), '-' drops one.
    let k = at;
    for (const l of hunk.lines) {
      if (l.op === '+') out.push(l.text);
      else {
        if (l.op === ' ') out.push(lines[k]!.text);
        k++;
      }
    }
    cursor = k;
  }
  for (let k = cursor; k < lines.length; k++) out.push(lines[k]!.text);
  if (!out.length) return '';
  return out.join(eol) + (hadFinalEol ? eol : '');
}

function findAnchor(lines: Line[], anchor: string, from: number): number {
  const want = anchor.trim();
  for (const s of [(l: string) => l.trim(), (l: string) => LINE_STRATEGIES[3]!.norm(l)]) {
    const w = s(want);
    for (let i = from; i < lines.length; i++) if (s(lines[i]!.text) === w) return i;
    for (let i = from; i < lines.length; i++) if (w && s(lines[i]!.text).includes(w)) return i;
  }
  return -1;
}

function locate(lines: Line[], old: string[], from: number, hunk: Hunk, label: string): number {
  for (const s of [{ name: 'exact', norm: (l: string) => l }, ...LINE_STRATEGIES]) {
    let hits = lineMatches(lines, old, s.norm, from);
    if (hunk.atEnd) hits = hits.filter((i) => i + old.length === lines.length);
    if (!hits.length) continue;
    if (hits.length > 1 && !hunk.anchor && !hunk.atEnd) {
      throw new PatchError(
        `${label}: its context matches ${hits.length} places (lines ${hits.map((h) => h + 1).join(', ')}); ` +
          'add an "@@ <line before the change>" anchor or more context lines',
      );
    }
    return hits[0]!;
  }
  const first = old.find((l) => l.trim() !== '') ?? old[0]!;
  throw new PatchError(`${label}: the context/removed lines were not found (first line: "${first.trim()}"); read the file and copy them exactly`);
}
