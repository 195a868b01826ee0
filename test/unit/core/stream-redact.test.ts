import { describe, expect, it } from 'vitest';
import { StreamRedactor } from '../../../server/util/stream-redact';
import { addSecretValue, redact } from '../../../server/util/redact';

/** Streams `text` in chunks of `size` and returns what was released before the flush, and the whole. */
function stream(text: string, size: number): { before: string; all: string; chunks: string[] } {
  const r = new StreamRedactor();
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(r.push(text.slice(i, i + size)));
  const before = chunks.join('');
  chunks.push(r.flush());
  return { before, all: chunks.join(''), chunks };
}

const KEY = 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4';
const KNOWN = 'hunter2-very-private-value';

describe('StreamRedactor', () => {
  addSecretValue(KNOWN);
  const samples = [
    `Here is the key: ${KEY} — keep it safe.`,
    `export OPENAI_API_KEY=${KEY}\nnext line`,
    `curl -H "Authorization: Bearer ${'abcdefghijklmnopqrstuvwxyz0123456789'}" https://x`,
    `password = ${KNOWN} and more words after it`,
    `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\nabcdef\n-----END RSA PRIVATE KEY-----\ndone`,
    `The value is ${KNOWN}.`,
    `db: postgres://app:${KNOWN}@db.internal:5432/x`,
  ];

  for (const size of [1, 2, 3, 5, 7, 16, 1000]) {
    it(`never releases a secret in any chunking (chunks of ${size})`, () => {
      for (const text of samples) {
        const { all, chunks } = stream(text, size);
        expect(all).toBe(redact(text));
        // No single chunk, and no concatenation of what was released, holds the secret or a long piece of it.
        for (const secret of [KEY, KNOWN, 'abcdefghijklmnopqrstuvwxyz0123456789', 'MIIEowIBAAKCAQEAx']) {
          expect(all).not.toContain(secret);
          for (const c of chunks) expect(c).not.toContain(secret.slice(0, 12));
        }
      }
    });
  }

  it('streams ordinary prose word by word, not at the end', () => {
    const { before } = stream('The quick brown fox jumps over the lazy dog and keeps running.', 4);
    expect(before.length).toBeGreaterThan(40);
  });

  it('released text is always a prefix of the redacted whole', () => {
    const text = samples.join('\n');
    const r = new StreamRedactor();
    const whole = redact(text);
    for (let i = 0; i < text.length; i += 3) {
      r.push(text.slice(i, i + 3));
      expect(whole.startsWith(r.text)).toBe(true);
    }
    r.flush();
    expect(r.text).toBe(whole);
  });
});
