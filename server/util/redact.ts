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
  { kind: 'bearer', re: /\b(Bearer\s+)([A-Za-z0-9._~+/=-]{16,})/g, group: 2 },
  {
    kind: 'assignment',
    re: /\b((?:[A-Z0-9_]*(?:API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|secret)["']?\s*[:=]\s*["']?)([^\s"'`,;]{8,})/gi,
    group: 2,
  },
];

const known = new Set<string>();
let knownRe: RegExp | null = null;

/** Registers a secret value so it is masked wherever it appears, whatever its shape. */
export function addSecretValue(value: string | undefined | null): void {
  if (!value || value.length < 6 || known.has(value)) return;
  known.add(value);
  const parts = [...known].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  knownRe = new RegExp(parts.join('|'), 'g');
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
