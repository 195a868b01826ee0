// What the "Context" view lists: the context files in effect for the workspace (SOUL.md, AGENTS.md at each level,
// rules files) and the memory files, with sizes and the warnings that matter (truncated, possible injection).
import type { z } from 'zod';
import type { ContextReadResult, MemoryReadResult } from '../../server/protocol';

type Ctx = z.infer<typeof ContextReadResult>;
type Mem = z.infer<typeof MemoryReadResult>;

export interface ContextNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A file to open on click. */
  path?: string;
  icon: 'file' | 'warning' | 'folder' | 'info' | 'memory';
  children?: ContextNode[];
}

const KIND_LABEL: Record<Ctx['files'][number]['kind'], string> = {
  soul: 'SOUL.md',
  'hermes-md': '.hermes.md',
  agents: 'AGENTS.md',
  'claude-md': 'CLAUDE.md',
  cursorrules: '.cursorrules',
  'cursor-rule': 'Cursor rule',
};

const SOUL_LEVEL: Record<Ctx['soulLevel'], string> = {
  workspace: 'SOUL.md from this workspace',
  'hermes-home': 'your SOUL.md (HERMES_HOME)',
  default: 'built-in default',
};

export function formatChars(n: number): string {
  return n < 1000 ? `${n} chars` : `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k chars`;
}

export function contextNodes(ctx: Ctx | null, mem: Mem | null, error?: string): ContextNode[] {
  if (error) return [{ id: 'error', label: 'Could not read the context', description: error, tooltip: error, icon: 'warning' }];
  const out: ContextNode[] = [];
  if (ctx) {
    const files: ContextNode[] = ctx.files.map((f) => {
      const warn = f.truncated || f.warnings.length > 0;
      const notes = [
        f.truncated ? `truncated to ${formatChars(f.keptChars)} (limit ${formatChars(ctx.maxChars)})` : undefined,
        ...f.warnings,
      ].filter(Boolean) as string[];
      return {
        id: `ctx:${f.path}`,
        label: f.relPath || KIND_LABEL[f.kind],
        description: [formatChars(f.size), f.truncated ? 'truncated' : undefined, f.warnings.length ? `${f.warnings.length} warning(s)` : undefined].filter(Boolean).join(' · '),
        tooltip: [`${KIND_LABEL[f.kind]} — ${f.path}`, ...notes].join('\n'),
        path: f.path,
        icon: warn ? 'warning' : 'file',
      };
    });
    if (!files.length) files.push({ id: 'ctx:none', label: 'No AGENTS.md or SOUL.md in effect', description: 'use + to create one', icon: 'info' });
    // Which identity is active, so a repository's SOUL.md never replaces the user's own unnoticed.
    const soul = ctx.files.find((f) => f.kind === 'soul');
    files.unshift({
      id: 'ctx:identity',
      label: `Identity: ${SOUL_LEVEL[ctx.soulLevel]}`,
      ...(soul ? { description: soul.relPath, path: soul.path, tooltip: soul.path } : { tooltip: 'No SOUL.md in the workspace or HERMES_HOME' }),
      icon: ctx.soulLevel === 'workspace' ? 'warning' : 'info',
    });
    if (!ctx.workspaceTrusted) {
      files.unshift({
        id: 'ctx:untrusted',
        label: 'Workspace not trusted (Restricted Mode)',
        description: 'its SOUL.md, AGENTS.md and rules are not loaded',
        tooltip: 'VS Code does not trust this folder, so the agent ignores the instruction files in it. Trust the workspace to load them.',
        icon: 'warning',
      });
    }
    for (const w of ctx.warnings) files.push({ id: `ctx:warn:${w}`, label: w, icon: 'warning', tooltip: w });
    out.push({ id: 'group:context', label: 'Context files', description: ctx.workspaceRoot, icon: 'folder', children: files });
  }
  if (mem) {
    out.push({
      id: 'group:memory',
      label: 'Memory',
      icon: 'folder',
      children: mem.files.map((m) => ({
        id: `mem:${m.target}`,
        label: m.target === 'memory' ? 'MEMORY.md' : 'USER.md',
        description: m.enabled ? `${m.entries.length} entries · ${m.usage}` : 'disabled',
        tooltip: `${m.path}\n${m.chars}/${m.limit} chars${m.chars > m.limit ? ' — over the limit' : ''}`,
        path: m.path,
        icon: m.enabled && m.chars <= m.limit ? 'memory' : 'warning',
      })),
    });
  }
  return out;
}
