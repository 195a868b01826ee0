// Runs the threat patterns and the invisible-character check over one text file.
import { redact } from '../../util/redact';
import { THREAT_PATTERNS } from './patterns';
import type { ScanFinding, ThreatPattern } from './types';
import { lineConfined } from './line-regex';
import { requiredLiterals } from './literals';
import { LiteralSet } from './aho';

/** Tests compare results with and without the literal prefilter; nothing else turns it off. */
export const PREFILTER = { enabled: true };

/**
 * Backstop against content crafted to make the patterns slow: a file that takes longer than this to scan is
 * reported (high) instead of holding up the caller.
 */
export const SCAN_BUDGET_MS = 3000;
/** A pattern reports at most this many lines per file; more of the same adds nothing for a reviewer. */
const MAX_LINES_PER_PATTERN = 20;

interface Compiled {
  p: ThreatPattern;
  g: RegExp;
  /** Every match holds one literal (lower case) of each list; a file lacking any list is skipped for this pattern. */
  needs: string[][] | null;
  /** `needs` as ids into the shared LiteralSet. */
  needIds: number[][] | null;
}

const literalSets = new WeakMap<Compiled[], LiteralSet>();

const compiledCache = new WeakMap<readonly ThreatPattern[], Compiled[]>();
function compile(patterns: readonly ThreatPattern[]): Compiled[] {
  let c = compiledCache.get(patterns);
  if (!c) {
    // Line-wise patterns run once over the whole file, rewritten so they still cannot match across a line break.
    c = patterns.map((p) => ({
      p,
      g: p.multiline ? new RegExp(p.re.source, p.re.flags.includes('g') ? p.re.flags : p.re.flags + 'g') : lineConfined(p.re),
      needs: PREFILTER.enabled ? requiredLiterals(p.re) : null,
      needIds: null as number[][] | null,
    }));
    const set = new LiteralSet(c.flatMap((x) => (x.needs ?? []).flat()));
    const id = new Map(set.words.map((w, i) => [w, i]));
    for (const x of c) x.needIds = x.needs ? x.needs.map((any) => any.map((w) => id.get(w)!)) : null;
    literalSets.set(c, set);
    compiledCache.set(patterns, c);
  }
  return c;
}

function excerptOf(line: string, index: number): string {
  const t = line.replace(/\t/g, ' ');
  const start = Math.max(0, Math.min(index - 60, t.length - 200));
  const cut = t.slice(start, start + 200).trim();
  return redact((start > 0 ? '…' : '') + cut + (start + 200 < t.length ? '…' : ''));
}

/** Matches of `c` in `text` that are not rejected as placeholders, negated phrases or harmless continuations. */
function* matchesOf(c: Compiled, text: string): Generator<RegExpExecArray> {
  c.g.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = c.g.exec(text)) !== null) {
    if (m[0].length === 0) c.g.lastIndex++;
    if (c.p.reject && c.p.reject.test(m[0])) continue;
    if (c.p.rejectBefore) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
      if (c.p.rejectBefore.test(text.slice(Math.max(lineStart, m.index - 80), m.index))) continue;
    }
    if (c.p.rejectAfter) {
      const end = m.index + m[0].length;
      const nl = text.indexOf('\n', end);
      if (c.p.rejectAfter.test(text.slice(end, nl === -1 ? Math.min(text.length, end + 200) : Math.min(nl, end + 200)))) continue;
    }
    yield m;
  }
}

// Zero-width and word-joiner characters, BOM (outside position 0), bidi embeddings/overrides/isolates, tag chars.
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF]/g;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const TAGS = /[\u{E0000}-\u{E007F}]/u;
const PICTO = /[\p{Extended_Pictographic}\uFE0F\u{1F3FB}-\u{1F3FF}]/u;

function invisibleFindings(line: string, lineNo: number, file: string): ScanFinding[] {
  const out: ScanFinding[] = [];
  const base = { file, line: lineNo, excerpt: excerptOf(line.replace(/[\u200B-\u200D\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069]/g, '⟨?⟩'), 0) };
  if (BIDI.test(line)) {
    out.push({ id: 'bidi_control_chars', category: 'structural', severity: 'critical', description: 'bidirectional control characters (text shown differs from text read)', ...base });
  }
  if (TAGS.test(line)) {
    out.push({ id: 'unicode_tag_chars', category: 'structural', severity: 'critical', description: 'Unicode tag characters (invisible ASCII smuggling)', ...base });
  }
  INVISIBLE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = INVISIBLE.exec(line)) !== null) {
    const i = m.index;
    if (m[0] === '\uFEFF' && lineNo === 1 && i === 0) continue;
    // A zero-width joiner between emoji builds one glyph (👩‍💻); that is not hiding anything.
    if (m[0] === '\u200D' && PICTO.test(String.fromCodePoint(line.codePointAt(i - 1) ?? 32)) && PICTO.test(String.fromCodePoint(line.codePointAt(i + 1) ?? 32))) continue;
    if (m[0] === '\u200D' && i >= 2 && PICTO.test(line.slice(i - 2, i))) continue;
    out.push({ id: 'invisible_unicode', category: 'structural', severity: 'high', description: 'invisible zero-width characters', ...base });
    break;
  }
  return out;
}

const ANY_INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069]|[\u{E0000}-\u{E007F}]/u;

/** Findings for one text file; `file` is the path reported in each finding. */
export function scanText(
  text: string,
  file: string,
  patterns: readonly ThreatPattern[] = THREAT_PATTERNS,
  budgetMs: number = SCAN_BUDGET_MS,
): ScanFinding[] {
  const started = performance.now();
  const compiled = compile(patterns);
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (index: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineText = (n: number): string => {
    const end = n + 1 < lineStarts.length ? lineStarts[n + 1] - 1 : text.length;
    const l = text.slice(lineStarts[n], end);
    return l.endsWith('\r') ? l.slice(0, -1) : l;
  };
  const overBudget = (lineNo: number) => {
    if (performance.now() - started <= budgetMs) return false;
    findings.push({
      id: 'scan_budget_exceeded',
      category: 'structural',
      severity: 'high',
      description: `scanning stopped after ${budgetMs} ms (content that is this slow to scan is suspicious)`,
      file,
      line: lineNo,
      excerpt: '',
    });
    return true;
  };
  if (overBudget(1)) return findings;
  if (ANY_INVISIBLE.test(text)) {
    for (let n = 0; n < lineStarts.length; n++) {
      const line = lineText(n);
      if (!ANY_INVISIBLE.test(line)) continue;
      for (const f of invisibleFindings(line, n + 1, file)) {
        if (!seen.has(`${f.id}:${n + 1}`)) {
          seen.add(`${f.id}:${n + 1}`);
          findings.push(f);
        }
      }
    }
  }
  // One pass finds every literal any pattern needs; patterns whose literals are absent are not run at all.
  const present = literalSets.get(compiled)!.present(text.toLowerCase());
  for (const c of compiled) {
    if (overBudget(0)) return findings;
    if (c.p.onlyIn && !c.p.onlyIn.test(file)) continue;
    if (c.needIds && !c.needIds.every((any) => any.some((i) => present[i] === 1))) continue;
    let lines = 0;
    for (const m of matchesOf(c, text)) {
      const n = lineAt(m.index);
      const key = `${c.p.id}:${n + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({ id: c.p.id, category: c.p.category, severity: c.p.severity, description: c.p.description, file, line: n + 1, excerpt: excerptOf(lineText(n), m.index - lineStarts[n]) });
      if (++lines >= MAX_LINES_PER_PATTERN || c.p.multiline) break;
    }
  }
  return findings;
}
