// Progressive disclosure, tiers 2 and 3: the full SKILL.md with its metadata and the list of linked files, or one
// linked file. Lookups go through the index (never a path built from the name) and file paths stay in the folder.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SkillError } from './errors';
import type { EnvVarSpec, SkillFrontmatter } from './frontmatter';
import { missingEnvVars, type SkillLibrary, type LoadedSkill } from './library';
import { assertLookupName, checkRelativePath, confinedPath, SUPPORT_DIRS, type SupportDir } from './paths';
import { isBinary } from './text';
import { walkTree } from './tree';

/** Largest linked file returned whole (matches the write limit). */
export const MAX_LINKED_FILE_BYTES = 1024 * 1024;

export type LinkedFiles = Record<SupportDir, string[]>;

export interface SkillView {
  kind: 'skill';
  name: string;
  description: string;
  category: string | null;
  dir: string;
  path: string;
  /** Full SKILL.md text, frontmatter included, template variables expanded. */
  content: string;
  /** Markdown after the frontmatter, template variables expanded. */
  body: string;
  frontmatter: SkillFrontmatter;
  linkedFiles: LinkedFiles;
  requiredEnvironmentVariables: EnvVarSpec[];
  setupNeeded: boolean;
  missingEnv: string[];
  readOnly: boolean;
}

export interface SkillFileView {
  kind: 'file';
  name: string;
  filePath: string;
  path: string;
  size: number;
  binary: boolean;
  /** Absent for binary files. */
  content?: string;
}

export interface ViewOptions {
  env?: Record<string, string | undefined>;
  /** Substituted for `${HERMES_SESSION_ID}`; `${HERMES_SKILL_DIR}` always becomes the skill folder. */
  sessionId?: string;
}

export function expandTemplateVars(text: string, vars: { skillDir: string; sessionId?: string }): string {
  let out = text.split('${HERMES_SKILL_DIR}').join(vars.skillDir);
  if (vars.sessionId !== undefined) out = out.split('${HERMES_SESSION_ID}').join(vars.sessionId);
  return out;
}

export function listLinkedFiles(skillDir: string): LinkedFiles {
  const out = {} as LinkedFiles;
  for (const d of SUPPORT_DIRS) {
    out[d] = walkTree(join(skillDir, d), { limit: 500, skipDot: true })
      .filter((e) => e.kind !== 'other')
      .map((e) => `${d}/${e.rel}`);
  }
  return out;
}

export function requireSkill(lib: SkillLibrary, name: string): LoadedSkill {
  assertLookupName(name);
  const skill = lib.find(name);
  if (!skill) throw new SkillError('NotFound', `no skill named "${name}"; call skills_list to see the installed skills`);
  return skill;
}

/** `viewSkill(lib, name)` → the skill; `viewSkill(lib, name, 'references/api.md')` → that file. */
export function viewSkill(lib: SkillLibrary, name: string, filePath?: string, opts: ViewOptions = {}): SkillView | SkillFileView {
  const skill = requireSkill(lib, name);
  const vars = { skillDir: skill.dir, sessionId: opts.sessionId };
  if (filePath !== undefined && filePath !== '') return viewSkillFile(skill, filePath);
  const missingEnv = missingEnvVars(skill.frontmatter, opts.env ?? process.env);
  return {
    kind: 'skill',
    name: skill.name,
    description: skill.description,
    category: skill.category,
    dir: skill.dir,
    path: skill.file,
    content: expandTemplateVars(skill.text, vars),
    body: expandTemplateVars(skill.body, vars),
    frontmatter: skill.frontmatter,
    linkedFiles: listLinkedFiles(skill.dir),
    requiredEnvironmentVariables: skill.frontmatter.requiredEnvironmentVariables,
    setupNeeded: missingEnv.length > 0,
    missingEnv,
    readOnly: skill.readOnly,
  };
}

function viewSkillFile(skill: LoadedSkill, filePath: string): SkillFileView {
  const segs = checkRelativePath(filePath, { supportOnly: false });
  const abs = confinedPath(skill.dir, segs, { forWrite: false });
  const st = statSync(abs, { throwIfNoEntry: false });
  const rel = segs.join('/');
  if (!st?.isFile()) {
    const linked = Object.values(listLinkedFiles(skill.dir)).flat();
    throw new SkillError(
      'NotFound',
      `skill "${skill.name}" has no file ${rel}` + (linked.length ? `; linked files: ${linked.join(', ')}` : ''),
    );
  }
  if (st.size > MAX_LINKED_FILE_BYTES) {
    throw new SkillError('TooLarge', `${rel} is ${st.size} bytes; files over ${MAX_LINKED_FILE_BYTES} bytes are not returned`);
  }
  const buf = readFileSync(abs);
  const binary = isBinary(buf);
  return {
    kind: 'file',
    name: skill.name,
    filePath: rel,
    path: abs,
    size: st.size,
    binary,
    ...(binary ? {} : { content: buf.toString('utf8') }),
  };
}
