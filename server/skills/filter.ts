// Which skills can apply right now: platform gating, toolset/tool conditions (`requires_*` hide a skill when what
// it needs is missing; `fallback_for_*` hide it when the primary it stands in for is present) and `disabled`.
import { toPlatform, type SkillFrontmatter } from './frontmatter';

export interface ListOptions {
  /** `process.platform` value or macos|linux|windows; defaults to process.platform. */
  platform?: string;
  /** Toolsets enabled for the session; when omitted, toolset conditions are not applied. */
  toolsets?: Iterable<string>;
  /** Tool names available in the session; when omitted, tool conditions are not applied. */
  tools?: Iterable<string>;
  /** Values used for `setupNeeded`; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Only this category (and its sub-categories). */
  category?: string;
  /** Skill names switched off in config. */
  disabled?: Iterable<string>;
}

export interface HiddenSkill {
  name: string;
  reason: string;
}

interface Filterable {
  name: string;
  category: string | null;
  frontmatter: SkillFrontmatter;
}

/** Why `fm` cannot apply under `opts`, or undefined when it can. */
export function hiddenReason(fm: SkillFrontmatter, opts: ListOptions): string | undefined {
  const platform = toPlatform(opts.platform ?? process.platform);
  if (fm.platforms.length > 0 && (!platform || !fm.platforms.includes(platform))) {
    return `platform: only for ${fm.platforms.join(', ')}`;
  }
  if (opts.toolsets) {
    const have = new Set(opts.toolsets);
    const missing = fm.requiresToolsets.filter((t) => !have.has(t));
    if (missing.length) return `requires_toolsets: ${missing.join(', ')} not enabled`;
    const primary = fm.fallbackForToolsets.filter((t) => have.has(t));
    if (primary.length) return `fallback_for_toolsets: ${primary.join(', ')} is enabled`;
  }
  if (opts.tools) {
    const have = new Set(opts.tools);
    const missing = fm.requiresTools.filter((t) => !have.has(t));
    if (missing.length) return `requires_tools: ${missing.join(', ')} not available`;
    const primary = fm.fallbackForTools.filter((t) => have.has(t));
    if (primary.length) return `fallback_for_tools: ${primary.join(', ')} is available`;
  }
  return undefined;
}

export function filterSkills<T extends Filterable>(skills: T[], opts: ListOptions): { visible: T[]; hidden: HiddenSkill[] } {
  const disabled = new Set(opts.disabled ?? []);
  const cat = opts.category?.replace(/^\/+|\/+$/g, '');
  const visible: T[] = [];
  const hidden: HiddenSkill[] = [];
  for (const s of skills) {
    if (cat && !(s.category === cat || s.category?.startsWith(cat + '/'))) continue;
    const reason = disabled.has(s.name) ? 'disabled in config' : hiddenReason(s.frontmatter, opts);
    if (reason) hidden.push({ name: s.name, reason });
    else visible.push(s);
  }
  return { visible, hidden };
}
