// skill_manage: the agent writes down what it learned. Every change is validated (names, paths, sizes,
// frontmatter), scanned, and written atomically; a change that fails any check leaves the files as they were.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { SkillError } from './errors';
import { parseSkillMarkdown } from './frontmatter';
import { SKILL_FILE, type LoadedSkill, type SkillLibrary } from './library';
import { replaceOnce } from './patch-match';
import { assertCategory, assertSkillName, checkRelativePath, confinedPath, isInside } from './paths';
import { scanSkillDir, scanFiles, formatFindings, type ScanFinding, type ScanReport } from './scanner';
import { requireSkill } from './view';

export const MAX_SKILL_MD_CHARS = 100_000;
export const MAX_SUPPORT_FILE_BYTES = 1024 * 1024;

export interface ManageContext {
  library: SkillLibrary;
  /**
   * Scan the resulting skill and refuse the change when anything critical is found (config
   * `skills.guard_agent_created`, default on). High and medium findings are returned as warnings.
   */
  scan?: boolean;
}

export type ManageAction = 'create' | 'patch' | 'edit' | 'delete' | 'write_file' | 'remove_file';

export interface ManageResult {
  action: ManageAction;
  name: string;
  /** The file or folder that changed. */
  path: string;
  message: string;
  /** Non-blocking scanner findings (high and below) in the resulting skill. */
  warnings: ScanFinding[];
}

function displayPath(lib: SkillLibrary, file: string): string {
  return `skills/${relative(lib.root, file).split('\\').join('/')}`;
}

function writable(ctx: ManageContext, name: string): LoadedSkill {
  const skill = requireSkill(ctx.library, name);
  if (skill.readOnly) throw new SkillError('ReadOnly', `skill "${skill.name}" comes from a read-only external folder (${skill.root})`);
  return skill;
}

/** Scans the skill as it will be after the change; refuses on critical findings, returns high/medium ones as warnings. */
function guard(ctx: ManageContext, report: () => ScanReport): ScanFinding[] {
  if (ctx.scan === false) return [];
  const r = report();
  if (r.verdict === 'dangerous') {
    const critical = r.findings.filter((f) => f.severity === 'critical');
    throw new SkillError('Blocked', `change refused by the skill security scan:\n${formatFindings(critical)}`, r.findings);
  }
  return r.findings.filter((f) => f.severity === 'high' || f.severity === 'medium');
}

/** Validates a full SKILL.md for skill `name`; returns nothing, throws with file/line/key on any problem. */
function validateSkillMd(content: unknown, name: string, display: string): string {
  if (typeof content !== 'string' || content.trim() === '') throw new SkillError('InvalidArgument', 'content is required: the full SKILL.md with frontmatter');
  if (content.length > MAX_SKILL_MD_CHARS) {
    throw new SkillError('TooLarge', `SKILL.md is ${content.length} characters; the limit is ${MAX_SKILL_MD_CHARS} (move details into references/)`);
  }
  const { frontmatter, warnings } = parseSkillMarkdown(content, display);
  // Skills the agent writes are held to the limit (as Hermes's skill_manage does); only found skills are repaired.
  if (warnings.length) throw new SkillError('InvalidFrontmatter', warnings.join('; ').replace('; truncated to', '; the limit is'));
  if (frontmatter.name !== name) {
    throw new SkillError(
      'InvalidFrontmatter',
      `${display}:2: name: is "${frontmatter.name}" but the skill is "${name}" (renaming is not supported; create a new skill and delete this one)`,
    );
  }
  return content;
}

export function createSkill(ctx: ManageContext, args: { name: string; content: string; category?: string }): ManageResult {
  assertSkillName(args.name);
  const segs = args.category ? assertCategory(args.category) : [];
  const dir = join(ctx.library.root, ...segs, args.name);
  const file = join(dir, SKILL_FILE);
  const content = validateSkillMd(args.content, args.name, displayPath(ctx.library, file));
  const existing = ctx.library.find(args.name);
  if (existing && existing.name === args.name) {
    throw new SkillError('Exists', `a skill named "${args.name}" already exists at ${existing.relDir}; use patch or edit to change it`);
  }
  if (existsSync(dir)) throw new SkillError('Exists', `${displayPath(ctx.library, dir)} already exists`);
  const warnings = guard(ctx, () => scanFiles([{ path: SKILL_FILE, content }]));
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(file, content);
  ctx.library.invalidate(dir);
  return { action: 'create', name: args.name, path: file, message: `created skill "${args.name}" at ${displayPath(ctx.library, dir)}`, warnings };
}

export function editSkill(ctx: ManageContext, args: { name: string; content: string }): ManageResult {
  const skill = writable(ctx, args.name);
  const content = validateSkillMd(args.content, skill.name, displayPath(ctx.library, skill.file));
  const warnings = guard(ctx, () => scanSkillDir(skill.dir, { overrides: { [SKILL_FILE]: content } }));
  writeFileAtomic(skill.file, content);
  ctx.library.invalidate(skill.dir);
  return { action: 'edit', name: skill.name, path: skill.file, message: `rewrote SKILL.md of "${skill.name}"`, warnings };
}

