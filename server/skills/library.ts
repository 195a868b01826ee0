// The skills index over HERMES_HOME/skills (plus read-only external roots): discovers `[category/…]name/SKILL.md`,
// parses each once and keeps it until its mtime/size/inode change, so listing a thousand skills again costs a stat
// per skill. A broken SKILL.md becomes an entry in `errors` and never hides the others.
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseCategoryDescription, parseSkillMarkdown, type ParsedSkillFile, type SkillFrontmatter } from './frontmatter';
import { filterSkills, type HiddenSkill, type ListOptions } from './filter';

export const SKILL_FILE = 'SKILL.md';
export const CATEGORY_FILE = 'DESCRIPTION.md';
/** Largest SKILL.md the index reads (agent writes are capped lower, at 100,000 characters). */
export const MAX_SKILL_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 6;
/**
 * Timestamps within this window of the moment we looked may hide a later change made in the same clock tick
 * (the "racy git" problem), so such entries are re-checked by content rather than trusted by mtime.
 */
const RACY_MS = 2000;

export interface LoadedSkill {
  name: string;
  description: string;
  /** Folder path between the root and the skill folder (`devops/ci`), or null at the top level. */
  category: string | null;
  /** Absolute skill folder. */
  dir: string;
  /** Absolute SKILL.md path. */
  file: string;
  /** Skill folder relative to its root, '/'-separated. */
  relDir: string;
  root: string;
  /** Skills from external roots are listed and viewed but never written. */
  readOnly: boolean;
  frontmatter: SkillFrontmatter;
  body: string;
  /** Full SKILL.md text. */
  text: string;
}

export interface LoadError {
  /** Absolute path of the broken file. */
  path: string;
  /** `skills/x/SKILL.md:3: description: required` (one line per problem). */
  reason: string;
}

export interface CategoryInfo {
  name: string;
  description?: string;
  count: number;
}

export interface SkillSummary {
  name: string;
  description: string;
  category: string | null;
  relDir: string;
  path: string;
  tags: string[];
  version?: string;
  platforms: string[];
  readOnly: boolean;
  /** A required environment variable is missing from the env passed to list(). */
  setupNeeded: boolean;
  missingEnv: string[];
}

export interface SkillListing {
  skills: SkillSummary[];
  categories: CategoryInfo[];
  errors: LoadError[];
  /** Skills loaded after a repair (e.g. an over-long description cut to 1,024 characters). */
  warnings: LoadError[];
  /** Skills filtered out by platform, toolset/tool conditions or `disabled`, with the reason. */
  hidden: HiddenSkill[];
}

export interface ScanResult {
  skills: LoadedSkill[];
  errors: LoadError[];
  warnings: LoadError[];
  categoryDescriptions: Map<string, string>;
}

interface DirEntryCache {
  mtimeMs: number;
  ino: number;
  checkedAt: number;
  subdirs: string[];
  hasDescription: boolean;
}

interface FileCache {
  mtimeMs: number;
  size: number;
  ino: number;
  checkedAt: number;
  text: string;
  /** Parsed form: a ParsedSkillFile for SKILL.md, a description string for DESCRIPTION.md. */
  value?: unknown;
  error?: string;
}

export interface SkillLibraryOptions {
  /** Extra read-only roots (config `skills.external_dirs`); the main root wins on a name clash. */
  externalDirs?: string[];
}

export class SkillLibrary {
  readonly root: string;
  readonly externalDirs: string[];
  private dirCache = new Map<string, DirEntryCache>();
  private fileCache = new Map<string, FileCache>();

  constructor(root: string, opts: SkillLibraryOptions = {}) {
    this.root = resolve(root);
    this.externalDirs = (opts.externalDirs ?? []).map((d) => resolve(d)).filter((d) => d !== this.root);
  }

