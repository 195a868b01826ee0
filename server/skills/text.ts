// Telling text from binary content.

/** NUL bytes or invalid UTF-8 in the first 8 KiB mean binary. */
export function isBinary(buf: Uint8Array): boolean {
  const head = buf.subarray(0, 8192);
  if (head.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.length < buf.length ? trimPartialChar(head) : head);
    return false;
  } catch {
    return true;
  }
}

// A multi-byte character cut at the 8 KiB boundary is not a sign of binary content.
function trimPartialChar(b: Uint8Array): Uint8Array {
  let end = b.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i];
    if ((c & 0xc0) === 0x80) continue;
    if ((c & 0xc0) === 0xc0) end -= i;
    break;
  }
  return b.subarray(0, end);
}
