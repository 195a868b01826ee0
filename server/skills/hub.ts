// The skills hub: install skills from git repositories, folders and tarballs through quarantine, scan and
// policy, and keep their provenance. Flow: fetch into a temp folder → copy to skills/.hub/quarantine/<name> →
// scan → decide by trust level → move into place (or leave quarantined) → lock.json + audit.log.
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative } from 'node:path';
// proper-lockfile patches fs through graceful-fs when loaded; load it on the first lock, not at host start.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lockFile: typeof import('proper-lockfile').lock = (...a) => (require('proper-lockfile') as typeof import('proper-lockfile')).lock(...a);
import { SkillError } from './errors';
import { parseSkillMarkdown, type SkillFrontmatter } from './frontmatter';
import { fetchSource, type Fetched } from './hub/fetch';
import { appendAudit, readLock, writeLock, type AuditAction, type LockEntry } from './hub/lock';
import { DEFAULT_TRUSTED_SOURCES, decide, trustOf, type TrustLevel } from './hub/policy';
import { parseSource, withoutCredentials, type SourceSpec } from './hub/source';
import type { AuditEntry, HubListEntry, InstallOptions, InstallResult, SkillInspection, UpdateResult } from './hub/types';
import { CATEGORY_FILE, SKILL_FILE, SkillLibrary } from './library';
import { assertCategory, MAX_NAME_LENGTH, SKILL_NAME_RE } from './paths';
import { scanSkillDir, type ScanReport } from './scanner';
import { hermesContentHash, hermesFileList } from './hermes-hash';
import { hubEntryModified, isHermesOfficial, ProvenanceIndex } from './provenance';
import { copyTree, hashTree, walkTree } from './tree';

export { DEFAULT_TRUSTED_SOURCES, type TrustLevel, type PolicyDecision } from './hub/policy';
export { parseSource, type SourceSpec } from './hub/source';
export type { LockEntry, HubLock, AuditRecord } from './hub/lock';
export type { SkillInspection, InstallOptions, InstallResult, HubListEntry, AuditEntry, UpdateResult } from './hub/types';

export interface SkillHubOptions {
  /** HERMES_HOME/skills. */
  skillsDir: string;
  /** The repo's bundled `skills/` folder; local sources inside it are `builtin`. */
  bundledDir?: string;
  /** `owner/repo`, git URLs or folders; defaults to DEFAULT_TRUSTED_SOURCES. */
  trustedSources?: string[];
  library?: SkillLibrary;
  git?: string;
  timeoutMs?: number;
  tmpDir?: string;
}

interface Prepared {
  spec: SourceSpec;
  fetched: Fetched;
  frontmatter: SkillFrontmatter;
  name: string;
  warnings: string[];
}

export class SkillHub {
  readonly skillsDir: string;
  readonly hubDir: string;
  readonly lockPath: string;
  readonly auditPath: string;
  readonly quarantineDir: string;
  readonly library: SkillLibrary;
  private readonly trustedSources: string[];

  constructor(private readonly opts: SkillHubOptions) {
    this.skillsDir = opts.skillsDir;
    this.hubDir = join(opts.skillsDir, '.hub');
    this.lockPath = join(this.hubDir, 'lock.json');
    this.auditPath = join(this.hubDir, 'audit.log');
    this.quarantineDir = join(this.hubDir, 'quarantine');
    this.library = opts.library ?? new SkillLibrary(opts.skillsDir);
    this.trustedSources = opts.trustedSources ?? DEFAULT_TRUSTED_SOURCES;
  }

  /** Fetches and scans a source without installing it (recorded in the audit log). */
  async inspect(source: string): Promise<SkillInspection> {
    const prep = await this.prepare(parseSource(source));
    try {
      const inspection = this.describe(prep, prep.fetched.skillDir, scanSkillDir(prep.fetched.skillDir), undefined, false);
      this.audit_('inspect', inspection, inspection.decision.action);
      return inspection;
    } finally {
      prep.fetched.cleanup();
    }
  }

  async install(source: string, opts: InstallOptions = {}): Promise<InstallResult> {
    const spec = parseSource(source);
    const prep = await this.prepare(spec);
    try {
      return await this.withLock(() => this.installPrepared(prep, opts, 'install'));
    } finally {
      prep.fetched.cleanup();
    }
  }

