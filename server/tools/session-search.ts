// Lets the agent find things said in earlier conversations (full-text search over the session store).
import { z } from 'zod';
import type { Store } from '../store';
import type { Tool } from './types';

const Args = z.object({
  query: z.string().min(1).describe('Words to look for in past conversations.'),
  limit: z.number().int().min(1).max(20).default(5).describe('How many matches to return.'),
  thread_id: z.string().optional().describe('Search only this thread.'),
});

export function createSessionSearchTool(deps: { store: Store }): Tool<z.infer<typeof Args>> {
  return {
    name: 'session_search',
    toolset: 'session_search',
    description:
      'Search earlier conversations with the user (not the current one) for facts, decisions or commands. Returns matching messages with their thread and date.',
    schema: Args,
    parallelSafe: true,
    async run(args, ctx) {
      const hits = deps.store.search.search(args.query, {
        limit: args.limit,
        threadId: args.thread_id,
        excludeThreadId: args.thread_id ? undefined : ctx.threadId,
        // Subagents' threads are work the agent delegated, not conversations with the user (as in Hermes).
        hideSource: 'subagent',
      });
      if (!hits.length) return { content: `No earlier messages match "${args.query}".` };
      const lines = hits.map(
        (h) => `- thread ${h.threadId} "${h.threadTitle}" (${new Date(h.createdAt).toISOString().slice(0, 10)}, ${h.role}): ${h.snippet}`,
      );
      return { content: `${hits.length} match(es):\n${lines.join('\n')}` };
    },
  };
}
