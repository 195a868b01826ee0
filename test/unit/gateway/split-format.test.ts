import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../../server/gateway/split';
import { escapeHtml, markdownToTelegramHtml } from '../../../server/gateway/telegram/format';
import { checkTelegramHtml } from '../../support/fake-telegram';

const fencesBalanced = (s: string) => (s.match(/^\s*```/gm) ?? []).length % 2 === 0;

describe('splitMessage', () => {
  it('leaves a short message alone', () => {
    expect(splitMessage('hello', 4096)).toEqual(['hello']);
  });

  it('splits on line breaks within the limit, numbers the parts and loses nothing', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line number ${i}`);
    const parts = splitMessage(lines.join('\n'), 1000);
    expect(parts.length).toBeGreaterThan(5);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(1000);
      expect(p.endsWith(`(${i + 1}/${parts.length})`)).toBe(true);
    });
    const joined = parts.map((p) => p.replace(/\n\(\d+\/\d+\)$/, '')).join('\n');
    expect(joined).toBe(lines.join('\n'));
  });

  it('closes a code fence at a cut and reopens it with its language in the next part', () => {
    const code = Array.from({ length: 200 }, (_, i) => `x = ${i}  # some code`).join('\n');
    const text = `Intro\n\n\`\`\`python\n${code}\n\`\`\`\nOutro`;
    const parts = splitMessage(text, 1200);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(1200);
      expect(fencesBalanced(p)).toBe(true);
    }
    expect(parts[1].startsWith('```python\n')).toBe(true);
    const body = parts.join('\n');
    for (let i = 0; i < 200; i++) expect(body.split(`x = ${i}  #`).length - 1).toBe(1);
  });

  it('cuts a single over-long line at spaces, or anywhere, but never inside a surrogate pair', () => {
    const emoji = '😀'.repeat(3000); // 6000 UTF-16 units, no spaces
    const parts = splitMessage(emoji, 4096);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(p)).toBe(false);
      expect(/(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(p)).toBe(false);
    }
    expect(parts.map((p) => p.replace(/\n\(\d+\/\d+\)$/, '')).join('')).toBe(emoji);
  });
});

describe('markdownToTelegramHtml', () => {
  it('converts the usual markdown and escapes what Telegram would parse', () => {
    const html = markdownToTelegramHtml('# Title\n**bold** and *it* and `a<b>` and [link](https://x.io/?a=1&b=2) & 3 < 4\n~~gone~~');
    expect(html).toContain('<b>Title</b>');
    expect(html).toContain('<b>bold</b>');
    expect(html).toContain('<i>it</i>');
    expect(html).toContain('<code>a&lt;b&gt;</code>');
    expect(html).toContain('<a href="https://x.io/?a=1&amp;b=2">link</a>');
    expect(html).toContain('&amp; 3 &lt; 4');
    expect(html).toContain('<s>gone</s>');
    expect(checkTelegramHtml(html)).toBeNull();
  });

  it('keeps code blocks verbatim (escaped) with their language, and leaves snake_case alone', () => {
    const html = markdownToTelegramHtml('call my_func_name now\n```ts\nif (a < b && c) { *x* }\n```');
    expect(html).toContain('my_func_name');
    expect(html).toContain('<pre><code class="language-ts">if (a &lt; b &amp;&amp; c) { *x* }</code></pre>');
    expect(checkTelegramHtml(html)).toBeNull();
  });

  it('never lets text pose as markup', () => {
    const html = markdownToTelegramHtml('<script>alert(1)</script> <b>not bold</b>');
    expect(html).toBe(escapeHtml('<script>alert(1)</script> <b>not bold</b>'));
    expect(checkTelegramHtml(html)).toBeNull();
  });
});

describe('Telegram error classes', () => {
  it('maps Bot API errors onto delivery outcomes', async () => {
    const { GrammyError, HttpError } = await import('grammy');
    const { classify } = await import('../../../server/gateway/telegram/adapter');
    const g = (code: number, description: string, parameters = {}) => new GrammyError('x', { ok: false, error_code: code, description, parameters }, 'sendMessage', {});
    expect(classify(g(429, 'Too Many Requests', { retry_after: 17 }))).toMatchObject({ kind: 'transient', retryAfter: 17 });
    expect(classify(g(502, 'Bad Gateway')).kind).toBe('transient');
    expect(classify(g(409, 'Conflict: terminated by other getUpdates request')).kind).toBe('transient');
    expect(classify(g(400, "Bad Request: can't parse entities: Unsupported start tag")).kind).toBe('format');
    expect(classify(g(403, 'Forbidden: bot was blocked by the user')).kind).toBe('permanent');
    expect(classify(g(401, 'Unauthorized')).kind).toBe('permanent');
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classify(new HttpError('Network request failed', refused)).kind).toBe('transient');
    const cut = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(classify(new HttpError('Network request failed', cut)).kind).toBe('ambiguous');
    expect(classify(new HttpError('Network request failed', new SyntaxError('Unexpected token <'))).kind).toBe('transient');
  });
});