  /** Hub-installed and quarantined skills with their provenance. */
  list(_opts: { source?: 'hub' } = {}): HubListEntry[] {
    const lock = readLock(this.lockPath);
    const out: HubListEntry[] = [];
    for (const [status, map] of [['installed', lock.installed], ['quarantined', lock.quarantined]] as const) {
      for (const e of Object.values(map)) {
        const dir = join(this.skillsDir, e.path);
        const present = existsSync(join(dir, SKILL_FILE));
        const { hermesRaw, ...rest } = e;
        out.push({
          ...rest,
          ...(isHermesOfficial(e) ? { trust: 'builtin' as const } : {}),
          installedBy: hermesRaw && !e.contentHash ? 'hermes' : 'hermes-host',
          status,
          present,
          modified: present && hubEntryModified(this.skillsDir, e),
        });
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Removes a hub-installed (or quarantined) skill — ours or one the Hermes agent installed — and forgets it.
   * `removed` lists the folders actually deleted; an entry whose folder is already gone is only forgotten. A lock
   * path that is absolute, climbs out of the skills folder, passes through a symlink or does not end in the skill's
   * name is refused (a poisoned lock entry must not turn uninstall into `rm -rf` elsewhere).
   */
  async uninstall(name: string): Promise<{ name: string; removed: string[]; forgotten: string[] }> {
    return this.withLock(() => {
      const lock = readLock(this.lockPath);
      const entry = lock.installed[name] ?? lock.quarantined[name];
      if (!entry) throw new SkillError('NotFound', `"${name}" was not installed from the hub (delete local skills with skill_manage delete)`);
      const targets: string[] = [];
      for (const e of [lock.installed[name], lock.quarantined[name]]) if (e) targets.push(this.lockedDir(name, e.path));
      const removed: string[] = [];
      const forgotten: string[] = [];
      for (const dir of targets) {
        if (existsSync(dir)) {
          rmSync(dir, { recursive: true, force: true });
          if (existsSync(dir)) throw new SkillError('InvalidPath', `could not remove ${dir}`);
          removed.push(dir);
        } else forgotten.push(dir);
      }
      delete lock.installed[name];
      delete lock.quarantined[name];
      writeLock(this.lockPath, lock);
      this.library.invalidate();
      appendAudit(this.auditPath, {
        time: new Date().toISOString(),
        action: 'uninstall',
        name,
        source: entry.source,
        resolved: entry.resolved,
        trust: entry.trust,
        contentHash: entry.contentHash || entry.hermesHash,
      });
      return { name, removed, forgotten };
    });
  }

  /** The folder a lock entry names, checked to be a real folder inside the skills tree ending in the skill's name. */
  private lockedDir(name: string, rel: string): string {
    const segs = rel.split('/').filter((x) => x && x !== '.');
    const bad = !rel || rel.startsWith('/') || segs.includes('..') || segs[segs.length - 1] !== name;
    if (bad) throw new SkillError('InvalidPath', `refusing to uninstall "${name}": lock.json install path "${rel}" is not a folder named "${name}" inside ${this.skillsDir}`);
    let cur = this.skillsDir;
    for (const seg of segs) {
      cur = join(cur, seg);
      if (lstatSync(cur, { throwIfNoEntry: false })?.isSymbolicLink()) {
        throw new SkillError('InvalidPath', `refusing to uninstall "${name}": ${cur} is a symlink`);
      }
    }
    return cur;
  }

  /** Re-scans every installed skill (hub, bundled and local), with its category's DESCRIPTION.md. */
  async audit(): Promise<AuditEntry[]> {
    return this.withLock(() => {
      const lock = readLock(this.lockPath);
      const prov = new ProvenanceIndex(this.skillsDir, lock);
      const now = new Date().toISOString();
      const out: AuditEntry[] = [];
      for (const s of this.library.scan().skills.filter((x) => x.root === this.library.root)) {
        const extra = [];
        if (s.category) {
          const desc = join(this.skillsDir, s.category, CATEGORY_FILE);
          if (existsSync(desc)) extra.push({ path: `../${CATEGORY_FILE}`, content: readFileSync(desc) });
        }
        const report = scanSkillDir(s.dir, { extraFiles: extra });
        const p = prov.of(s.name, s.dir);
        const hub = p.hub;
        const provenance = p.kind;
        const trust = p.trust;
        out.push({ name: s.name, relDir: s.relDir, provenance, ...(trust ? { trust } : {}), ...(p.by ? { recordedBy: p.by } : {}), verdict: report.verdict, counts: report.counts, report });
        if (hub) Object.assign(hub, { verdict: report.verdict, counts: report.counts, lastAuditAt: now });
        if (hub || report.verdict !== 'safe') {
          appendAudit(this.auditPath, {
            time: now,
            action: 'audit',
            name: s.name,
            ...(hub ? { source: hub.source, resolved: hub.resolved } : {}),
            ...(trust ? { trust } : {}),
            contentHash: hub && !hub.contentHash ? hermesContentHash(s.dir) : hashTree(s.dir),
            verdict: report.verdict,
            counts: report.counts,
            findings: report.findings.slice(0, 30).map((f) => f.id),
          });
        }
      }
      writeLock(this.lockPath, lock);
      return out;
    });
  }

  /** Fetches hub skills again and reinstalls the ones that changed, through the same scan and policy. */
  async update(name?: string, opts: { force?: boolean } = {}): Promise<UpdateResult[]> {
    const lock = readLock(this.lockPath);
    const names = name ? [name] : Object.keys(lock.installed).sort();
    if (name && !lock.installed[name]) throw new SkillError('NotFound', `"${name}" was not installed from the hub`);
    const results: UpdateResult[] = [];
    for (const n of names) {
      const entry = lock.installed[n];
      const dir = join(this.skillsDir, entry.path);
      if (!existsSync(join(dir, SKILL_FILE))) {
        results.push({ name: n, status: 'skipped', reason: 'missing on disk; uninstall to forget it' });
        continue;
      }
      if (entry.notUpdatable) {
        results.push({ name: n, status: 'skipped', reason: entry.notUpdatable });
        continue;
      }
      if (hubEntryModified(this.skillsDir, entry) && !opts.force) {
        results.push({ name: n, status: 'skipped', reason: 'modified locally; use force to overwrite' });
        continue;
      }
      try {
        const spec: SourceSpec = {
          kind: entry.kind,
          location: entry.location,
          canonical: entry.canonical,
          input: entry.source,
          ...(entry.subpath ? { subpath: entry.subpath } : {}),
          ...(entry.ref ? { ref: entry.ref } : {}),
        };
        const prep = await this.prepare(spec);
        // The lock's key is the name it was installed under (Hermes uses the folder name); keep it.
        prep.name = n;
        try {
          const same = entry.contentHash ? hashTree(prep.fetched.skillDir) === entry.contentHash : hermesContentHash(prep.fetched.skillDir) === entry.hermesHash;
          if (same) {
            results.push({ name: n, status: 'unchanged', resolved: prep.fetched.resolved });
            continue;
          }
          const r = await this.withLock(() =>
            this.installPrepared(prep, { force: opts.force, ...(entry.trustOverride ? { trust: entry.trust } : {}) }, 'update'),
          );
          results.push({ name: n, status: r.status === 'installed' ? 'updated' : 'quarantined', reason: r.decision.reason, resolved: r.resolved });
        } finally {
          prep.fetched.cleanup();
        }
      } catch (e) {
        results.push({ name: n, status: 'failed', reason: (e as Error).message });
      }
    }
    return results;
  }

  private async prepare(spec: SourceSpec): Promise<Prepared> {
    const fetched = await fetchSource(spec, { git: this.opts.git, timeoutMs: this.opts.timeoutMs, tmpDir: this.opts.tmpDir });
    try {
      const text = readFileSync(join(fetched.skillDir, SKILL_FILE), 'utf8');
      const rel = relative(fetched.root, fetched.skillDir);
      const { frontmatter, warnings } = parseSkillMarkdown(text, [spec.canonical, rel, SKILL_FILE].filter(Boolean).join('/'));
      const folder = rel ? basename(rel) : basename(spec.subpath ?? spec.location).replace(/\.(?:git|tar\.gz|tgz|tar)$/i, '');
      const name = [frontmatter.name, folder].find((n) => SKILL_NAME_RE.test(n) && n.length <= MAX_NAME_LENGTH && !n.includes('..'));
      if (!name) {
        throw new SkillError('InvalidName', `skill name "${frontmatter.name}" is not usable as a folder name (lowercase letters, digits, '.', '_', '-')`);
      }
      return { spec, fetched, frontmatter, name, warnings };
    } catch (e) {
      fetched.cleanup();
      throw e;
    }
  }

  private describe(prep: Prepared, dir: string, report: ScanReport, trustOverride: TrustLevel | undefined, force: boolean): SkillInspection {
    const trust = trustOverride ?? trustOf(prep.spec, { trustedSources: this.trustedSources, bundledDir: this.opts.bundledDir });
    const { spec, frontmatter } = prep;
    return {
      name: prep.name,
      description: frontmatter.description,
      ...(frontmatter.version ? { version: frontmatter.version } : {}),
      source: { input: withoutCredentials(spec.input), kind: spec.kind, canonical: spec.canonical, ...(spec.subpath ? { subpath: spec.subpath } : {}), ...(spec.ref ? { ref: spec.ref } : {}) },
      resolved: prep.fetched.resolved,
      trust,
      contentHash: hashTree(dir),
      files: walkTree(dir).map((e) => e.rel),
      warnings: prep.warnings,
      report,
      decision: decide(trust, report.verdict, force),
    };
  }

  private installPrepared(prep: Prepared, opts: InstallOptions, action: AuditAction): InstallResult {
    const { name } = prep;
    const lock = readLock(this.lockPath);
    const previous = lock.installed[name];
    if (previous && previous.canonical !== prep.spec.canonical && !opts.force) {
      throw new SkillError('Exists', `"${name}" is already installed from ${previous.source}; uninstall it first or use force`);
    }
    const local = this.library.find(name);
    if (!previous && local && local.name === name) {
      throw new SkillError('Exists', `a skill named "${name}" already exists at ${local.relDir} (not from the hub); delete it first`);
    }
    const quarantine = join(this.quarantineDir, name);
    rmSync(quarantine, { recursive: true, force: true });
    copyTree(prep.fetched.skillDir, quarantine);
    const report = scanSkillDir(quarantine);
    const inspection = this.describe(prep, quarantine, report, opts.trust, !!opts.force);
    const now = new Date().toISOString();
    const entry: LockEntry = {
      name,
      source: withoutCredentials(prep.spec.input),
      kind: prep.spec.kind,
      location: withoutCredentials(prep.spec.location),
      canonical: prep.spec.canonical,
      ...(prep.spec.subpath ? { subpath: prep.spec.subpath } : {}),
      ...(prep.spec.ref ? { ref: prep.spec.ref } : {}),
      resolved: inspection.resolved,
      trust: inspection.trust,
      ...(opts.trust ? { trustOverride: true } : {}),
      contentHash: inspection.contentHash,
      hermesHash: hermesContentHash(quarantine),
      files: hermesFileList(quarantine),
      verdict: report.verdict,
      counts: report.counts,
      path: relative(this.skillsDir, quarantine),
      ...(previous?.hermesRaw ? { hermesRaw: previous.hermesRaw } : {}),
      ...(opts.force ? { forced: true } : {}),
      installedAt: previous?.installedAt ?? now,
      updatedAt: now,
    };
    if (inspection.decision.action === 'quarantine') {
      lock.quarantined[name] = { ...entry, reason: inspection.decision.reason };
      writeLock(this.lockPath, lock);
      this.audit_('quarantine', inspection, 'quarantine', inspection.decision.reason);
      return { ...inspection, status: 'quarantined', path: quarantine, replaced: false };
    }
    const target = previous ? join(this.skillsDir, previous.path) : this.targetDir(name, prep.frontmatter, opts.category);
    const replaced = existsSync(target);
    if (replaced && !previous) throw new SkillError('Exists', `${relative(this.skillsDir, target)} already exists`);
    mkdirSync(dirname(target), { recursive: true });
    if (replaced) {
      const trash = join(this.hubDir, `trash-${randomBytes(4).toString('hex')}`);
      renameSync(target, trash);
      renameSync(quarantine, target);
      rmSync(trash, { recursive: true, force: true });
    } else renameSync(quarantine, target);
    lock.installed[name] = { ...entry, path: relative(this.skillsDir, target) };
    delete lock.quarantined[name];
    writeLock(this.lockPath, lock);
    this.library.invalidate();
    this.audit_(action, inspection, 'install', inspection.decision.reason);
    return { ...inspection, status: 'installed', path: target, replaced };
  }

  private targetDir(name: string, fm: SkillFrontmatter, category?: string): string {
    let segs: string[] = [];
    if (category) segs = assertCategory(category);
    else if (fm.category) {
      try {
        segs = assertCategory(fm.category);
      } catch {
        segs = [];
      }
    }
    return join(this.skillsDir, ...segs, name);
  }

  private audit_(action: AuditAction, i: SkillInspection, decision: string, reason?: string): void {
    appendAudit(this.auditPath, {
      time: new Date().toISOString(),
      action,
      name: i.name,
      source: i.source.input,
      resolved: i.resolved,
      trust: i.trust,
      contentHash: i.contentHash,
      verdict: i.report.verdict,
      counts: i.report.counts,
      findings: i.report.findings.slice(0, 30).map((f) => f.id),
      decision,
      ...(reason ? { reason } : {}),
    });
  }

  private async withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    mkdirSync(this.hubDir, { recursive: true });
    const release = await lockFile(this.lockPath, { realpath: false, stale: 60_000, retries: { retries: 100, minTimeout: 50, maxTimeout: 500 } });
    try {
      return await fn();
    } finally {
      await release();
    }
  }
}
