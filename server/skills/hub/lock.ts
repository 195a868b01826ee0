// Provenance of hub skills: `skills/.hub/lock.json` holds the current state (installed and quarantined skills
// with source, resolved commit/hash, trust, content hash and verdict); `skills/.hub/audit.log` is an append-only
// JSON-lines history of every inspect, install, quarantine, update, uninstall and audit.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../util/atomic';
import type { Severity, Verdict } from '../scanner';
import type { SourceKind } from './source';
import type { TrustLevel } from './policy';

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
  /** hashTree() of the installed (or quarantined) folder. */
  contentHash: string;
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
}

export interface HubLock {
  version: 1;
  installed: Record<string, LockEntry>;
  quarantined: Record<string, LockEntry>;
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
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<HubLock>;
    return { version: 1, installed: v.installed ?? {}, quarantined: v.quarantined ?? {} };
  } catch {
    return { version: 1, installed: {}, quarantined: {} };
  }
}

export function writeLock(file: string, lock: HubLock): void {
  writeFileAtomic(file, JSON.stringify(lock, null, 2) + '\n');
}

export function appendAudit(file: string, record: AuditRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(record) + '\n');
}

export function readAudit(file: string): AuditRecord[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord);
  } catch {
    return [];
  }
}
