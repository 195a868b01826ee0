// Secrets the extension handles (API keys from SecretStorage, values typed for `secret/request`) must never reach
// the output channel. vscode-languageclient writes the host's stderr and, at trace level, every JSON-RPC message
// (the `initialize` params carry `initializationOptions.secrets`) to its LogOutputChannel, so that channel is
// wrapped: every line passes through `SecretRedactor.redact` first.
import type * as vscode from 'vscode';

export const REDACTED = '[REDACTED]';

/** JSON members whose value is secret whatever it is: `"OPENAI_API_KEY": "…"`, `"value": "…"` of secret answers. */
const SECRET_MEMBER = /("(?:[A-Z0-9_]*(?:API_KEY|_TOKEN|_SECRET|PASSWORD)|apiKey|value)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** `secrets: { … }` objects as a whole (flat string maps). */
const SECRETS_OBJECT = /("secrets"\s*:\s*)\{[^{}]*\}/g;
/** Common provider key shapes, in case one shows up outside JSON. */
const KEY_SHAPES = /\b(sk-(?:or-v1-|proj-)?[A-Za-z0-9_-]{12,})\b/g;

export class SecretRedactor {
  private readonly values = new Set<string>();

  /** Remembers a secret value so later text containing it is redacted. Very short values are too ambiguous. */
  add(value: string | undefined): void {
    if (!value || value.length < 4) return;
    this.values.add(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.values.add(escaped);
  }

  redact(text: string): string {
    let out = text.replace(SECRETS_OBJECT, `$1{"…":"${REDACTED}"}`).replace(SECRET_MEMBER, `$1"${REDACTED}"`);
    // Longest first so a value that contains another is replaced whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join(REDACTED);
    return out.replace(KEY_SHAPES, REDACTED);
  }
}

const str = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
function safeJson(a: unknown): string {
  try {
    return a instanceof Error ? `${a.name}: ${a.message}` : JSON.stringify(a);
  } catch {
    return String(a);
  }
}

/** A LogOutputChannel that redacts everything written to it before the real channel sees it. */
export function redactingChannel(inner: vscode.LogOutputChannel, redactor: SecretRedactor): vscode.LogOutputChannel {
  const r = (s: string) => redactor.redact(s);
  const line = (msg: string | Error, args: unknown[]) => r([msg instanceof Error ? `${msg.name}: ${msg.message}` : msg, ...(args.length ? [str(args)] : [])].join(' '));
  return {
    get name() {
      return inner.name;
    },
    get logLevel() {
      return inner.logLevel;
    },
    onDidChangeLogLevel: inner.onDidChangeLogLevel,
    append: (v: string) => inner.append(r(v)),
    appendLine: (v: string) => inner.appendLine(r(v)),
    replace: (v: string) => inner.replace(r(v)),
    trace: (m: string, ...a: unknown[]) => inner.trace(line(m, a)),
    debug: (m: string, ...a: unknown[]) => inner.debug(line(m, a)),
    info: (m: string, ...a: unknown[]) => inner.info(line(m, a)),
    warn: (m: string, ...a: unknown[]) => inner.warn(line(m, a)),
    error: (m: string | Error, ...a: unknown[]) => inner.error(line(m, a)),
    clear: () => inner.clear(),
    show: (a?: unknown, b?: boolean) => (typeof a === 'boolean' || a === undefined ? inner.show(a) : inner.show(a as vscode.ViewColumn, b)),
    hide: () => inner.hide(),
    dispose: () => inner.dispose(),
  } as vscode.LogOutputChannel;
}
