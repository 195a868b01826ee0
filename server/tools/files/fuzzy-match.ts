// Finding `old_string` in a file the way a model means it. Exact first; then whole-line comparisons that forgive,
// in order, trailing whitespace, indentation, runs of whitespace, and typographic quotes/dashes. The first strategy
// that finds anything wins, so a looser one never overrides an exact hit. Line endings follow the file's.

export interface MatchRange {
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
}

export interface Strategy {
  name: string;
  norm: (line: string) => string;
  /** Leading whitespace is ignored, so the replacement is re-indented to the file's indentation. */
  reindent: boolean;
}

const UNICODE_MAP: [RegExp, string][] = [
  [/[\u2018\u2019\u201a\u201b\u2032\u00b4]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' '],
  [/[\u200b\u200c\u200d\ufeff]/g, ''],
];

export function normaliseUnicode(s: string): string {
  let out = s.normalize('NFC');
  for (const [re, to] of UNICODE_MAP) out = out.replace(re, to);
  return out;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

export const LINE_STRATEGIES: Strategy[] = [
  { name: 'trailing-whitespace', norm: (l) => l.trimEnd(), reindent: false },
  { name: 'indentation-flexible', norm: (l) => l.trim(), reindent: true },
  { name: 'whitespace-normalised', norm: collapse, reindent: true },
  { name: 'unicode-normalised', norm: (l) => collapse(normaliseUnicode(l)), reindent: true },
];

export interface Line {
  text: string;
  start: number;
  /** Offset just past the text, before the line ending. */
  end: number;
  /** Offset just past the line ending (equals `end` on a last line without one). */
  next: number;
}

export function splitLines(content: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= content.length) {
    const nl = content.indexOf('\n', start);
    if (nl === -1) {
      if (start < content.length) lines.push({ text: content.slice(start), start, end: content.length, next: content.length });
      break;
    }
    const end = nl > start && content[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ text: content.slice(start, end), start, end, next: nl + 1 });
    start = nl + 1;
  }
  return lines;
}

export function detectEol(content: string): '\r\n' | '\n' {
  const crlf = (content.match(/\r\n/g) ?? []).length;
  const lf = (content.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

export const withEol = (s: string, eol: string) => (eol === '\n' ? s : s.replace(/\r?\n/g, eol));

const lineOf = (content: string, offset: number) => {
  let n = 1;
  for (let i = content.indexOf('\n'); i !== -1 && i < offset; i = content.indexOf('\n', i + 1)) n++;
  return n;
};

function exactMatches(content: string, needle: string): MatchRange[] {
  const out: MatchRange[] = [];
  for (let i = content.indexOf(needle); i !== -1; i = content.indexOf(needle, i + needle.length)) {
    out.push({ start: i, end: i + needle.length, line: lineOf(content, i) });
  }
  return out;
}

/** Whole-line matches of `needleLines` in `lines` under `norm`, non-overlapping, in order. */
export function lineMatches(lines: Line[], needleLines: string[], norm: (l: string) => string, from = 0): number[] {
  const want = needleLines.map(norm);
  const hits: number[] = [];
  outer: for (let i = from; i + want.length <= lines.length; ) {
    for (let k = 0; k < want.length; k++) {
      if (norm(lines[i + k]!.text) !== want[k]) {
        i++;
        continue outer;
      }
    }
    hits.push(i);
    i += want.length;
  }
  return hits;
}

const indentOf = (s: string) => /^[ \t]*/.exec(s)![0];

/** Shifts `replacement` from the indentation the model used to the one the file has. */
export function reindent(replacement: string, modelFirstLine: string, fileFirstLine: string): string {
  const from = indentOf(modelFirstLine);
  const to = indentOf(fileFirstLine);
  if (from === to) return replacement;
  return replacement
    .split('\n')
    .map((l) => (l.trim() === '' ? l : l.startsWith(from) ? to + l.slice(from.length) : l))
    .join('\n');
}

export interface ReplacePlan {
  strategy: string;
  matches: MatchRange[];
  /** Replacement text per match (re-indented where the strategy ignores indentation). */
  replacements: string[];
}

/** Where `oldString` occurs in `content`, by the first strategy that finds it; null when none does. */
export function planReplace(content: string, oldString: string, newString: string): ReplacePlan | null {
  const eol = detectEol(content);
  const oldS = withEol(oldString, eol);
  const newS = withEol(newString, eol);
  const exact = exactMatches(content, oldS);
  if (exact.length) return { strategy: 'exact', matches: exact, replacements: exact.map(() => newS) };

  const trailingNl = /\r?\n$/.test(oldString);
  const needle = oldString.replace(/\r?\n$/, '').split(/\r?\n/);
  if (needle.every((l) => l.trim() === '')) return null;
  const lines = splitLines(content);
  const firstReal = needle.findIndex((l) => l.trim() !== '');
  for (const s of LINE_STRATEGIES) {
    const hits = lineMatches(lines, needle, s.norm);
    if (!hits.length) continue;
    const matches = hits.map((i) => {
      const last = lines[i + needle.length - 1]!;
      return { start: lines[i]!.start, end: trailingNl ? last.next : last.end, line: i + 1 };
    });
    const replacements = hits.map((i) =>
      s.reindent ? reindent(newS, needle[firstReal]!, lines[i + firstReal]!.text) : newS,
    );
    return { strategy: s.name, matches, replacements };
  }
  return null;
}

/** Applies the chosen matches back to front so earlier offsets stay valid. */
export function applyPlan(content: string, plan: ReplacePlan, which: number[]): string {
  let out = content;
  for (const idx of [...which].sort((a, b) => b - a)) {
    const m = plan.matches[idx]!;
    out = out.slice(0, m.start) + plan.replacements[idx]! + out.slice(m.end);
  }
  return out;
}

/** A pointer for the model when nothing matched: where the first line of `oldString` seems to be. */
export function nearMissHint(content: string, oldString: string): string {
  const first = oldString.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  if (!first) return '';
  const key = collapse(normaliseUnicode(first));
  const lines = splitLines(content);
  const hits: number[] = [];
  lines.forEach((l, i) => {
    if (hits.length < 3 && collapse(normaliseUnicode(l.text)).includes(key)) hits.push(i + 1);
  });
  if (hits.length)
    return ` The first line of old_string appears at line ${hits.join(', ')}, but the lines after it differ; read the file there and copy the text exactly.`;
  return ' Read the file again and copy the text exactly, including indentation.';
}
