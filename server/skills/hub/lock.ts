// Provenance of hub skills: `skills/.hub/lock.json` holds the current state (installed and quarantined skills
// with source, resolved commit/hash, trust, content hash and verdict); `skills/.hub/audit.log` is an append-only
// JSON-lines history of every inspect, install, quarantine, update, uninstall and audit.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../util/atomic';
import type { Severity, Verdict } from '../scanner';
import type { SourceKind } from './source';
import type { TrustLevel } from './policy';
import { fromDisk, toDisk } from './lock-format';

export interface LockEntry {
  name: string;
  /** The source as given (fetched again on update). */
  source: string;
  kind: SourceKind;
  /** Absolute folder/archive path or URL the source resolved to. */
  location: string;
  canonical: string;
  subpath?: string;
  ref?: string;
  /** Commit id, archive sha256 or folder content hash. */
  resolved: string;
  trust: TrustLevel;
  /** Trust was set by the operator rather than derived from the source. */
  trustOverride?: boolean;
  /** hashTree() of the installed (or quarantined) folder; '' for entries Hermes wrote (see hermesHash). */
  contentHash: string;
  /** Hermes's `content_hash` (sha256:16 hex) of the folder, written so Hermes can check it too. */
  hermesHash?: string;
  /** Files of the skill (lock.json `files`). */
  files?: string[];
  verdict: Verdict;
  counts: Record<Severity, number>;
  /** Installed: folder relative to the skills root; quarantined: relative path of the quarantine folder. */
  path: string;
  forced?: boolean;
  installedAt: string;
  updatedAt: string;
  lastAuditAt?: string;
  /** Why a quarantined skill was not installed. */
  reason?: string;
  /** Set when this process cannot fetch the source again (a Hermes source adapter we do not implement). */
  notUpdatable?: string;
  /** The entry exactly as Hermes wrote it; kept so writing the lock never loses a field Hermes needs. */
  hermesRaw?: Record<string, unknown>;
}

export interface HubLock {
  version: 1;
  installed: Record<string, LockEntry>;
  quarantined: Record<string, LockEntry>;
  /** Top-level keys we do not know (written back unchanged). */
  extra?: Record<string, unknown>;
}

export type AuditAction = 'inspect' | 'install' | 'quarantine' | 'update' | 'uninstall' | 'audit';

export interface AuditRecord {
  time: string;
  action: AuditAction;
  name: string;
  source?: string;
  resolved?: string;
  trust?: TrustLevel;
  contentHash?: string;
  verdict?: Verdict;
  counts?: Record<Severity, number>;
  /** Finding ids (first 30). */
  findings?: string[];
  decision?: string;
  reason?: string;
}

export function readLock(file: string): HubLock {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return { version: 1, installed: {}, quarantined: {} };
  }
  return fromDisk(raw);
}

/** Writes the lock in Hermes's format (our details under `hermes_host` in each entry), readable by both. */
export function writeLock(file: string, lock: HubLock): void {
  writeFileAtomic(file, JSON.stringify(toDisk(lock), null, 2) + '\n');
}

export function appendAudit(file: string, record: AuditRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(record) + '\n');
}

/** Our JSON lines of the audit log; Hermes's plain-text lines in the same file are skipped. */
export function readAudit(file: string): AuditRecord[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: AuditRecord[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('{')) continue;
    try {
      out.push(JSON.parse(l) as AuditRecord);
    } catch {}
  }
  return out;
}
