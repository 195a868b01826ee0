// HERMES_HOME/.env: keys and the settings Hermes documents there (TERMINAL_*, EMAIL_ADDRESS, …). It is kept at mode
// 0600; the values that are secrets (env-secrets.ts) are registered with the redactor.
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { parse } from 'dotenv';
import { writeFileAtomic } from '../util/atomic';
import { addSecretValue } from '../util/redact';
import { isSecretEnvEntry } from './env-secrets';

export function loadDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const vars = parse(readFileSync(path));
  for (const [k, v] of Object.entries(vars)) if (isSecretEnvEntry(k, v)) addSecretValue(v);
  return vars;
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Sets one variable, keeping the rest of the file (comments included) as it was. */
export function setDotEnvValue(path: string, key: string, value: string): void {
  if (!KEY_RE.test(key)) throw new Error(`invalid environment variable name: ${key}`);
  if (/[\r\n]/.test(value)) throw new Error(`value for ${key} must be a single line`);
  addSecretValue(value);
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const quoted = /[\s#"'\\]/.test(value) ? JSON.stringify(value) : value;
  const entry = `${key}=${quoted}`;
  const idx = lines.findIndex((l) => new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`).test(l));
  if (idx >= 0) lines[idx] = entry;
  else {
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push(entry, '');
  }
  writeFileAtomic(path, lines.join('\n'), { mode: 0o600 });
}
