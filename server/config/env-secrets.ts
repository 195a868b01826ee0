// Which .env values are secrets to mask wherever they appear. Masking every value would cut paths, hosts and
// addresses users keep there (Hermes documents TERMINAL_CWD, TERMINAL_SSH_HOST, EMAIL_ADDRESS …) out of their own
// messages; so a value is a secret when its NAME says so (…_API_KEY, …_TOKEN, …_PASSWORD) or its VALUE is shaped
// like one (a known key format, or a long random-looking string) — and not when it is plainly a path, a URL
// without credentials, an e-mail address, a host name or a number.
import { redact } from '../util/redact';

/** Name segments that mean "this holds a secret". PWD/PASS only as part of a longer name ($PWD is a directory). */
const SECRET_SEGMENTS = new Set([
  'KEY', 'APIKEY', 'TOKEN', 'TOKENS', 'SECRET', 'SECRETS', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'PASS', 'PWD', 'CREDENTIAL',
  'CREDENTIALS', 'CREDS', 'AUTH', 'PRIVATE', 'COOKIE', 'SESSION', 'SIGNATURE', 'SALT', 'DSN', 'OTP', 'PIN', 'WEBHOOK',
]);

export function isSecretName(name: string): boolean {
  const segs = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (segs.length === 1 && (segs[0] === 'PWD' || segs[0] === 'PASS')) return false;
  return segs.some((s) => SECRET_SEGMENTS.has(s) || /(?:API_?KEY|TOKEN|SECRET|PASSWORD)$/.test(s));
}

const PATH = /^(?:~|\.{1,2})?\/[^\s]*$|^[A-Za-z]:\\/;
const URL_NO_CREDS = /^[a-z][a-z0-9+.-]*:\/\/[^\s/@]+(?:[/?#]\S*)?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const HOST = /^(?=.*[a-z])[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$/i;
const NUMBER_OR_FLAG = /^(?:-?\d+(?:\.\d+)?|true|false|yes|no|on|off)$/i;

/** Plainly not a secret, whatever its name: a path, a URL without user:password@, an address, a host, a number. */
export function isPlainValue(value: string): boolean {
  const v = value.trim();
  return PATH.test(v) || URL_NO_CREDS.test(v) || EMAIL.test(v) || HOST.test(v) || NUMBER_OR_FLAG.test(v);
}

function entropyBitsPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A value that looks like a credential on its own: a known key format, or a long high-entropy token. */
export function looksLikeSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 8 || /\s/.test(v)) return false;
  if (redact(v) !== v) return true;
  if (isPlainValue(v) || v.length < 20) return false;
  // Random tokens have a long unbroken run of letters and digits; image names and versions
  // (nikolaik/python-nodejs:python3.11-nodejs20) are short words between separators.
  const longestRun = Math.max(0, ...(v.match(/[A-Za-z0-9]+/g) ?? []).map((r) => r.length));
  if (longestRun < 16) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;
  return classes >= 2 && /\d/.test(v) && entropyBitsPerChar(v) >= 3.5;
}

/** A URL whose path or query carries a token (webhook URLs: hooks.slack.com/services/T…/B…/<secret>). */
function urlCarriesToken(v: string): boolean {
  return URL_NO_CREDS.test(v) && v.split(/[/?#&=]/).slice(3).some((seg) => seg.length >= 16 && /\d/.test(seg) && /[A-Za-z]/.test(seg));
}

/** Whether a .env entry is a secret to register with the redactor. */
export function isSecretEnvEntry(name: string, value: string): boolean {
  const v = value.trim();
  if (v.length < 6) return false;
  // A connection string with user:password@ carries its password whatever the variable is called.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i.test(v)) return true;
  if (isSecretName(name)) {
    // A secret's name with a path (TERMINAL_SSH_KEY=~/.ssh/id_ed25519) or an address is a pointer, not the secret.
    const pointer = PATH.test(v) || EMAIL.test(v) || (URL_NO_CREDS.test(v) && !urlCarriesToken(v));
    return !pointer;
  }
  return looksLikeSecret(v) || urlCarriesToken(v);
}
