// Seeds the skills bundled with hermes-host into HERMES_HOME/skills. A manifest of our own (`.hermes-host-manifest`,
// one `name:hash` line per skill, hash = the bundled version last copied) tells a user's edits from our updates:
// new bundled skills are added, unmodified copies follow the bundle, edited copies are left alone, a skill the
// user deleted is not brought back, and skills dropped from the bundle leave the manifest (their files stay).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { CATEGORY_FILE, SkillLibrary, type LoadError } from './library';
import { copyTree, hashTree } from './tree';

/** Our manifest. Hermes keeps `.bundled_manifest` for its own bundled skills; we read it, never write it. */
export const HOST_MANIFEST = '.hermes-host-manifest';
/** The Hermes agent's manifest of its bundled skills (`name:md5` lines, see hermesDirHash). */
export const BUNDLED_MANIFEST = '.bundled_manifest';
/** A file of this name in HERMES_HOME switches seeding off. */
export const NO_BUNDLED_MARKER = '.no-bundled-skills';

export interface SeedOptions {
  /** The repo's `skills/` folder. */
  bundledDir: string;
  /** HERMES_HOME/skills. */
  skillsDir: string;
  /** When given, a `.no-bundled-skills` file there disables seeding. */
  hermesHome?: string;
}

export interface SeedResult {
  disabled: boolean;
  added: string[];
  updated: string[];
  unchanged: string[];
  /** The user changed their copy; it was not touched. */
  keptUserEdits: string[];
  /** In the manifest but gone from HERMES_HOME: the user deleted it. */
  skippedDeleted: string[];
  /** The user already had a skill of that name that did not come from the bundle. */
  skippedExisting: string[];
  /** No longer bundled; dropped from the manifest, files left in place. */
  removedFromManifest: string[];
  errors: LoadError[];
}

/** name → origin hash (null for v1 manifests that listed names only); `file` defaults to our own manifest. */
export function readManifest(skillsDir: string, file: string = HOST_MANIFEST): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let text = '';
  try {
    text = readFileSync(join(skillsDir, file), 'utf8');
  } catch {
    return out;
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1) || null);
    else out.set(line, null);
  }
  return out;
}

function writeManifest(skillsDir: string, manifest: Map<string, string | null>): void {
  const lines = [...manifest.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([n, h]) => (h ? `${n}:${h}` : n));
  const text = lines.join('\n') + (lines.length ? '\n' : '');
  const file = join(skillsDir, HOST_MANIFEST);
  // Seeding runs at every start; an unchanged manifest is not rewritten (an fsync'd write costs milliseconds).
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {}
  writeFileAtomic(file, text);
}

/** Puts a copy of `src` at `dst`, swapping folders so a crash leaves either the old or the new copy. */
function replaceTree(src: string, dst: string): void {
  const parent = dirname(dst);
  mkdirSync(parent, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const fresh = join(parent, `.${basename(dst)}.seed-new-${tag}`);
  const old = join(parent, `.${basename(dst)}.seed-old-${tag}`);
  copyTree(src, fresh);
  const had = existsSync(dst);
  if (had) renameSync(dst, old);
  renameSync(fresh, dst);
  if (had) rmSync(old, { recursive: true, force: true });
}

export function seedBundledSkills(opts: SeedOptions): SeedResult {
  const result: SeedResult = {
    disabled: false,
    added: [],
    updated: [],
    unchanged: [],
    keptUserEdits: [],
    skippedDeleted: [],
    skippedExisting: [],
    removedFromManifest: [],
    errors: [],
  };
  if (opts.hermesHome && existsSync(join(opts.hermesHome, NO_BUNDLED_MARKER))) {
    result.disabled = true;
    return result;
  }
  mkdirSync(opts.skillsDir, { recursive: true });
  const bundled = new SkillLibrary(opts.bundledDir).scan();
  result.errors.push(...bundled.errors);
  const userSkills = new SkillLibrary(opts.skillsDir).scan().skills;
  const manifest = initialManifest(opts.skillsDir, bundled.skills.map((s) => s.name));
  const bundledNames = new Set<string>();

  for (const b of bundled.skills) {
    bundledNames.add(b.name);
    const bundledHash = hashTree(b.dir);
    // The user may have moved the skill to another category; follow it by name.
    let userDir = join(opts.skillsDir, b.relDir);
    if (!existsSync(join(userDir, 'SKILL.md'))) {
      const moved = userSkills.find((s) => s.name === b.name);
      if (moved) userDir = moved.dir;
    }
    const present = existsSync(join(userDir, 'SKILL.md'));
    if (!manifest.has(b.name)) {
      manifest.set(b.name, bundledHash);
      if (!present) {
        replaceTree(b.dir, userDir);
        result.added.push(b.name);
      } else if (hashTree(userDir) === bundledHash) result.unchanged.push(b.name);
      else result.skippedExisting.push(b.name);
      continue;
    }
    if (!present) {
      result.skippedDeleted.push(b.name);
      continue;
    }
    const userHash = hashTree(userDir);
    // v1 manifests carry no hash: assume the copy on disk is the one we installed.
    const origin = manifest.get(b.name) ?? userHash;
    if (userHash === bundledHash) {
      manifest.set(b.name, bundledHash);
      result.unchanged.push(b.name);
    } else if (userHash === origin) {
      replaceTree(b.dir, userDir);
      manifest.set(b.name, bundledHash);
      result.updated.push(b.name);
    } else {
      manifest.set(b.name, origin);
      result.keptUserEdits.push(b.name);
    }
  }
  for (const name of [...manifest.keys()]) {
    if (!bundledNames.has(name)) {
      manifest.delete(name);
      result.removedFromManifest.push(name);
    }
  }
  copyCategoryDescriptions(bundled.skills.map((s) => s.category).filter((c): c is string => !!c), opts);
  writeManifest(opts.skillsDir, manifest);
  return result;
}

/**
 * Our manifest, or — on the first start after upgrading from a version that kept its entries in Hermes's
 * `.bundled_manifest` — the entries there that are ours (one of our skill names with our sha256 hash form, which
 * Hermes's md5 entries never have), so a skill the user deleted stays deleted. That file itself is left alone.
 */
function initialManifest(skillsDir: string, ourNames: string[]): Map<string, string | null> {
  if (existsSync(join(skillsDir, HOST_MANIFEST))) return readManifest(skillsDir);
  const legacy = readManifest(skillsDir, BUNDLED_MANIFEST);
  const out = new Map<string, string | null>();
  for (const name of ourNames) {
    const h = legacy.get(name);
    if (h && /^[0-9a-f]{64}$/.test(h)) out.set(name, h);
  }
  return out;
}

/** Category DESCRIPTION.md files are copied when the user has none; an existing one is never replaced. */
function copyCategoryDescriptions(categories: string[], opts: SeedOptions): void {
  for (const cat of new Set(categories)) {
    const segs = cat.split('/');
    for (let i = 1; i <= segs.length; i++) {
      const rel = segs.slice(0, i).join('/');
      const src = join(opts.bundledDir, rel, CATEGORY_FILE);
      const dst = join(opts.skillsDir, rel, CATEGORY_FILE);
      if (existsSync(src) && !existsSync(dst) && existsSync(dirname(dst))) copyFileSync(src, dst);
    }
  }
}
