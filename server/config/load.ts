// Loads and validates config.yaml. A bad file is refused with the file, line and key of each problem, so the
// host never starts on a config it misread.
import { existsSync, readFileSync } from 'node:fs';
import { Document, LineCounter, isMap, parseDocument, type Node } from 'yaml';
import { HermesConfigSchema, knownKeys, type HermesConfig } from './schema';
import { writeFileAtomic } from '../util/atomic';
import { applyHermesCompat } from './compat';
import { isHermesKey } from './hermes-keys';
import { setInYamlText } from './edit';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { line?: number; key: string; message: string }[],
  ) {
    super(
      `invalid configuration in ${file}:\n` +
        problems.map((p) => `  ${file}:${p.line ?? '?'}: ${p.key || '(root)'}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: HermesConfig;
  path: string;
  warnings: string[];
  /** Things worth knowing that need no action (logged at info level). */
  notes: string[];
  /** Keys written in the file's `terminal:` section (they win over TERMINAL_* variables, as in Hermes). */
  terminalKeys: string[];
}

function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
    // For a key whose value is missing or scalar-less, point at the key itself.
    if (n > 0) {
      const parent = (n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true)) as any;
      if (isMap(parent)) {
        const items = parent.items as { key?: { value?: unknown; range?: [number, number, number] } }[];
        const pair = items.find((it) => String(it.key?.value ?? it.key) === String(path[n - 1]));
        const kr = pair?.key?.range;
        if (kr) return lc.linePos(kr[0]).line;
      }
    }
  }
  return undefined;
}

function parseYaml(path: string, text: string): { doc: Document; lc: LineCounter } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    throw new ConfigError(
      path,
      doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line, key: '', message: e.message.split('\n')[0] })),
    );
  }
  return { doc, lc };
}

export function validateConfig(path: string, text: string): LoadedConfig {
  const { doc, lc } = parseYaml(path, text);
  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(path, [{ line: 1, key: '', message: 'expected a mapping of settings at the top level' }]);
  }
  const warnings: string[] = [];
  // `smart` was offered once and never did anything but ask: an existing config keeps loading, as manual, and says so.
  const approvals = (raw as Record<string, unknown>).approvals as Record<string, unknown> | undefined;
  if (approvals && typeof approvals === 'object' && approvals.mode === 'smart') {
    warnings.push(`${path}:${lineOf(doc, lc, ['approvals', 'mode']) ?? '?'}: approvals.mode: 'smart' is not supported; using 'manual' (choose manual, deny or off)`);
    approvals.mode = 'manual';
  }
  const res = HermesConfigSchema.safeParse(withoutNulls(raw as Record<string, unknown>));
  if (!res.success) {
    throw new ConfigError(
      path,
      res.error.issues.map((i) => {
        const keyPath = i.path.map(String);
        return { line: lineOf(doc, lc, i.path as (string | number)[]), key: keyPath.join('.'), message: i.message };
      }),
    );
  }
  const compat = applyHermesCompat(raw as Record<string, any>, res.data);
  if (compat.problems.length) {
    throw new ConfigError(
      path,
      compat.problems.map((p) => ({ line: lineOf(doc, lc, p.path), key: p.path.join('.'), message: p.message })),
    );
  }
  warnings.push(...compat.warnings.map((w) => `${path}:${lineOf(doc, lc, w.path) ?? '?'}: ${w.path.join('.')}: ${w.message}`));
  const known = knownKeys();
  // Hermes's own settings that mean nothing here are kept and counted in one note; only keys neither knows warn.
  let hermesOnly = 0;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!known.has(k)) {
      if (isHermesKey(k)) hermesOnly++;
      else warnings.push(`${path}:${lineOf(doc, lc, [k]) ?? '?'}: ${k}: unknown setting (kept, not used)`);
      continue;
    }
    const inner = known.get(k);
    if (inner && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const ik of Object.keys(v)) {
        if (inner.has(ik)) continue;
        if (isHermesKey(k, ik)) hermesOnly++;
        else warnings.push(`${path}:${lineOf(doc, lc, [k, ik]) ?? '?'}: ${k}.${ik}: unknown setting (kept, not used)`);
      }
    }
  }
  const notes = hermesOnly ? [`${path}: ${hermesOnly} Hermes agent setting(s) have no effect in hermes-host; they are kept unchanged`] : [];
  const term = (raw as Record<string, any>).terminal;
  const terminalKeys = term && typeof term === 'object' && !Array.isArray(term) ? Object.keys(term).filter((k) => term[k] != null) : [];
  return { config: res.data, path, warnings, notes, terminalKeys };
}

/**
 * Hermes writes `key: null` (and `key:` with nothing) for settings left at their default. For the settings we know,
 * null means "the default" here too; the file itself is not changed.
 */
function withoutNulls(raw: Record<string, unknown>): Record<string, unknown> {
  const known = knownKeys();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null && known.has(k) && k !== 'model') continue;
    const inner = known.get(k);
    if (inner && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).filter(([ik, iv]) => !(iv === null && inner.has(ik) && ik !== 'fallback')));
    } else out[k] = v;
  }
  return out;
}

export function loadConfig(path: string): LoadedConfig {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  return validateConfig(path, text);
}

function parseKey(key: string): string[] {
  const parts = key.split('.').filter(Boolean);
  if (!parts.length) throw new Error(`invalid key: ${key}`);
  return parts;
}

/** Reads one dotted key from the effective configuration. */
export function getConfigValue(config: HermesConfig, key: string): unknown {
  let cur: any = config;
  for (const p of parseKey(key)) {
    if (cur === null || typeof cur !== 'object' || !(p in cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/**
 * Sets one dotted key in config.yaml, keeping comments and the rest of the file, and validates the result before it
 * is written. `value` may be a string from the command line: YAML scalars (numbers, booleans, lists) are parsed.
 */
export function setConfigValue(path: string, key: string, value: unknown): LoadedConfig {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const { doc } = parseYaml(path, text);
  if (!doc.contents) doc.contents = doc.createNode({}) as any;
  let v = value;
  if (typeof value === 'string') {
    const parsed = parseDocument(value);
    v = parsed.errors.length ? value : parsed.toJS();
  }
  if (key === 'approvals.mode' && v === 'smart') {
    throw new ConfigError(path, [{ key, message: "'smart' is not supported; choose manual (ask), deny (refuse without asking) or off (never ask)" }]);
  }
  const path_ = parseKey(key);
  doc.setIn(path_, v);
  // A local text edit keeps every other byte; the whole-document rewrite is only for shapes it cannot handle.
  const local = setInYamlText(text, path_, v);
  const out = local !== null && sameValue(parseDocument(local).getIn(path_), doc.getIn(path_)) ? local : doc.toString();
  const loaded = validateConfig(path, out);
  writeFileAtomic(path, out, { mode: 0o600 });
  return loaded;
}

function sameValue(a: unknown, b: unknown): boolean {
  const plain = (x: unknown) => (x && typeof (x as { toJSON?: () => unknown }).toJSON === 'function' ? (x as { toJSON: () => unknown }).toJSON() : x);
  return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
}

/** Appends to a list setting (e.g. command_allowlist) unless the value is already there. */
export function appendConfigList(path: string, key: string, value: string): LoadedConfig {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const { doc } = parseYaml(path, text);
  const cur = doc.getIn(parseKey(key));
  const list: unknown[] = cur && typeof (cur as any).toJSON === 'function' ? (cur as any).toJSON() : [];
  if (list.includes(value)) return validateConfig(path, text);
  return setConfigValue(path, key, [...list, value]);
}
