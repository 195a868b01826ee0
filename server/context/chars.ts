// Character budgets (memory limits, context caps) count Unicode code points, the way the Hermes agent's Python
// `len()` does, so a HERMES_HOME shared with it measures the same and a cut never splits a surrogate pair.

export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The first `count` code points of `s`. */
export function headChars(s: string, count: number): string {
  return Array.from(s).slice(0, Math.max(0, count)).join('');
}

/** The last `count` code points of `s`. */
export function tailChars(s: string, count: number): string {
  if (count <= 0) return '';
  return Array.from(s).slice(-count).join('');
}

/** 1234567 → "1,234,567" without depending on the runtime's ICU data. */
export function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
