// Name and path rules shared by view, manage, seeding and the hub. Everything a model or a downloaded archive
// names is checked here before it touches the disk.
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { SkillError } from './errors';

/** Names the agent (or the hub) may create; they become folder names. */
export const SKILL_NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_NAME_LENGTH = 64;
/** The only folders inside a skill that write_file / remove_file may touch (agentskills.io layout). */
export const SUPPORT_DIRS = ['references', 'templates', 'scripts', 'assets'] as const;
export type SupportDir = (typeof SUPPORT_DIRS)[number];

export function assertSkillName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new SkillError('InvalidName', 'skill name is required');
  if (name.length > MAX_NAME_LENGTH) {
    throw new SkillError('InvalidName', `skill name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  if (!SKILL_NAME_RE.test(name) || name.includes('..')) {
    throw new SkillError(
      'InvalidName',
      `invalid skill name "${name}": use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit`,
    );
  }
}

/** A category is a folder path of one to three name-like segments, e.g. `devops` or `software-development/python`. */
export function assertCategory(category: string): string[] {
  const segs = category.split('/').filter((s) => s !== '');
  if (segs.length === 0 || segs.length > 3) {
    throw new SkillError('InvalidName', `invalid category "${category}": use one to three folder names`);
  }
  for (const s of segs) {
    if (!SKILL_NAME_RE.test(s) || s.includes('..')) {
      throw new SkillError('InvalidName', `invalid category segment "${s}" in "${category}"`);
    }
  }
  return segs;
}

/** Lookup names may be a plain name or a `category/name` path; neither may climb out of the skills root. */
export function assertLookupName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') throw new SkillError('InvalidName', 'skill name is required');
  if (name.length > 256 || /[\0\\]/.test(name) || isAbsolute(name) || name.split('/').some((s) => s === '..' || s === '.')) {
    throw new SkillError('InvalidName', `invalid skill name "${name}"`);
  }
}

/**
 * Checks a path relative to a skill folder: relative, no `..`, no backslashes or NUL, and (when `supportOnly`)
 * inside one of SUPPORT_DIRS. Returns the normalised segments.
 */
export function checkRelativePath(filePath: unknown, opts: { supportOnly: boolean }): string[] {
  if (typeof filePath !== 'string' || filePath.trim() === '') throw new SkillError('InvalidPath', 'file_path is required');
  if (filePath.includes('\0') || filePath.includes('\\')) {
    throw new SkillError('InvalidPath', `invalid file_path "${filePath}": backslashes and NUL are not allowed`);
  }
  if (isAbsolute(filePath) || /^[A-Za-z]:/.test(filePath) || filePath.startsWith('~')) {
    throw new SkillError('InvalidPath', `invalid file_path "${filePath}": must be relative to the skill folder`);
  }
  const segs = filePath.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s === '..')) {
    throw new SkillError('InvalidPath', `invalid file_path "${filePath}": '..' is not allowed`);
  }
  if (segs.length === 0) throw new SkillError('InvalidPath', `invalid file_path "${filePath}"`);
  if (opts.supportOnly) {
    if (!(SUPPORT_DIRS as readonly string[]).includes(segs[0]) || segs.length < 2) {
      throw new SkillError(
        'InvalidPath',
        `file_path "${filePath}" must be inside one of ${SUPPORT_DIRS.map((d) => d + '/').join(', ')}`,
      );
    }
  }
  return segs;
}

export function isInside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves `segs` under `skillDir` and refuses when any existing component is a symlink that leads outside the
 * skill folder (or when the target itself is a symlink, for writes). Missing components are fine: they will be
 * created as plain folders.
 */
export function confinedPath(skillDir: string, segs: string[], opts: { forWrite: boolean }): string {
  const realBase = realpathSync(skillDir);
  let cur = skillDir;
  for (let i = 0; i < segs.length; i++) {
    cur = join(cur, segs[i]);
    const st = lstatSync(cur, { throwIfNoEntry: false });
    if (!st) break;
    if (st.isSymbolicLink()) {
      const last = i === segs.length - 1;
      if (opts.forWrite && last) {
        throw new SkillError('InvalidPath', `refusing to write through the symlink ${segs.slice(0, i + 1).join('/')}`);
      }
      let real: string;
      try {
        real = realpathSync(cur);
      } catch {
        throw new SkillError('InvalidPath', `broken symlink ${segs.slice(0, i + 1).join('/')}`);
      }
      if (!isInside(realBase, real)) {
        throw new SkillError('InvalidPath', `${segs.slice(0, i + 1).join('/')} is a symlink leading outside the skill folder`);
      }
    }
  }
  return join(skillDir, ...segs);
}
