// Prompt sections fed by the workspace and HERMES_HOME: identity (SOUL.md), project context (AGENTS.md levels,
// rules files) and the memory snapshot. Each is read once when a thread starts; later edits apply to new threads.
import type { HermesConfig } from '../config/schema';
import { discoverContext, flagSoulOverride, isWorkspaceTrusted, renderContextForPrompt, renderIdentity, type ContextReport } from '../context';
import { MemoryStore, memoriesDir } from '../memory';
import type { PromptContext, PromptSection } from './prompt';

const reports = new WeakMap<PromptContext, ContextReport>();

type Warn = (msg: string, fields: Record<string, unknown>) => void;

function report(ctx: PromptContext, config: () => HermesConfig, warn?: Warn): ContextReport {
  let r = reports.get(ctx);
  if (!r) {
    r = discoverContext({
      workspaceRoot: ctx.workspaceRoot,
      cwd: ctx.cwd,
      hermesHome: ctx.hermesHome,
      maxChars: config().context_file_max_chars,
      workspaceTrusted: isWorkspaceTrusted(ctx.workspaceRoot),
    });
    if (warn) flagSoulOverride(r, warn);
    reports.set(ctx, r);
  }
  return r;
}

export function contextSections(config: () => HermesConfig, warn?: Warn): PromptSection[] {
  return [
    { id: 'identity', order: 0, render: (ctx) => renderIdentity(report(ctx, config, warn)) },
    { id: 'project-context', order: 300, render: (ctx) => renderContextForPrompt(report(ctx, config, warn)) },
    {
      id: 'memory',
      order: 500,
      render: (ctx) => {
        const m = config().memory;
        if (!m.memory_enabled && !m.user_profile_enabled) return '';
        const store = new MemoryStore(memoriesDir(ctx.hermesHome), { memory: m.memory_char_limit, user: m.user_char_limit });
        return [m.memory_enabled ? store.snapshot('memory') : '', m.user_profile_enabled ? store.snapshot('user') : '']
          .filter(Boolean)
          .join('\n\n');
      },
    },
  ];
}
