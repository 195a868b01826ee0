import { describe, expect, it } from 'vitest';
import { addSecretsFromEnv, addSecretValue, redact } from '../../../server/util/redact';

const SECRET = 'sk-test-Zq81mN0pLk3vXy7RtU2wQe9';

describe('redaction of re-encoded secrets', () => {
  addSecretValue(SECRET);

  it('masks base64 of the value at every alignment inside a longer text (a whole .env line, an environ dump)', () => {
    for (const prefix of ['', 'A', 'AB', 'OPENAI_API_KEY=', 'X=1\nOPENAI_API_KEY=']) {
      const enc = Buffer.from(`${prefix}${SECRET}\n`).toString('base64');
      const out = redact(enc);
      expect(out, prefix).toContain('[REDACTED:secret]');
      // What is left cannot be decoded back to the secret.
      expect(Buffer.from(out.replace(/\[REDACTED:secret\]/g, ''), 'base64').toString('utf8')).not.toContain(SECRET.slice(4, 20));
    }
    const url = Buffer.from(`K=${SECRET}`).toString('base64url');
    expect(redact(url)).toContain('[REDACTED:secret]');
  });

  it('masks hex (plain, upper-case, wrapped like xxd -p) and reversed forms', () => {
    const hex = Buffer.from(`KEY=${SECRET}`).toString('hex');
    expect(redact(hex)).toContain('[REDACTED:secret]');
    expect(redact(hex.toUpperCase())).toContain('[REDACTED:secret]');
    const wrapped = hex.match(/.{1,30}/g)!.join('\n');
    expect(redact(wrapped)).toContain('[REDACTED:secret]');
    expect(redact([...`KEY=${SECRET}`].reverse().join(''))).toContain('[REDACTED:secret]');
  });

  it('masks the password of URL credentials, and registers passwords from the host environment', () => {
    expect(redact('DATABASE_URL=postgres://app:s3cr3t-pw@db:5432/x')).toBe('DATABASE_URL=postgres://app:[REDACTED:url-password]@db:5432/x');
    expect(redact('git clone https://bob:ghtoken123456@github.com/x/y')).not.toContain('ghtoken123456');
    addSecretsFromEnv({ DATABASE_URL: 'postgres://svc:Very%2FSecretPw9@db/app', HOME: '/home/x', PATH: '/usr/bin' });
    expect(redact('password is Very/SecretPw9')).toBe('password is [REDACTED:secret]');
    expect(redact('home is /home/x')).toBe('home is /home/x');
  });

  it('leaves ordinary base64 and hex alone', () => {
    const text = `${Buffer.from('hello world, nothing secret here').toString('base64')} deadbeefcafebabe`;
    expect(redact(text)).toBe(text);
  });
});
