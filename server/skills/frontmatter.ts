// SKILL.md frontmatter (agentskills.io format plus the Hermes `metadata.hermes` extensions): parsed with gray-matter
// and the `yaml` package so every problem can name the file, the line and the key, then validated with zod and
// normalised into one shape whatever spelling the author used (top-level `tags`, legacy `prerequisites.env_vars`).
import type matterFn from 'gray-matter';

// gray-matter pulls in js-yaml (and esprima) when loaded; SKILL.md parsing is rare at start-up, so load it lazily.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const matter: typeof matterFn = ((...args: Parameters<typeof matterFn>) => (require('gray-matter') as typeof matterFn)(...args)) as typeof matterFn;
import { Document, LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { SkillError } from './errors';

export type Platform = 'macos' | 'linux' | 'windows';

export interface EnvVarSpec {
  name: string;
  prompt?: string;
  help?: string;
  optional: boolean;
}

export interface SkillFrontmatter {
  name: string;
  description: string;
  version?: string;
  author?: string;
  license?: string;
  /** Empty means every platform. */
  platforms: Platform[];
  tags: string[];
  category?: string;
  relatedSkills: string[];
  requiresToolsets: string[];
  fallbackForToolsets: string[];
  requiresTools: string[];
  fallbackForTools: string[];
  requiredEnvironmentVariables: EnvVarSpec[];
  /** The whole frontmatter as written, for fields this module does not interpret (allowed-tools, compatibility…). */
  raw: Record<string, unknown>;
}

export interface ParsedSkillFile {
  frontmatter: SkillFrontmatter;
  /** Markdown after the closing `---`. */
  body: string;
  /** 1-based line of the first body line in the file. */
  bodyLine: number;
  /** Problems that were repaired rather than refused (`file:line: key: what was done`). */
  warnings: string[];
}

/** The agentskills.io / Hermes limit; longer descriptions are cut here (with a warning), as Hermes does. */
export const MAX_DESCRIPTION_CHARS = 1024;

export interface FormatIssue {
  line: number;
  key: string;
  reason: string;
}

/** A SKILL.md that cannot be used; the message lists `file:line: key: reason`, one problem per line. */
export class SkillFormatError extends SkillError {
  constructor(
    readonly file: string,
    readonly issues: FormatIssue[],
  ) {
    super('InvalidFrontmatter', issues.map((i) => `${file}:${i.line}: ${i.key}: ${i.reason}`).join('\n'));
    this.name = 'SkillFormatError';
  }
}

const PLATFORM_ALIASES: Record<string, Platform> = {
  macos: 'macos',
  darwin: 'macos',
  osx: 'macos',
  mac: 'macos',
  linux: 'linux',
  windows: 'windows',
  win32: 'windows',
  win: 'windows',
};

/** Maps `process.platform` (or an already normalised name) to the frontmatter vocabulary. */
export function toPlatform(p: string): Platform | undefined {
  return PLATFORM_ALIASES[p.toLowerCase()];
}

const msg = (expected: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined || iss.input === null ? 'required' : `must be ${expected}`),
});

const stringList = z.union(
  [
    z.string().transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean)),
    z.array(z.string(msg('a string'))),
  ],
  msg('a list of strings'),
);
const platformName = z.string(msg('a string')).refine((s) => toPlatform(s) !== undefined, {
  error: 'must be one of macos, linux, windows',
});
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string(msg('a string')).regex(ENV_NAME_RE, { error: 'must be an environment variable name' });
const envVarItem = z.union(
  [
    envName,
    z.looseObject({
      name: envName,
      prompt: z.string(msg('a string')).nullish(),
      help: z.string(msg('a string')).nullish(),
      optional: z.boolean(msg('true or false')).nullish(),
    }),
  ],
  msg('a variable name or {name, prompt, help, optional}'),
);

const hermesMeta = z.looseObject({
  tags: stringList.nullish(),
  category: z.string(msg('a string')).nullish(),
  related_skills: stringList.nullish(),
  requires_toolsets: stringList.nullish(),
  fallback_for_toolsets: stringList.nullish(),
  requires_tools: stringList.nullish(),
  fallback_for_tools: stringList.nullish(),
});

