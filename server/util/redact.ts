// Secret-shaped strings are masked before anything is stored, logged or shown to the model. Two layers: the exact
// values of secrets the host knows (API keys from .env, the client or the environment), and patterns for the
// common token formats, so a key pasted by the user or printed by a command is caught too.

interface Pattern {
  kind: string;
  re: RegExp;
  /** Capture group holding the secret; the rest of the match is kept. */
  group?: number;
}

const PATTERNS: Pattern[] = [
  { kind: 'private-key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  { kind: 'anthropic-key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai-key', re: /\bsk-(?:proj-|or-v1-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'slack-token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  { kind: 'aws-key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'google-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'telegram-token', re: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g },
  { kind: 'discord-token', re: /\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // `postgres://user:pass@host`, `https://u:token@github.com`: the password part of a URL's userinfo.
  { kind: 'url-password', re: /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/?#@'"]{1,128}:)([^\s@/'"]{1,256})(?=@)/gi, group: 2 },
  { kind: 'bearer', re: /\b(Bearer\s+)([A-Za-z0-9._~+/=-]{16,})/g, group: 2 },
  {
    kind: 'assignment',
    re: /\b((?:[A-Z0-9_]*(?:API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|secret)["']?\s*[:=]\s*["']?)([^\s"'`,;]{8,})/gi,
    group: 2,
  },
];

const known = new Set<string>();
/** Regex sources: each known value and its re-encodings. */
const sources = new Set<string>();
let knownRe: RegExp | null = null;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Base64 of `b` cut to whole 3-byte groups, in standard and URL-safe alphabets. */
function b64Core(b: Buffer): string[] {
  const whole = b.subarray(0, b.length - (b.length % 3));
  if (whole.length < 12) return [];
  const std = whole.toString('base64');
  return [std, std.replace(/\+/g, '-').replace(/\//g, '_')];
}

/**
 * The forms a secret takes when a command re-encodes it: base64 at each of the three byte alignments it can have
 * inside a longer text (a whole .env line or environ dump encoded at once), hex (as `xxd -p` prints it, possibly
 * wrapped) and reversed. Only long enough forms are kept, so short values do not mask ordinary text.
 */
function encodings(value: string): string[] {
  const b = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) for (const e of b64Core(b.subarray(k))) out.push(esc(e));
  const hex = b.toString('hex');
  if (hex.length >= 24) {
    const pairs = hex.match(/../g)!;
    out.push(pairs.map((p) => `[${p[0]}${p[0].toUpperCase()}][${p[1]}${p[1].toUpperCase()}]`).join('\\s?'));
  }
  if (value.length >= 8) out.push(esc([...value].reverse().join('')));
  return out;
}

/** Registers a secret value so it is masked wherever it appears, whatever its shape. */
export function addSecretValue(value: string | undefined | null): void {
  if (!value || value.length < 6 || known.has(value)) return;
  known.add(value);
  sources.add(esc(value));
  for (const e of encodings(value)) sources.add(e);
  // A URL with a password: the password alone is a secret too (it may be printed without the URL).
  const pw = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]+:([^@/]+)@/i.exec(value)?.[1];
  if (pw && pw.length >= 6 && !known.has(pw)) addSecretValue(decodeURIComponentSafe(pw));
  const parts = [...sources].sort((a, b) => b.length - a.length);
  knownRe = new RegExp(parts.join('|'), 'g');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const SECRET_NAME = /(?:API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|AUTH|_DSN)$|^(?:DATABASE|REDIS|MONGO(?:DB)?|POSTGRES|AMQP|RABBITMQ)_?URL$/i;

/** Registers the host environment's secrets: variables named like keys and tokens, and URLs with a password. */
export function addSecretsFromEnv(env: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(env)) {
    if (!v || v.length < 8) continue;
    if (SECRET_NAME.test(k) || /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+:[^@/\s]+@/i.test(v)) addSecretValue(v);
  }
}

export function knownSecretCount(): number {
  return known.size;
}

const mask = (kind: string) => `[REDACTED:${kind}]`;

export function redact(text: string): string {
  if (!text) return text;
  let out = knownRe ? text.replace(knownRe, mask('secret')) : text;
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    if (!p.re.test(out)) continue;
    p.re.lastIndex = 0;
    out = out.replace(p.re, (...m: string[]) => {
      if (p.group === undefined) return mask(p.kind);
      const whole = m[0];
      const secret = m[p.group];
      if (secret.startsWith('[REDACTED')) return whole;
      return whole.slice(0, whole.length - secret.length) + mask(p.kind);
    });
  }
  return out;
}

/** Deeply redacts strings inside JSON-like values. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}
