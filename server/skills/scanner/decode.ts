// What a file says once the disguises are taken off, so the patterns match the words and not their costume:
// UTF-16 text (with or without a BOM) decoded, look-alike letters from other scripts folded to Latin
// ("Іgnоre аll prеvious" → "Ignore all previous"), and base64 blobs decoded when they hold text.

/** UTF-16 text: a BOM, or NUL in every other byte of the first bytes (ASCII-range text stored as UTF-16). */
export function decodeUtf16(buf: Uint8Array): string | undefined {
  if (buf.length < 4) return undefined;
  const le = buf[0] === 0xff && buf[1] === 0xfe;
  const be = buf[0] === 0xfe && buf[1] === 0xff;
  if (!le && !be) {
    const n = Math.min(buf.length & ~1, 512);
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (buf[i] === 0) evenNul++;
      if (buf[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) return new TextDecoder('utf-16le').decode(buf);
    if (evenNul > pairs * 0.6 && oddNul < pairs * 0.1) return new TextDecoder('utf-16be').decode(buf);
    return undefined;
  }
  return new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(buf.subarray(2));
}

// Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common subset).
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't',
  у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g',
  А: 'A', В: 'B', Е: 'E', Ѕ: 'S', І: 'I', Ј: 'J', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X',
  Ԁ: 'D', Ԛ: 'Q', Ԝ: 'W',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLE).join('')}]`, 'g');
/** A word that mixes Latin letters with Cyrillic or Greek ones: nobody writes that except to hide a word. */
export const MIXED_SCRIPT_WORD = /(?=[\p{L}]*\p{Script=Latin})(?=[\p{L}]*[\p{Script=Cyrillic}\p{Script=Greek}])[\p{L}]{2,}/u;

/**
 * NFKC (full-width and styled letters) plus look-alike Cyrillic/Greek folded to Latin, for the lines where that
 * changes a letter; other lines are left empty so line numbers still match. undefined when no line changed.
 */
export function foldConfusables(text: string): string | undefined {
  if (!/[^\x00-\x7f]/.test(text)) return undefined;
  const lines = text.split('\n');
  let changed = false;
  const out = lines.map((l) => {
    if (!/[^\x00-\x7f]/.test(l)) return '';
    const f = l.normalize('NFKC').replace(CONFUSABLE_RE, (c) => CONFUSABLE[c] ?? c);
    // Punctuation that NFKC rewrites (… → ...) changes no word; only lines whose letters changed are worth a rescan.
    if (f === l || f.replace(/[^\p{L}]/gu, '') === l.replace(/[^\p{L}]/gu, '')) return '';
    changed = true;
    return f;
  });
  return changed ? out.join('\n') : undefined;
}

const BASE64_BLOB = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])/g;

/** Base64 blobs in `text` that decode to readable text, with the line they sit on (1-based); at most `limit`. */
export function decodedBase64(text: string, limit = 50): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  BASE64_BLOB.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BASE64_BLOB.exec(text)) !== null && out.length < limit) {
    const s = m[0];
    // Hashes, identifiers and paths are long runs of the same alphabet; real base64 mixes cases and digits.
    if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || s.length % 4 === 1) continue;
    const bytes = Buffer.from(s, 'base64');
    if (bytes.length < 8) continue;
    let printable = 0;
    for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13) printable++;
    if (printable / bytes.length < 0.95) continue;
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    out.push({ line, text: bytes.toString('latin1') });
  }
  return out;
}