const FrontmatterSchema = z.looseObject({
  name: z
    .string(msg('a string'))
    .trim()
    .min(1, { error: 'required' })
    .max(64, { error: 'must be at most 64 characters' })
    .refine((s) => !/[\n/\\]/.test(s), { error: 'must not contain slashes or line breaks' }),
  description: z
    .string(msg('a string'))
    .trim()
    .min(1, { error: 'required' }),
  version: z.union([z.string(), z.number()], msg('a string')).nullish(),
  author: z.union([z.string(), z.array(z.string())], msg('a string')).nullish(),
  license: z.string(msg('a string')).nullish(),
  platforms: z.union([platformName, z.array(platformName)], msg('a list of macos, linux, windows')).nullish(),
  tags: stringList.nullish(),
  category: z.string(msg('a string')).nullish(),
  related_skills: stringList.nullish(),
  metadata: z.looseObject({ hermes: hermesMeta.nullish() }, msg('a mapping')).nullish(),
  required_environment_variables: z.array(envVarItem, msg('a list')).nullish(),
  prerequisites: z
    .looseObject({ env_vars: z.array(envName, msg('a list of variable names')).nullish() }, msg('a mapping'))
    .nullish(),
});

type RawFrontmatter = z.infer<typeof FrontmatterSchema>;

function lineOfPath(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | null | undefined;
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
    // A key without a value has no value node; point at the key.
    const parent = (n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true)) as unknown;
    if (isMap(parent)) {
      const pair = parent.items.find((it) => (isScalar(it.key) ? String(it.key.value) : String(it.key)) === String(path[n - 1]));
      const kr = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (kr) return lc.linePos(kr[0]).line;
    }
  }
  return undefined;
}

