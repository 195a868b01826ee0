import { describe, expect, it } from 'vitest';
import { addSecretValue, redact, redactValue } from '../../../server/util/redact';

describe('redact', () => {
  it('masks common token formats', () => {
    const cases: [string, string][] = [
      ['key sk-proj-abcdefghijklmnopqrstuv123456', 'openai-key'],
      ['sk-ant-api03-abcdefghijklmnopqrstuvwxyz', 'anthropic-key'],
      ['token ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'github-token'],
      ['xoxb-1234567890-abcdefghij', 'slack-token'],
      ['AKIAIOSFODNN7EXAMPLE', 'aws-key'],
      ['123456789:AAabcdefghijklmnopqrstuvwxyz0123456', 'telegram-token'],
      ['Authorization: Bearer abcdefghijklmnop1234', 'bearer'],
      ['export OPENAI_API_KEY=verysecretvalue123', 'assignment'],
      ['-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----', 'private-key'],
    ];
    for (const [text, kind] of cases) expect(redact(text), text).toContain(`[REDACTED:${kind}]`);
    expect(redact('export OPENAI_API_KEY=verysecretvalue123')).toBe('export OPENAI_API_KEY=[REDACTED:assignment]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'git commit -m "fix tokenizer"; ls -la; password reset flow; sk-short';
    expect(redact(text)).toBe(text);
  });

  it('masks registered secret values whatever their shape', () => {
    addSecretValue('hunter2-but-longer');
    expect(redact('the value is hunter2-but-longer!')).toBe('the value is [REDACTED:secret]!');
    expect(redactValue({ a: ['x hunter2-but-longer'] })).toEqual({ a: ['x [REDACTED:secret]'] });
  });
});