  /** Every parseable skill in every root, unfiltered, in a stable order (main root first, then path order). */
  scan(): ScanResult {
    const skills: LoadedSkill[] = [];
    const errors: LoadError[] = [];
    const warnings: LoadError[] = [];
    const categoryDescriptions = new Map<string, string>();
    const seen = new Map<string, LoadedSkill>();
    for (const root of [this.root, ...this.externalDirs]) {
      const readOnly = root !== this.root;
      const display = basename(root);
      const visit = (dir: string, rel: string[], depth: number): void => {
        if (rel.length > 0) {
          const file = join(dir, SKILL_FILE);
          const st = statSync(file, { throwIfNoEntry: false });
          if (st?.isFile()) {
            const loaded = this.loadSkill(file, st, `${display}/${rel.join('/')}/${SKILL_FILE}`);
            if ('error' in loaded) {
              errors.push({ path: file, reason: loaded.error });
              return;
            }
            for (const w of loaded.warnings) warnings.push({ path: file, reason: w });
            const first = seen.get(loaded.frontmatter.name);
            if (first) {
              errors.push({
                path: file,
                reason: `${display}/${rel.join('/')}/${SKILL_FILE}: name: duplicate skill name "${loaded.frontmatter.name}" (already defined by ${first.file}); skipped`,
              });
              return;
            }
            const skill: LoadedSkill = {
              name: loaded.frontmatter.name,
              description: loaded.frontmatter.description,
              category: rel.length > 1 ? rel.slice(0, -1).join('/') : null,
              dir,
              file,
              relDir: rel.join('/'),
              root,
              readOnly,
              frontmatter: loaded.frontmatter,
              body: loaded.body,
              text: loaded.text,
            };
            seen.set(skill.name, skill);
            skills.push(skill);
            return;
          }
        }
        if (depth > MAX_DEPTH) return;
        const entries = this.readDir(dir);
        if (!entries) return;
        if (rel.length > 0 && entries.hasDescription) {
          const cat = rel.join('/');
          const desc = this.loadCategoryDescription(join(dir, CATEGORY_FILE), `${display}/${cat}/${CATEGORY_FILE}`);
          if (desc.error) errors.push({ path: join(dir, CATEGORY_FILE), reason: desc.error });
          if (desc.description && !categoryDescriptions.has(cat)) categoryDescriptions.set(cat, desc.description);
        }
        for (const sub of entries.subdirs) visit(join(dir, sub), [...rel, sub], depth + 1);
      };
      visit(root, [], 0);
    }
    return { skills, errors, warnings, categoryDescriptions };
  }