/** Splits off the frontmatter and returns the parsed YAML document, or throws a SkillFormatError. */
function splitFrontmatter(text: string, file: string) {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Only a bare `---` opens frontmatter: gray-matter would otherwise pick an engine from `---js` (which evals).
  if (!/^---[ \t]*\r?\n/.test(src)) {
    throw new SkillFormatError(file, [{ line: 1, key: 'frontmatter', reason: "missing (the file must start with a '---' line)" }]);
  }
  let doc: Document | undefined;
  const lc = new LineCounter();
  let yamlError: FormatIssue | undefined;
  const parsed = matter(src.replace(/^---[ \t]*/, '---'), {
    engines: {
      yaml: {
        parse: (s: string) => {
          doc = parseDocument(s, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
          if (doc.errors.length) {
            const e = doc.errors[0];
            yamlError = { line: e.linePos?.[0]?.line ?? 1, key: 'frontmatter', reason: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
            return {};
          }
          const v = doc.toJS({ maxAliasCount: 50 });
          return v && typeof v === 'object' && !Array.isArray(v) ? v : { __notMapping: v };
        },
      },
    },
  } as never) as unknown as { data: Record<string, unknown>; content: string; matter?: string };
  if (yamlError) throw new SkillFormatError(file, [yamlError]);
  const matterText = parsed.matter ?? '';
  const afterOpen = src.slice(src.indexOf('\n') + 1);
  if (!/(^|\n)---/.test(afterOpen)) {
    throw new SkillFormatError(file, [{ line: 1, key: 'frontmatter', reason: "not closed (no '---' line after it)" }]);
  }
  const closeLine = (matterText.match(/\n/g)?.length ?? 0) + 2;
  return { data: parsed.data, body: parsed.content, doc, lc, closeLine };
}

function uniq(xs: string[] | null | undefined): string[] {
  return [...new Set((xs ?? []).map((x) => x.trim()).filter(Boolean))];
}

function normalise(raw: RawFrontmatter, data: Record<string, unknown>, doc: Document | undefined): SkillFrontmatter {
  const h = raw.metadata?.hermes ?? {};
  const env = new Map<string, EnvVarSpec>();
  for (const item of raw.required_environment_variables ?? []) {
    const spec: EnvVarSpec =
      typeof item === 'string'
        ? { name: item, optional: false }
        : {
            name: item.name,
            ...(item.prompt ? { prompt: item.prompt } : {}),
            ...(item.help ? { help: item.help } : {}),
            optional: item.optional === true,
          };
    if (!env.has(spec.name)) env.set(spec.name, spec);
  }
  for (const name of raw.prerequisites?.env_vars ?? []) if (!env.has(name)) env.set(name, { name, optional: false });

  // `version: 1.0` would read back as 1; keep what the author wrote.
  let version: string | undefined;
  if (raw.version !== null && raw.version !== undefined) {
    const node = doc?.get('version', true);
    version = isScalar(node) && typeof node.source === 'string' ? node.source : String(raw.version);
  }
  const platforms = raw.platforms == null ? [] : Array.isArray(raw.platforms) ? raw.platforms : [raw.platforms];
  const category = (h.category ?? raw.category ?? '').trim();
  return {
    name: raw.name,
    description: raw.description,
    ...(version ? { version } : {}),
    ...(raw.author ? { author: Array.isArray(raw.author) ? raw.author.join(', ') : raw.author } : {}),
    ...(raw.license ? { license: raw.license } : {}),
    platforms: [...new Set(platforms.map((p) => toPlatform(p)!))],
    tags: uniq([...(h.tags ?? []), ...(raw.tags ?? [])]),
    ...(category ? { category } : {}),
    relatedSkills: uniq([...(h.related_skills ?? []), ...(raw.related_skills ?? [])]),
    requiresToolsets: uniq(h.requires_toolsets),
    fallbackForToolsets: uniq(h.fallback_for_toolsets),
    requiresTools: uniq(h.requires_tools),
    fallbackForTools: uniq(h.fallback_for_tools),
    requiredEnvironmentVariables: [...env.values()],
    raw: data,
  };
}

/**
 * Parses and validates a SKILL.md. `file` is only used in messages (pass the path as the user should see it, e.g.
 * `skills/devops/x/SKILL.md`). Throws SkillFormatError naming file, line and key.
 */
export function parseSkillMarkdown(text: string, file: string): ParsedSkillFile {
  const { data, body, doc, lc, closeLine } = splitFrontmatter(text, file);
  if ('__notMapping' in data) {
    throw new SkillFormatError(file, [{ line: 2, key: 'frontmatter', reason: 'must be a mapping of keys to values' }]);
  }
  const res = FrontmatterSchema.safeParse(data);
  if (!res.success) {
    const issues = res.error.issues.map((i) => {
      const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
      const line = (doc && lineOfPath(doc, lc, path)) ?? closeLine;
      return { line, key: path.join('.') || 'frontmatter', reason: i.message };
    });
    issues.sort((a, b) => a.line - b.line);
    throw new SkillFormatError(file, issues);
  }
  const frontmatter = normalise(res.data, data, doc);
  const warnings: string[] = [];
  if (frontmatter.description.length > MAX_DESCRIPTION_CHARS) {
    const line = (doc && lineOfPath(doc, lc, ['description'])) ?? 2;
    warnings.push(`${file}:${line}: description: is ${frontmatter.description.length} characters; truncated to ${MAX_DESCRIPTION_CHARS}`);
    frontmatter.description = frontmatter.description.slice(0, MAX_DESCRIPTION_CHARS - 1).trimEnd() + '…';
  }
  return { frontmatter, body, bodyLine: closeLine + 1, warnings };
}

/**
 * A category's DESCRIPTION.md: `description` from its frontmatter, else the first paragraph of text. Never throws;
 * a broken file yields an `error` and no description.
 */
export function parseCategoryDescription(text: string, file: string): { description?: string; error?: string } {
  let body = text;
  if (/^\uFEFF?---[ \t]*\r?\n/.test(text)) {
    try {
      const { data, body: b } = splitFrontmatter(text, file);
      if (typeof data.description === 'string' && data.description.trim()) return { description: data.description.trim() };
      body = b;
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  const para = body
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .find((p) => p && !p.startsWith('#'));
  return para ? { description: para.replace(/\s+/g, ' ').slice(0, 1024) } : {};
}
