// Where an installed skill came from, for audit and listings: the hub (our lock entries and the Hermes agent's,
// in one lock.json), a bundled skill (ours, recorded in `.hermes-host-manifest`, or Hermes's, recorded in its
// `.bundled_manifest`) still as it was shipped, or local (written or edited by the user or the agent).
// Bundled skills are builtin-trusted only while their content matches the hash their manifest recorded: an edited
// copy is the user's own and is judged like any local skill.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hermesContentHash, hermesManifestHash } from './hermes-hash';
import { HERMES_REPO } from './hub/lock-format';
import type { HubLock, LockEntry } from './hub/lock';
import type { TrustLevel } from './hub/policy';
import { BUNDLED_MANIFEST, HOST_MANIFEST, readManifest } from './seed';
import { hashTree } from './tree';

export type ProvenanceKind = 'hub' | 'bundled' | 'local';

export interface Provenance {
  kind: ProvenanceKind;
  trust?: TrustLevel;
  /** Who recorded it: this host or the Hermes agent. */
  by?: 'hermes-host' | 'hermes';
  hub?: LockEntry;
}

const HERMES_CANONICAL = `github.com/${HERMES_REPO.toLowerCase()}`;

/** Hermes's own skills (its repository, `official/…`) are builtin wherever they were installed from. */
export function isHermesOfficial(e: Pick<LockEntry, 'canonical' | 'hermesRaw'>): boolean {
  return e.canonical === HERMES_CANONICAL || e.canonical.startsWith(HERMES_CANONICAL + '/') || e.hermesRaw?.source === 'official';
}

/** The installed folder no longer matches what the lock recorded. */
export function hubEntryModified(skillsDir: string, e: LockEntry): boolean {
  const dir = join(skillsDir, e.path);
  if (e.contentHash) return hashTree(dir) !== e.contentHash;
  if (e.hermesHash) return hermesContentHash(dir) !== e.hermesHash;
  return false;
}

export class ProvenanceIndex {
  private readonly ours: Map<string, string | null>;
  private readonly hermes: Map<string, string | null>;

  constructor(
    private readonly skillsDir: string,
    private readonly lock: HubLock,
  ) {
    this.ours = readManifest(skillsDir, HOST_MANIFEST);
    this.hermes = readManifest(skillsDir, BUNDLED_MANIFEST);
  }

  /** `verify: false` trusts manifest membership without hashing the folder (for listings, not for audit). */
  of(name: string, dir: string, opts: { verify?: boolean } = {}): Provenance {
    const verify = opts.verify ?? true;
    const hub = this.lock.installed[name];
    if (hub && existsSync(join(this.skillsDir, hub.path))) {
      const trust: TrustLevel = isHermesOfficial(hub) ? 'builtin' : hub.trust;
      return { kind: 'hub', trust, by: hub.hermesRaw && !hub.contentHash ? 'hermes' : 'hermes-host', hub };
    }
    const mine = this.ours.get(name);
    if (mine !== undefined && (mine === null || !verify || hashTree(dir) === mine)) return { kind: 'bundled', trust: 'builtin', by: 'hermes-host' };
    const theirs = this.hermes.get(name);
    if (theirs !== undefined && (!theirs || !verify || hermesManifestHash(dir) === theirs)) return { kind: 'bundled', trust: 'builtin', by: 'hermes' };
    return { kind: 'local' };
  }
}
