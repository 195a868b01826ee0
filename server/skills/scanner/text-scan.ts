// Runs the threat patterns and the invisible-character check over one text file.
import { redact } from '../../util/redact';
import { THREAT_PATTERNS } from './patterns';
import type { ScanFinding, ThreatPattern } from './types';

/** Lines longer than this are scanned in overlapping windows so one minified line cannot make a regex crawl. */
const WINDOW = 4000;
const OVERLAP = 400;
/**
 * Backstop against content crafted to make the patterns slow: a file that takes longer than this to scan is
 * reported (high) instead of holding up the caller.
 */
export const SCAN_BUDGET_MS = 3000;

interface Compiled {
  p: ThreatPattern;
  g: RegExp;
}

const compiledCache = new WeakMap<readonly ThreatPattern[], Compiled[]>();
function compile(patterns: readonly ThreatPattern[]): Compiled[] {
  let c = compiledCache.get(patterns);
  if (!c) {
    c = patterns.map((p) => ({ p, g: new RegExp(p.re.source, p.re.flags.includes('g') ? p.re.flags : p.re.flags + 'g') }));
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

/** First match of `c` in `text` that is not rejected as a placeholder or a negated phrase. */
function firstMatch(c: Compiled, text: string): RegExpExecArray | undefined {
  c.g.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = c.g.exec(text)) !== null && guard++ < 50) {
    if (m[0].length === 0) c.g.lastIndex++;
    if (c.p.reject && c.p.reject.test(m[0])) continue;
    if (c.p.rejectBefore) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
      if (c.p.rejectBefore.test(text.slice(Math.max(lineStart, m.index - 80), m.index))) continue;
    }
    return m;
  }
  return undefined;
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

/** Findings for one text file; `file` is the path reported in each finding. */
export function scanText(
  text: string,
  file: string,
  patterns: readonly ThreatPattern[] = THREAT_PATTERNS,
  budgetMs: number = SCAN_BUDGET_MS,
): ScanFinding[] {
  const started = performance.now();
  const compiled = compile(patterns);
  const lineWise = compiled.filter((c) => !c.p.multiline);
  const whole = compiled.filter((c) => c.p.multiline);
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  const add = (p: ThreatPattern, lineNo: number, line: string, index: number) => {
    const key = `${p.id}:${lineNo}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ id: p.id, category: p.category, severity: p.severity, description: p.description, file, line: lineNo, excerpt: excerptOf(line, index) });
  };
  const lines = text.split('\n');
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
  for (let n = 0; n < lines.length; n++) {
    if (n % 16 === 0 && overBudget(n + 1)) return findings;
    const line = lines[n].endsWith('\r') ? lines[n].slice(0, -1) : lines[n];
    if (line.trim() === '') continue;
    for (const f of invisibleFindings(line, n + 1, file)) {
      if (!seen.has(`${f.id}:${n + 1}`)) {
        seen.add(`${f.id}:${n + 1}`);
        findings.push(f);
      }
    }
    for (let start = 0; start < line.length; start += WINDOW - OVERLAP) {
      const chunk = line.length <= WINDOW ? line : line.slice(start, start + WINDOW);
      for (const c of lineWise) {
        const m = firstMatch(c, chunk);
        if (m) add(c.p, n + 1, line, start + m.index);
      }
      if (line.length <= WINDOW) break;
    }
  }
  if (whole.length) {
    const lineStarts: number[] = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    for (const c of whole) {
      if (overBudget(0)) return findings;
      const m = firstMatch(c, text);
      if (!m) continue;
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid] <= m.index) lo = mid;
        else hi = mid - 1;
      }
      add(c.p, lo + 1, lines[lo] ?? '', m.index - lineStarts[lo]);
    }
  }
  return findings;
}