  /** The listing a tool or the editor shows: filtered by platform, toolsets/tools and `disabled`. */
  list(opts: ListOptions = {}): SkillListing {
    const { skills, errors, warnings, categoryDescriptions } = this.scan();
    const { visible, hidden } = filterSkills(skills, opts);
    const env = opts.env ?? process.env;
    const counts = new Map<string, number>();
    const summaries: SkillSummary[] = visible.map((s) => {
      if (s.category) counts.set(s.category, (counts.get(s.category) ?? 0) + 1);
      const missingEnv = missingEnvVars(s.frontmatter, env);
      return {
        name: s.name,
        description: s.description,
        category: s.category,
        relDir: s.relDir,
        path: s.file,
        tags: s.frontmatter.tags,
        ...(s.frontmatter.version ? { version: s.frontmatter.version } : {}),
        platforms: s.frontmatter.platforms,
        readOnly: s.readOnly,
        setupNeeded: missingEnv.length > 0,
        missingEnv,
      };
    });
    summaries.sort((a, b) => (a.category ?? '').localeCompare(b.category ?? '') || a.name.localeCompare(b.name));
    const categories = [...counts.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, count]) => {
        const description = categoryDescriptions.get(name);
        return { name, count, ...(description ? { description } : {}) };
      });
    return { skills: summaries, categories, errors, warnings, hidden };
  }

  /** Finds a skill by frontmatter name, by `category/name` folder path, or by folder name; hidden ones included. */
  find(name: string): LoadedSkill | undefined {
    const { skills } = this.scan();
    return (
      skills.find((s) => s.name === name) ??
      skills.find((s) => s.relDir === name) ??
      skills.find((s) => basename(s.dir) === name)
    );
  }

  /** Drops cached entries (all, or those under `path`); mtime checks make this optional, it only saves a stat. */
  invalidate(path?: string): void {
    if (!path) {
      this.dirCache.clear();
      this.fileCache.clear();
      return;
    }
    const p = resolve(path);
    for (const m of [this.dirCache, this.fileCache] as Map<string, unknown>[]) {
      for (const k of m.keys()) if (k === p || k.startsWith(p + '/')) m.delete(k);
    }
  }

  private readDir(dir: string): DirEntryCache | undefined {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) {
      this.dirCache.delete(dir);
      return undefined;
    }
    const cached = this.dirCache.get(dir);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.ino === st.ino && cached.checkedAt - st.mtimeMs > RACY_MS) {
      return cached;
    }
    let subdirs: string[] = [];
    let hasDescription = false;
    try {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        // Dot folders hold hub state, archives and quarantine; symlinked folders are not followed (cycles, escapes).
        if (e.isDirectory() && !e.name.startsWith('.')) subdirs.push(e.name);
        else if (e.name === CATEGORY_FILE && e.isFile()) hasDescription = true;
      }
    } catch {
      subdirs = [];
    }
    subdirs.sort();
    const entry = { mtimeMs: st.mtimeMs, ino: st.ino, checkedAt: Date.now(), subdirs, hasDescription };
    this.dirCache.set(dir, entry);
    return entry;
  }

  private readCached(file: string, st: Stats, parse: (text: string) => Pick<FileCache, 'value' | 'error'>): FileCache {
    const cached = this.fileCache.get(file);
    const same = cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size && cached.ino === st.ino;
    if (same && cached.checkedAt - st.mtimeMs > RACY_MS) return cached;
    let text: string;
    try {
      if (st.size > MAX_SKILL_FILE_BYTES) throw new Error(`larger than ${MAX_SKILL_FILE_BYTES} bytes`);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const entry = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, checkedAt: Date.now(), text: '', error: String((e as Error).message) };
      this.fileCache.set(file, entry);
      return entry;
    }
    if (cached && cached.text === text) {
      cached.mtimeMs = st.mtimeMs;
      cached.size = st.size;
      cached.ino = st.ino;
      cached.checkedAt = Date.now();
      return cached;
    }
    const entry: FileCache = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, checkedAt: Date.now(), text, ...parse(text) };
    this.fileCache.set(file, entry);
    return entry;
  }

  private loadSkill(
    file: string,
    st: Stats,
    display: string,
  ): { error: string } | { frontmatter: SkillFrontmatter; body: string; text: string; warnings: string[] } {
    const c = this.readCached(file, st, (text) => {
      try {
        return { value: parseSkillMarkdown(text, display) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    const parsed = c.value as ParsedSkillFile | undefined;
    if (c.error || !parsed) {
      const reason = c.error ?? 'unreadable';
      return { error: reason.startsWith(display) ? reason : `${display}: ${reason}` };
    }
    return { frontmatter: parsed.frontmatter, body: parsed.body, text: c.text, warnings: parsed.warnings };
  }

  private loadCategoryDescription(file: string, display: string): { description?: string; error?: string } {
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) return {};
    const c = this.readCached(file, st, (text) => {
      const r = parseCategoryDescription(text, display);
      return r.error ? { error: r.error } : { value: r.description };
    });
    if (c.error) return { error: c.error };
    return { description: c.value as string | undefined };
  }
}

/** Required (non-optional) variables that are unset or empty in `env`. */
export function missingEnvVars(fm: SkillFrontmatter, env: Record<string, string | undefined>): string[] {
  return fm.requiredEnvironmentVariables.filter((v) => !v.optional && !env[v.name]).map((v) => v.name);
}
