// Caps one context file: the head (70%) usually holds the overview, the tail (20%) the most recent additions; the
// marker tells the model that the middle exists and where to read it.
import { charLength, headChars, tailChars, withThousands } from './chars';

export const DEFAULT_CONTEXT_MAX_CHARS = 20_000;
export const HEAD_SHARE = 0.7;
export const TAIL_SHARE = 0.2;

export interface Truncation {
  content: string;
  truncated: boolean;
  size: number;
  keptChars: number;
  head: number;
  tail: number;
}

export function truncationMarker(relPath: string, head: number, tail: number, size: number): string {
  return `[...truncated ${relPath}: kept ${head}+${tail} of ${size} chars; read the file for the rest...]`;
}

export function truncateContext(text: string, relPath: string, maxChars: number): Truncation {
  const size = charLength(text);
  if (size <= maxChars) return { content: text, truncated: false, size, keptChars: size, head: size, tail: 0 };
  const head = Math.floor(maxChars * HEAD_SHARE);
  const tail = Math.floor(maxChars * TAIL_SHARE);
  const content = `${headChars(text, head)}\n\n${truncationMarker(relPath, head, tail, size)}\n\n${tailChars(text, tail)}`;
  return { content, truncated: true, size, keptChars: head + tail, head, tail };
}

/** The user-facing warning for a cut file. */
export function truncationWarning(t: Truncation, maxChars: number): string {
  return (
    `truncated: kept ${withThousands(t.head)}+${withThousands(t.tail)} of ${withThousands(t.size)} chars ` +
    `(limit ${withThousands(maxChars)})`
  );
}
