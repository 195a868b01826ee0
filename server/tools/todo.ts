// The agent's task list for a thread. Kept with the thread (so it survives restarts and compression) and shown
// live in clients via `thread/todo/updated`.
import { z } from 'zod';
import { TodoItem } from '../protocol';
import type { Store } from '../store';
import type { HostEvents } from '../agent/events';
import type { Tool } from './types';

const Args = z.object({
  todos: z
    .array(TodoItem)
    .optional()
    .describe('Items to write. Omit to read the current list.'),
  merge: z
    .boolean()
    .default(false)
    .describe('true: update/add items by id, keep the rest; false: replace the whole list.'),
});

export function createTodoTool(deps: { store: Store; events: HostEvents }): Tool<z.infer<typeof Args>> {
  return {
    name: 'todo',
    toolset: 'todo',
    description:
      'Plan and track multi-step work: keep a short list of tasks with status pending, in_progress, completed or cancelled. Returns the full list.',
    schema: Args,
    async run(args, ctx) {
      let list = deps.store.threads.getTodos(ctx.threadId);
      if (args.todos) {
        if (args.merge) {
          const byId = new Map(list.map((t) => [t.id, t]));
          for (const t of args.todos) byId.set(t.id, t);
          list = [...byId.values()];
        } else list = args.todos;
        deps.store.threads.setTodos(ctx.threadId, list);
        deps.events.emit('thread/todo/updated', { threadId: ctx.threadId, todos: list });
      }
      const open = list.filter((t) => t.status === 'pending' || t.status === 'in_progress').length;
      return { content: JSON.stringify({ todos: list, open }) };
    },
  };
}
