// The skill security scanner: regex threat patterns over every text file plus structural checks, folded into one
// verdict. It is a review aid with a policy on top (hub trust levels, agent-created skills), not a sandbox.
import { readFileSync, openSync, readSync, closeSync } from 'node:fs';
import { isBinary } from '../text';
import { walkTree, type TreeEntry } from '../tree';
import { binaryFinding, checkTreeShape, extensionFinding } from './structure';
import { scanText } from './text-scan';
import { decodedBase64, decodeUtf16, foldConfusables, MIXED_SCRIPT_WORD } from './decode';
import { shellFindings } from './shell-scan';
import type { ScanFinding, ScanReport, Severity, Verdict } from './types';

export { THREAT_PATTERNS } from './patterns';
export { scanText } from './text-scan';
export { STRUCTURE_LIMITS } from './structure';
export type { ScanFinding, ScanReport, Severity, ThreatCategory, ThreatPattern, Verdict } from './types';

/** Files are read up to this size; anything larger is already a structural finding. */
const READ_CAP = 1024 * 1024;
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function verdictOf(findings: ScanFinding[]): Verdict {
  if (findings.some((f) => f.severity === 'critical')) return 'dangerous';
  if (findings.some((f) => f.severity === 'high')) return 'caution';
  return 'safe';
}

export function buildReport(findings: ScanFinding[], filesScanned: number): ScanReport {
  const sorted = [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.file.localeCompare(b.file) || a.line - b.line,
  );
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of sorted) counts[f.severity]++;
  return { verdict: verdictOf(sorted), findings: sorted, filesScanned, counts };
}

export interface ScanFileInput {
  /** Path reported in findings, relative to the skill folder (e.g. `SKILL.md`, `../DESCRIPTION.md`). */
  path: string;
  content: string | Uint8Array;
}

/** Scans in-memory files (content not yet on disk). */
export function scanFiles(files: ScanFileInput[]): ScanReport {
  const findings: ScanFinding[] = [];
  for (const f of files) findings.push(...scanContent(f.path, typeof f.content === 'string' ? Buffer.from(f.content) : f.content));
  return buildReport(findings, files.length);
}

function scanContent(rel: string, buf: Uint8Array): ScanFinding[] {
  const utf16 = decodeUtf16(buf);
  if (utf16 === undefined && isBinary(buf)) {
    const b = binaryFinding(rel, buf.subarray(0, 8));
    return b ? [b] : [];
  }
  const text = utf16 ?? Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  const out: ScanFinding[] = [];
  const ext = extensionFinding(rel);
  if (ext) out.push(ext);
  if (utf16 !== undefined) {
    out.push({ id: 'utf16_text', category: 'obfuscation', severity: 'medium', description: 'text stored as UTF-16 (scanned after decoding)', file: rel, line: 1, excerpt: '' });
  }
  out.push(...scanText(text, rel), ...shellFindings(rel, text));
  // The same words in disguise: look-alike letters folded to Latin, then readable base64 decoded.
  const have = new Set(out.map((f) => `${f.id}:${f.line}`));
  const also = (fs: ScanFinding[], note: string, line?: number) => {
    for (const f of fs) {
      const g = { ...f, line: line ?? f.line, description: `${f.description} (${note})` };
      if (have.has(`${g.id}:${g.line}`)) continue;
      have.add(`${g.id}:${g.line}`);
      out.push(g);
    }
  };
  const folded = foldConfusables(text);
  if (folded) {
    also([...scanText(folded, rel), ...shellFindings(rel, folded)], 'after folding look-alike letters');
    const lines = text.split('\n');
    const n = lines.findIndex((l) => MIXED_SCRIPT_WORD.test(l));
    if (n >= 0) {
      out.push({ id: 'mixed_script_word', category: 'obfuscation', severity: 'high', description: 'words mixing Latin with look-alike Cyrillic or Greek letters', file: rel, line: n + 1, excerpt: lines[n].trim().slice(0, 200) });
    }
  }
  for (const b of decodedBase64(text)) also([...scanText(b.text, rel), ...shellFindings(`${rel}.sh`, b.text)], 'in decoded base64', b.line);
  return out;
}

function readCapped(abs: string, size: number): Buffer {
  if (size <= READ_CAP) return readFileSync(abs);
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.alloc(READ_CAP);
    const n = readSync(fd, buf, 0, READ_CAP, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export interface ScanDirOptions {
  /**
   * Content that replaces (string/bytes), adds, or removes (null) files by relative path before scanning — used
   * to scan the result of an edit before it is written.
   */
  overrides?: Record<string, string | Uint8Array | null>;
  /** More files scanned along with the folder (e.g. the category's DESCRIPTION.md, which reaches the prompt). */
  extraFiles?: ScanFileInput[];
}

/** Scans every file of a skill folder (all text files whatever their extension) plus its structure. */
export function scanSkillDir(dir: string, opts: ScanDirOptions = {}): ScanReport {
  const overrides = opts.overrides ?? {};
  const entries: TreeEntry[] = walkTree(dir).filter((e) => !(e.rel in overrides));
  const virtual: ScanFileInput[] = [];
  for (const [rel, content] of Object.entries(overrides)) {
    if (content === null) continue;
    const buf = typeof content === 'string' ? Buffer.from(content) : content;
    virtual.push({ path: rel, content: buf });
    entries.push({ rel, abs: '', kind: 'file', size: buf.length, nlink: 1 });
  }
  const findings: ScanFinding[] = checkTreeShape(dir, entries);
  let scanned = 0;
  for (const e of entries) {
    if (e.kind !== 'file' || !e.abs) continue;
    let buf: Buffer;
    try {
      buf = readCapped(e.abs, e.size);
    } catch {
      continue;
    }
    findings.push(...scanContent(e.rel, buf));
    scanned++;
  }
  for (const f of [...virtual, ...(opts.extraFiles ?? [])]) {
    findings.push(...scanContent(f.path, typeof f.content === 'string' ? Buffer.from(f.content) : f.content));
    scanned++;
  }
  return buildReport(findings, scanned);
}

/** One line per finding, for tool results and CLI output. */
export function formatFindings(findings: ScanFinding[], limit = 20): string {
  const lines = findings
    .slice(0, limit)
    .map((f) => `[${f.severity}] ${f.category}/${f.id} ${f.file}${f.line ? `:${f.line}` : ''}: ${f.description}${f.excerpt ? ` — ${f.excerpt}` : ''}`);
  if (findings.length > limit) lines.push(`… and ${findings.length - limit} more`);
  return lines.join('\n');
}
