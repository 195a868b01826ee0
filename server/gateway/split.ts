// Splitting a long reply into platform-sized messages. Cuts fall on line breaks, else spaces, else anywhere (never
// inside a surrogate pair); a code fence open at a cut is closed at the end of one part and reopened, with its
// language, at the start of the next, so every part renders on its own. Parts get a " (i/N)" suffix.

export const utf16Length = (s: string): number => s.length;

const SUFFIX_RESERVE = 10;
const FENCE = /^\s*(```|~~~)/;

/** Cuts `line` into pieces of at most `room` units, preferring spaces. */
function hardWrap(line: string, room: number, measure: (s: string) => number): string[] {
  const out: string[] = [];
  let rest = line;
  while (measure(rest) > room) {
    let cut = room;
    // measure may not be 1:1 with indices; shrink until the piece fits.
    while (cut > 1 && measure(rest.slice(0, cut)) > room) cut--;
    const space = rest.lastIndexOf(' ', cut);
    if (space > room / 2) cut = space + 1;
    else if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--; // keep a surrogate pair together
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

export function splitMessage(text: string, max: number, measure: (s: string) => number = utf16Length): string[] {
  if (measure(text) <= max) return [text];
  const budget = max - SUFFIX_RESERVE;
  const parts: string[] = [];
  let cur = '';
  let fence: string | null = null; // the opening fence line while inside a code block
  let fresh = true; // cur holds nothing but a reopened fence header
  const closing = (f: string | null) => (f ? '\n' + (f.trim().startsWith('~~~') ? '~~~' : '```') : '');
  const flush = () => {
    parts.push(cur + closing(fence));
    cur = fence ? fence + '\n' : '';
    fresh = true;
  };
  for (const rawLine of text.split('\n')) {
    const header: number = fence ? measure(fence) + 1 : 0;
    const room: number = budget - header - measure(closing(fence ?? '```')) - 1;
    for (const line of hardWrap(rawLine, Math.max(16, room), measure)) {
      const addition = (fresh ? '' : '\n') + line;
      const isFence = FENCE.test(line);
      const nextFence: string | null = isFence ? (fence ? null : line.trim()) : fence;
      if (!fresh && measure(cur + addition) + measure(closing(nextFence ?? fence)) > budget) flush();
      cur += (fresh ? '' : '\n') + line;
      fresh = false;
      fence = nextFence;
    }
  }
  if (!fresh || cur.length) parts.push(cur + closing(fence));
  const cleaned = parts.filter((p) => p.trim().length);
  if (cleaned.length === 1) return cleaned;
  return cleaned.map((p, i) => `${p}\n(${i + 1}/${cleaned.length})`);
}
