// lock.json on disk is in the Hermes agent's format so both programs read one file:
//   { "version": 1, "installed": { "<name>": { source, identifier, trust_level, scan_verdict, content_hash,
//     install_path, files, metadata, installed_at, updated_at, … } } }
// Our own details (how to fetch the source again, our content hash, finding counts) ride along in each entry under
// `hermes_host`, and skills we quarantined live under a top-level `quarantined` key; Hermes ignores both. Entries
// Hermes wrote are mapped to ours (its `github` and `official` sources can be fetched again; others cannot) and
// written back with every field they came with.
import type { Severity, Verdict } from '../scanner';
import type { HubLock, LockEntry } from './lock';
import type { TrustLevel } from './policy';
import { parseSource, type SourceKind } from './source';

/** The repository Hermes's `official/<path>` identifiers come from. */
export const HERMES_REPO = 'NousResearch/hermes-agent';
const ZERO: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
const TRUST = new Set(['builtin', 'trusted', 'community']);
const VERDICT = new Set(['safe', 'caution', 'dangerous']);
const KINDS = new Set(['git', 'local', 'tarball']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function fromDisk(raw: unknown): HubLock {
  const lock: HubLock = { version: 1, installed: {}, quarantined: {} };
  if (!isObj(raw)) return lock;
  const extra: Json = {};
  for (const [k, v] of Object.entries(raw)) if (!['version', 'installed', 'quarantined'].includes(k)) extra[k] = v;
  if (Object.keys(extra).length) lock.extra = extra;
  for (const [status, key] of [['installed', 'installed'], ['quarantined', 'quarantined']] as const) {
    const map = raw[key];
    if (!isObj(map)) continue;
    for (const [name, e] of Object.entries(map)) {
      if (!isObj(e)) continue;
      const entry = isObj(e.hermes_host) ? fromOurs(name, e) : 'kind' in e && 'path' in e ? (e as unknown as LockEntry) : fromHermes(name, e);
      if (entry) lock[status][name] = { ...entry, name };
    }
  }
  return lock;
}

/** An entry we wrote: Hermes's fields plus ours under `hermes_host`. */
function fromOurs(name: string, e: Json): LockEntry | null {
  const base = fromHermes(name, e);
  const h = e.hermes_host as Json;
  if (!base || !KINDS.has(String(h.kind))) return base;
  const { hermes_host: _ours, ...raw } = e;
  const { notUpdatable: _n, ...rest } = base;
  return {
    ...rest,
    source: str(h.source) ?? base.source,
    kind: h.kind as SourceKind,
    location: str(h.location) ?? base.location,
    canonical: str(h.canonical) ?? base.canonical,
    ...(str(h.subpath) ? { subpath: str(h.subpath) } : {}),
    ...(str(h.ref) ? { ref: str(h.ref) } : {}),
    resolved: str(h.resolved) ?? '',
    ...(h.trustOverride ? { trustOverride: true } : {}),
    contentHash: str(h.contentHash) ?? '',
    counts: isObj(h.counts) ? ({ ...ZERO, ...h.counts } as Record<Severity, number>) : { ...ZERO },
    ...(h.forced ? { forced: true } : {}),
    ...(str(h.lastAuditAt) ? { lastAuditAt: str(h.lastAuditAt) } : {}),
    ...(str(h.reason) ? { reason: str(h.reason) } : {}),
    ...(str(h.path) ? { path: str(h.path)! } : {}),
    hermesRaw: raw,
  };
}

/** An entry the Hermes agent wrote. */
function fromHermes(name: string, e: Json): LockEntry | null {
  const installPath = str(e.install_path) ?? name;
  const source = str(e.source) ?? 'unknown';
  const identifier = str(e.identifier) ?? name;
  const trust = (TRUST.has(String(e.trust_level)) ? e.trust_level : 'community') as TrustLevel;
  const verdict = (VERDICT.has(String(e.scan_verdict)) ? e.scan_verdict : 'safe') as Verdict;
  const now = new Date(0).toISOString();
  const entry: LockEntry = {
    name,
    source: identifier,
    kind: 'git',
    location: '',
    canonical: identifier,
    resolved: '',
    trust,
    contentHash: '',
    ...(str(e.content_hash) ? { hermesHash: str(e.content_hash) } : {}),
    verdict,
    counts: { ...ZERO },
    path: installPath,
    installedAt: str(e.installed_at) ?? now,
    updatedAt: str(e.updated_at) ?? str(e.installed_at) ?? now,
    hermesRaw: { ...e },
  };
  // Hermes's GitHub identifiers are `owner/repo/path`; `official/<path>` is the optional-skills folder of its repo.
  const fetchable = source === 'github' ? identifier : source === 'official' ? `${HERMES_REPO}/optional-skills/${identifier.replace(/^official\//, '')}` : null;
  if (fetchable) {
    try {
      const spec = parseSource(fetchable);
      if (spec.kind === 'git') return { ...entry, source: fetchable, location: spec.location, canonical: spec.canonical, ...(spec.subpath ? { subpath: spec.subpath } : {}) };
    } catch {}
  }
  return { ...entry, notUpdatable: `installed by the Hermes agent from its "${source}" source (${identifier}), which hermes-host cannot fetch; update it with \`hermes skills update\`` };
}

/** Hermes's source id and identifier for one of our entries. */
function hermesIdentity(e: LockEntry): { source: string; identifier: string } {
  const gh = /^github\.com\/([^/]+\/[^/]+)$/.exec(e.canonical);
  if (e.kind === 'git' && gh) {
    const [owner, repo] = gh[1].split('/');
    if (`${owner}/${repo}`.toLowerCase() === HERMES_REPO.toLowerCase() && e.subpath?.startsWith('optional-skills/')) {
      return { source: 'official', identifier: `official/${e.subpath.slice('optional-skills/'.length)}` };
    }
    return { source: 'github', identifier: [owner, repo, e.subpath].filter(Boolean).join('/') };
  }
  return { source: e.kind === 'tarball' && /^https?:/.test(e.location) ? 'url' : 'hermes-host', identifier: e.source };
}

function toEntry(e: LockEntry): Json {
  const raw = e.hermesRaw ?? {};
  const id = e.hermesRaw && str(raw.source) && str(raw.identifier) ? { source: str(raw.source)!, identifier: str(raw.identifier)! } : hermesIdentity(e);
  const ours: Json = {
    source: e.source,
    kind: e.kind,
    location: e.location,
    canonical: e.canonical,
    ...(e.subpath ? { subpath: e.subpath } : {}),
    ...(e.ref ? { ref: e.ref } : {}),
    resolved: e.resolved,
    ...(e.trustOverride ? { trustOverride: true } : {}),
    contentHash: e.contentHash,
    counts: e.counts,
    ...(e.forced ? { forced: true } : {}),
    ...(e.lastAuditAt ? { lastAuditAt: e.lastAuditAt } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
  };
  return {
    ...raw,
    source: id.source,
    identifier: id.identifier,
    trust_level: e.trust,
    scan_verdict: e.hermesRaw && !e.contentHash && !e.lastAuditAt ? raw.scan_verdict : e.verdict,
    content_hash: e.hermesHash ?? raw.content_hash ?? '',
    install_path: e.path,
    files: e.files ?? raw.files ?? [],
    metadata: isObj(raw.metadata) ? raw.metadata : {},
    installed_at: e.installedAt,
    updated_at: e.updatedAt,
    // Entries Hermes wrote and we never touched stay exactly as they were.
    ...(e.hermesRaw && !e.contentHash ? {} : { hermes_host: ours }),
  };
}

export function toDisk(lock: HubLock): Json {
  const installed: Json = {};
  for (const [name, e] of Object.entries(lock.installed)) installed[name] = toEntry(e);
  const out: Json = { ...(lock.extra ?? {}), version: 1, installed };
  if (Object.keys(lock.quarantined).length) {
    const q: Json = {};
    for (const [name, e] of Object.entries(lock.quarantined)) q[name] = toEntry(e);
    out.quarantined = q;
  }
  return out;
}
