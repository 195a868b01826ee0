import { describe, expect, it } from 'vitest';
import { capHead, capHeadTail, capLine, formatBytes, formatCount, tailLines } from '../../../server/tools/output';

describe('output capping', () => {
  it('leaves short text alone', () => {
    expect(capHeadTail('hello', 100)).toBe('hello');
    expect(capHead('hello', 100)).toBe('hello');
  });

  it('keeps head and tail with a marker stating the total size', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const out = capHeadTail(lines, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out.startsWith('line 0\n')).toBe(true);
    expect(out.endsWith('line 1999')).toBe(true);
    expect(out).toContain(`output was ${formatCount(lines.length)} characters in total`);
    const omitted = Number(/\[\.\.\. ([\d,]+) characters omitted/.exec(out)![1]!.replace(/,/g, ''));
    const marker = /\n\n\[\.\.\.[^\]]*\]\n\n/.exec(out)![0];
    expect(omitted).toBe(lines.length - (out.length - marker.length));
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(5000);
    const out = capHeadTail(text, 500);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(capHead(text, 101)).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('caps lines and formats sizes', () => {
    expect(capLine('x'.repeat(30), 10)).toBe('xxxxxxxxxx… [line truncated, 30 chars]');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(tailLines('a\nb\nc\nd\n', 2, 100)).toBe('c\nd');
  });
});
