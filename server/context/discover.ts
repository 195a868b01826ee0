// Finds the instruction files in effect for a session: SOUL.md (identity), AGENTS.md at every level from the
// workspace root down to the cwd, and Cursor rules. Never throws for file-system trouble: an unreadable file is
// reported in `warnings`, because `context/read` must always be able to show the user what is going on.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { scanForInjection } from './injection';
import { DEFAULT_CONTEXT_MAX_CHARS, truncateContext, truncationWarning } from './truncate';
import type { ContextFile, ContextFileKind, ContextParams, ContextReport, SoulLevel } from './types';

export const AGENTS_FILE_NAMES = ['AGENTS.md', 'agents.md'];
export const HERMES_MD_NAMES = ['.hermes.md', 'HERMES.md'];
export const CLAUDE_FILE_NAMES = ['CLAUDE.md', 'claude.md'];
export const SOUL_FILE_NAME = 'SOUL.md';
export const CURSORRULES_FILE_NAME = '.cursorrules';
export const CURSOR_RULES_DIR = join('.cursor', 'rules');

interface Resolved {
  root: string;
  cwd: string;
  hermesHome: string;
  maxChars: number;
}

export function resolveParams(params: ContextParams): Resolved {
  const maxChars = params.maxChars ?? DEFAULT_CONTEXT_MAX_CHARS;
  if (!Number.isInteger(maxChars) || maxChars <= 0) {
    throw new Error(`context maxChars must be a positive integer (got ${String(maxChars)})`);
  }
  const root = canonical(params.workspaceRoot);
  return { root, cwd: canonical(params.cwd ?? params.workspaceRoot), hermesHome: canonical(params.hermesHome), maxChars };
}

// Symlinked temp dirs (macOS /tmp) must not make a cwd look like it is outside its workspace.
function canonical(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The directories searched for AGENTS.md, root first; just the cwd when it lies outside the workspace. */
export function agentsLevels(root: string, cwd: string): string[] {
  if (!isInside(root, cwd)) return [cwd];
  const levels = [root];
  let dir = root;
  for (const part of relative(root, cwd).split(sep).filter(Boolean)) {
    dir = join(dir, part);
    levels.push(dir);
  }
  return levels;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The first of `wanted` present in `dir`, by its real name on disk (so `agents.md` is not found as `AGENTS.md`). */
function findNamed(dir: string, wanted: string[]): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const want of wanted) {
    if (names.includes(want) && isFile(join(dir, want))) return join(dir, want);
  }
  return undefined;
}

const findAgentsFile = (dir: string) => findNamed(dir, AGENTS_FILE_NAMES);

function relPathOf(r: Resolved, p: string): string {
  if (isInside(r.root, p)) return relative(r.root, p).split(sep).join('/');
  if (isInside(r.hermesHome, p)) return ['HERMES_HOME', ...relative(r.hermesHome, p).split(sep)].join('/');
  return p;
}

/** `.mdc` rules start with YAML frontmatter (description, globs) meant for Cursor, not for the model. */
export function stripFrontmatter(text: string): string {
  return text.replace(/^---[ \t]*\n[\s\S]*?\n---[ \t]*(?:\n|$)/, '');
}

function load(r: Resolved, kind: ContextFileKind, path: string, problems: string[], maxChars = r.maxChars): ContextFile | undefined {
  const relPath = relPathOf(r, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`cannot read ${relPath}: ${(err as Error).message}`);
    return undefined;
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  let lineOffset = 0;
  if (kind === 'cursor-rule' || kind === 'hermes-md') {
    const body = stripFrontmatter(text);
    lineOffset = text.slice(0, text.length - body.length).split('\n').length - 1;
    text = body;
  }
  // Scan the whole file, not only the kept part: the model can read the rest with its file tools.
  // Lines are reported as the user sees them in the file, frontmatter included.
  const findings = scanForInjection(text).map((f) => ({ ...f, line: f.line + lineOffset }));
  const cut = truncateContext(text, relPath, Math.max(1, maxChars));
  const warnings = findings.map((f) => `possible prompt injection: ${f.reason} (line ${f.line}: "${f.excerpt}")`);
  if (cut.truncated) warnings.push(truncationWarning(cut, maxChars));
  return {
    kind,
    path,
    relPath,
    size: cut.size,
    truncated: cut.truncated,
    keptChars: cut.keptChars,
    warnings,
    findings,
    content: cut.content,
  };
}

