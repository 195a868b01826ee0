// Result shapes of the skills hub operations.
import type { ScanReport, Severity, Verdict } from '../scanner';
import type { LockEntry } from './lock';
import type { PolicyDecision, TrustLevel } from './policy';
import type { SourceSpec } from './source';

export interface SkillInspection {
  name: string;
  description: string;
  version?: string;
  source: { input: string; kind: SourceSpec['kind']; canonical: string; subpath?: string; ref?: string };
  resolved: string;
  trust: TrustLevel;
  contentHash: string;
  files: string[];
  /** Repairs made to the SKILL.md when reading it (e.g. a description cut to 1,024 characters). */
  warnings: string[];
  report: ScanReport;
  /** What install would do (without force). */
  decision: PolicyDecision;
}

export interface InstallOptions {
  force?: boolean;
  /** Operator-chosen trust level (recorded as an override). */
  trust?: TrustLevel;
  /** Category folder to install into; defaults to the skill's own `category` when that is a valid folder name. */
  category?: string;
}

export interface InstallResult extends SkillInspection {
  status: 'installed' | 'quarantined';
  /** Installed folder, or the quarantine folder. */
  path: string;
  replaced: boolean;
}

export interface HubListEntry extends Omit<LockEntry, 'hermesRaw'> {
  /** Who wrote the lock entry: this host, or the Hermes agent. */
  installedBy: 'hermes-host' | 'hermes';
  status: 'installed' | 'quarantined';
  present: boolean;
  /** The installed files no longer match the recorded content hash. */
  modified: boolean;
}

export interface AuditEntry {
  name: string;
  relDir: string;
  provenance: 'hub' | 'bundled' | 'local';
  trust?: TrustLevel;
  /** Which program's manifest or lock recorded it. */
  recordedBy?: 'hermes-host' | 'hermes';
  verdict: Verdict;
  counts: Record<Severity, number>;
  report: ScanReport;
}

export interface UpdateResult {
  name: string;
  status: 'updated' | 'unchanged' | 'quarantined' | 'skipped' | 'failed';
  reason?: string;
  resolved?: string;
}
