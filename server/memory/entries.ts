// The on-disk format of MEMORY.md / USER.md: plain-text entries (possibly multi-line) separated by a line that
// holds only `§`. Kept byte-compatible with the Hermes agent so both can share a HERMES_HOME.
import { charLength, withThousands } from '../context/chars';

export const ENTRY_DELIMITER = '\n§\n';

const DELIMITER_LINE = /^[ \t]*\u00A7[ \t]*$/;

/** Splits file text into trimmed, non-empty entries; exact duplicates are dropped (first occurrence kept). */
export function parseEntries(text: string): string[] {
  const entries: string[] = [];
  const seen = new Set<string>();
  let current: string[] = [];
  const flush = () => {
    const entry = current.join('\n').trim();
    current = [];
    if (entry && !seen.has(entry)) {
      seen.add(entry);
      entries.push(entry);
    }
  };
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (DELIMITER_LINE.test(line)) flush();
    else current.push(line);
  }
  flush();
  return entries;
}

export function joinEntries(entries: string[]): string {
  return entries.join(ENTRY_DELIMITER);
}

/** True when `content` would split into several entries on the next load. */
export function containsDelimiterLine(content: string): boolean {
  return content.split(/\r?\n/).some((line) => DELIMITER_LINE.test(line));
}

/** Characters the entries take on disk (measured on the joined text, as the limits are). */
export function usedChars(entries: string[]): number {
  return charLength(joinEntries(entries));
}

/** "63% — 1,386/2,200" */
export function formatUsage(used: number, limit: number): string {
  const pct = limit > 0 ? Math.floor((used * 100) / limit) : 100;
  return `${pct}% — ${withThousands(used)}/${withThousands(limit)}`;
}

/** One-line, 80-character preview of an entry for ambiguity errors. */
export function previewEntry(entry: string, width = 80): string {
  const flat = entry.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : flat;
}