export function patchSkill(
  ctx: ManageContext,
  args: { name: string; oldString: string; newString: string; filePath?: string; replaceAll?: boolean },
): ManageResult {
  const skill = writable(ctx, args.name);
  const isSkillMd = !args.filePath || args.filePath === SKILL_FILE;
  const segs = isSkillMd ? [SKILL_FILE] : checkRelativePath(args.filePath, { supportOnly: true });
  const abs = confinedPath(skill.dir, segs, { forWrite: true });
  const rel = segs.join('/');
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new SkillError('NotFound', `skill "${skill.name}" has no file ${rel}`);
  if (st.size > MAX_SUPPORT_FILE_BYTES) throw new SkillError('TooLarge', `${rel} is larger than ${MAX_SUPPORT_FILE_BYTES} bytes`);
  const before = readFileSync(abs, 'utf8');
  const { text, count, mode } = replaceOnce(before, args.oldString, args.newString, { replaceAll: args.replaceAll, file: rel });
  if (isSkillMd) validateSkillMd(text, skill.name, displayPath(ctx.library, abs));
  else if (Buffer.byteLength(text) > MAX_SUPPORT_FILE_BYTES) throw new SkillError('TooLarge', `${rel} would exceed ${MAX_SUPPORT_FILE_BYTES} bytes`);
  const warnings = guard(ctx, () => scanSkillDir(skill.dir, { overrides: { [rel]: text } }));
  writeFileAtomic(abs, text, { mode: st.mode & 0o777 });
  ctx.library.invalidate(skill.dir);
  const how = mode === 'whitespace' ? ' (matched ignoring whitespace differences)' : '';
  return { action: 'patch', name: skill.name, path: abs, message: `patched ${rel} of "${skill.name}": ${count} replacement${count === 1 ? '' : 's'}${how}`, warnings };
}

export function deleteSkill(ctx: ManageContext, args: { name: string }): ManageResult {
  const skill = writable(ctx, args.name);
  if (!isInside(ctx.library.root, skill.dir) || skill.dir === ctx.library.root) {
    throw new SkillError('InvalidPath', `refusing to delete ${skill.dir}: not a skill folder under ${ctx.library.root}`);
  }
  rmSync(skill.dir, { recursive: true, force: true });
  ctx.library.invalidate(skill.dir);
  return { action: 'delete', name: skill.name, path: skill.dir, message: `deleted skill "${skill.name}"`, warnings: [] };
}

export function writeSkillFile(
  ctx: ManageContext,
  args: { name: string; filePath: string; content: string; encoding?: 'utf8' | 'base64' },
): ManageResult {
  const skill = writable(ctx, args.name);
  const segs = checkRelativePath(args.filePath, { supportOnly: true });
  const abs = confinedPath(skill.dir, segs, { forWrite: true });
  if (typeof args.content !== 'string') throw new SkillError('InvalidArgument', 'file_content is required');
  const data = args.encoding === 'base64' ? Buffer.from(args.content, 'base64') : Buffer.from(args.content, 'utf8');
  if (data.length > MAX_SUPPORT_FILE_BYTES) {
    throw new SkillError('TooLarge', `file is ${data.length} bytes; the limit is ${MAX_SUPPORT_FILE_BYTES}`);
  }
  if (lstatSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new SkillError('InvalidPath', `${segs.join('/')} is a folder`);
  const rel = segs.join('/');
  const warnings = guard(ctx, () => scanSkillDir(skill.dir, { overrides: { [rel]: data } }));
  mkdirSync(dirname(abs), { recursive: true });
  // The folders just created are plain folders, but re-check in case one appeared as a symlink meanwhile.
  confinedPath(skill.dir, segs, { forWrite: true });
  writeFileAtomic(abs, data);
  ctx.library.invalidate(skill.dir);
  return { action: 'write_file', name: skill.name, path: abs, message: `wrote ${rel} (${data.length} bytes) in "${skill.name}"`, warnings };
}

export function removeSkillFile(ctx: ManageContext, args: { name: string; filePath: string }): ManageResult {
  const skill = writable(ctx, args.name);
  const segs = checkRelativePath(args.filePath, { supportOnly: true });
  const abs = confinedPath(skill.dir, segs.slice(0, -1), { forWrite: false });
  const target = join(abs, segs[segs.length - 1]);
  const st = lstatSync(target, { throwIfNoEntry: false });
  const rel = segs.join('/');
  if (!st || st.isDirectory()) throw new SkillError('NotFound', `skill "${skill.name}" has no file ${rel}`);
  unlinkSync(target);
  // Drop folders the removal left empty, but never the skill folder itself.
  for (let d = dirname(target); d !== skill.dir && isInside(skill.dir, d); d = dirname(d)) {
    try {
      if (readdirSync(d).length > 0) break;
      rmdirSync(d);
    } catch {
      break;
    }
  }
  ctx.library.invalidate(skill.dir);
  return { action: 'remove_file', name: skill.name, path: target, message: `removed ${rel} from "${skill.name}"`, warnings: [] };
}
