// Output capping shared by tools. Long command output keeps its head (what started) and its tail (how it ended:
// the error, the summary line), with a marker in between that states what was dropped and the total size, so the
// model knows the output was cut and by how much.

export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Moves a cut index off the middle of a surrogate pair. */
function safeIndex(text: string, i: number): number {
  const c = text.charCodeAt(i - 1);
  return c >= 0xd800 && c <= 0xdbff ? i - 1 : i;
}

/** Keeps the first and last parts of `text` so that the result is at most about `max` characters. */
export function capHeadTail(text: string, max: number, headShare = 0.4): string {
  if (text.length <= max) return text;
  const marker = (omitted: number) =>
    `\n\n[... ${formatCount(omitted)} characters omitted; output was ${formatCount(text.length)} characters in total ...]\n\n`;
  const budget = Math.max(0, max - marker(text.length).length);
  let head = Math.floor(budget * headShare);
  let tail = budget - head;
  // Cut at line boundaries when one is near, so numbers and words are not split.
  const headNl = text.lastIndexOf('\n', head);
  if (headNl > head * 0.8) head = headNl + 1;
  const tailStart = text.length - tail;
  const tailNl = text.indexOf('\n', tailStart);
  if (tailNl !== -1 && tailNl - tailStart < tail * 0.2) tail = text.length - (tailNl + 1);
  head = safeIndex(text, head);
  const from = safeIndex(text, text.length - tail);
  return text.slice(0, head) + marker(from - head) + text.slice(from);
}

/** Keeps the beginning of `text` (pages, documents: the end is usually boilerplate). */
export function capHead(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `\n\n[... truncated: showing the first ${formatCount(max)} of ${formatCount(text.length)} characters ...]`;
  let cut = max;
  const nl = text.lastIndexOf('\n', max);
  if (nl > max * 0.8) cut = nl;
  return text.slice(0, safeIndex(text, cut)) + marker;
}

/** Caps one line of a listing; the marker says how long the line really was. */
export function capLine(line: string, max: number): string {
  if (line.length <= max) return line;
  return `${line.slice(0, safeIndex(line, max))}… [line truncated, ${formatCount(line.length)} chars]`;
}

/** Last `maxLines` lines of `text`, at most `maxChars` characters. */
export function tailLines(text: string, maxLines: number, maxChars: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  let out = lines.slice(-maxLines).join('\n');
  if (out.length > maxChars) out = out.slice(out.length - maxChars);
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}