function cursorRuleFiles(root: string): string[] {
  const dir = join(root, CURSOR_RULES_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.mdc'))
    .sort()
    .map((n) => join(dir, n))
    .filter(isFile);
}

/** `.hermes.md`/`HERMES.md` nearest the cwd, looking up to the workspace root (Hermes walks to the git root). */
function findHermesMd(r: Resolved): string | undefined {
  const levels = agentsLevels(r.root, r.cwd).reverse();
  for (const dir of levels) {
    const f = findNamed(dir, HERMES_MD_NAMES);
    if (f) return f;
  }
  return undefined;
}

/** The Cursor rules as one block capped at maxChars in total, as Hermes caps it: files past the cap are cut or left out. */
function loadRules(r: Resolved, problems: string[]): ContextFile[] {
  const cursorrules = join(r.root, CURSORRULES_FILE_NAME);
  const paths: [ContextFileKind, string][] = [
    ...(isFile(cursorrules) ? [['cursorrules', cursorrules] as [ContextFileKind, string]] : []),
    ...cursorRuleFiles(r.root).map((p) => ['cursor-rule', p] as [ContextFileKind, string]),
  ];
  const out: ContextFile[] = [];
  let left = r.maxChars;
  for (const [kind, p] of paths) {
    if (left <= 0) {
      const skipped = load(r, kind, p, problems, 1);
      if (skipped) {
        out.push({
          ...skipped,
          truncated: true,
          keptChars: 0,
          content: '',
          warnings: [...skipped.warnings.filter((w) => !w.startsWith('truncated')), `left out: the rules together are capped at ${r.maxChars} chars`],
        });
      }
      continue;
    }
    const f = load(r, kind, p, problems, left);
    if (!f) continue;
    out.push(f);
    // The marker of a cut file costs a little too; count it so the block stays at the cap.
    left -= f.truncated ? left : f.keptChars;
  }
  return out;
}

export function discoverContext(params: ContextParams): ContextReport {
  const r = resolveParams(params);
  const trusted = params.workspaceTrusted !== false;
  const problems: string[] = [];
  const notes: string[] = [];
  const take = (kind: ContextFileKind, paths: (string | undefined)[]): ContextFile[] =>
    paths.flatMap((p) => {
      const f = p ? load(r, kind, p, problems) : undefined;
      return f ? [f] : [];
    });

  // First readable one wins: the workspace's SOUL.md overrides the user's own — unless the workspace is untrusted.
  const homeSoul = join(r.hermesHome, SOUL_FILE_NAME);
  let soul: ContextFile | null = null;
  let soulLevel: SoulLevel = 'default';
  for (const [level, p] of [['workspace', join(r.root, SOUL_FILE_NAME)], ['hermes-home', homeSoul]] as const) {
    if (level === 'workspace' && !trusted) continue;
    soul = (isFile(p) && load(r, 'soul', p, problems)) || null;
    if (soul) {
      soulLevel = level;
      break;
    }
  }
  let soulOverrides: string | undefined;
  if (soul && soulLevel === 'workspace' && isFile(homeSoul)) {
    const mine = load(r, 'soul', homeSoul, []);
    if (mine && mine.content.trim() !== soul.content.trim()) {
      soulOverrides = homeSoul;
      notes.push(`${soul.relPath} replaces your own HERMES_HOME/SOUL.md as the agent's identity in this workspace`);
    }
  }

  let project: ContextReport['project'] = null;
  let agents: ContextFile[] = [];
  let rules: ContextFile[] = [];
  if (!trusted) {
    notes.push('workspace not trusted: its SOUL.md, .hermes.md, AGENTS.md, CLAUDE.md and rules files are not loaded');
  } else {
    const hermesMd = findHermesMd(r);
    if (hermesMd) agents = take('hermes-md', [hermesMd]);
    if (agents.length) project = 'hermes-md';
    else {
      agents = take('agents', agentsLevels(r.root, r.cwd).map(findAgentsFile));
      if (agents.length) project = 'agents';
      else {
        agents = take('claude-md', [findNamed(r.cwd, CLAUDE_FILE_NAMES) ?? findNamed(r.root, CLAUDE_FILE_NAMES)]);
        if (agents.length) project = 'claude-md';
        else {
          rules = loadRules(r, problems);
          if (rules.length) project = 'rules';
        }
      }
    }
  }
  const files = [...(soul ? [soul] : []), ...agents, ...rules];
  return {
    workspaceRoot: r.root,
    cwd: r.cwd,
    hermesHome: r.hermesHome,
    maxChars: r.maxChars,
    soul,
    soulLevel,
    ...(soulOverrides ? { soulOverrides } : {}),
    workspaceTrusted: trusted,
    project,
    agents,
    rules,
    files,
    warnings: [...notes, ...files.flatMap((f) => f.warnings.map((w) => `${f.relPath}: ${w}`)), ...problems],
  };
}
