// The agent's two memory files: MEMORY.md (its own notes) and USER.md (who the user is). Writes land on disk at
// once but reach the system prompt only in the next session (the prompt is a snapshot, for prompt caching).
import { z } from 'zod';
import { MemoryStore, memoriesDir } from '../memory';
import type { Tool } from './types';

const Args = z.object({
  action: z.enum(['add', 'replace', 'remove']).describe('add a new entry, replace one, or remove one'),
  target: z.enum(['memory', 'user']).describe('memory: your own notes (environment, conventions, lessons); user: facts about the user (preferences, role, habits)'),
  content: z.string().optional().describe('The entry text (add, replace). One fact per entry, short.'),
  old_text: z.string().optional().describe('A short unique part of the entry to replace or remove.'),
});

export function createMemoryTool(deps: { hermesHome: string }): Tool<z.infer<typeof Args>> {
  return {
    name: 'memory',
    toolset: 'memory',
    description:
      'Keep durable memory across sessions. Save what will matter later: user preferences and corrections, facts about their environment, conventions, lessons from mistakes. Do not save task progress or anything in the transcript only. Memory is small: consolidate when full.',
    schema: Args,
    available: ({ config }) =>
      config.memory.memory_enabled || config.memory.user_profile_enabled ? true : 'memory is disabled in config (memory.memory_enabled, memory.user_profile_enabled)',
    async run(args, ctx) {
      const m = ctx.config.memory;
      if (args.target === 'memory' && !m.memory_enabled) return { content: 'Error: MEMORY.md is disabled (memory.memory_enabled: false).', isError: true };
      if (args.target === 'user' && !m.user_profile_enabled) return { content: 'Error: USER.md is disabled (memory.user_profile_enabled: false).', isError: true };
      const store = new MemoryStore(memoriesDir(deps.hermesHome), { memory: m.memory_char_limit, user: m.user_char_limit });
      const need = (k: 'content' | 'old_text') => {
        if (!args[k]) throw new Error(`${k} is required for action "${args.action}"`);
        return args[k]!;
      };
      let r;
      try {
        if (args.action === 'add') r = await store.add(args.target, need('content'));
        else if (args.action === 'replace') r = await store.replace(args.target, need('old_text'), need('content'));
        else r = await store.remove(args.target, need('old_text'));
      } catch (e) {
        return { content: `Error: ${(e as Error).message}`, isError: true };
      }
      const lines = [r.message, `${r.target === 'memory' ? 'MEMORY.md' : 'USER.md'}: ${r.usage} chars, ${r.entryCount} entries`];
      if (!r.success && r.candidates?.length) lines.push('Matching entries:', ...r.candidates.map((c) => `- ${c}`));
      if (!r.success) lines.push('Current entries:', ...r.entries.map((e) => `- ${e}`));
      return { content: lines.join('\n'), isError: !r.success };
    },
  };
}
