// `delegate_task`: hands one task (or a batch, run at once) to subagents and returns their summaries. Hermes's
// argument names: goal, context, toolsets, tasks[], background.
import { z } from 'zod';
import type { DelegateChild } from '../protocol';
import { toolsetProblem } from '../config/toolsets';
import { HostError } from '../util/errors';
import { errorResult, type Tool } from '../tools/types';
import { maxConcurrent, type ChildTask, type DelegationService } from './service';
import type { ChildResult } from './store';

const Task = z.object({
  goal: z.string().min(1).describe('What the subagent must achieve, self-contained: it sees none of this conversation.'),
  context: z.string().optional().describe('Facts, paths and constraints the subagent needs (it cannot ask).'),
  toolsets: z.array(z.string()).optional().describe('Toolsets it may use, e.g. ["terminal","file","web"]; default: yours, minus what subagents may not use.'),
});

const DelegateArgs = z
  .object({
    goal: z.string().optional().describe('The task for one subagent (or use tasks for several).'),
    context: z.string().optional().describe('Background the subagent needs.'),
    toolsets: z.array(z.string()).optional().describe('Toolsets for the subagent.'),
    tasks: z.array(Task).optional().describe('Several independent tasks, run at the same time, one subagent each.'),
    background: z
      .boolean()
      .optional()
      .describe('Single task only: start it and continue at once; its result arrives later as a notice in this conversation.'),
  })
  .refine((a) => !!a.goal?.trim() !== !!a.tasks?.length, { message: 'give either goal or tasks (not both, not neither)' })
  .refine((a) => !(a.background && a.tasks?.length), { message: 'background works with a single goal, not with tasks' });
type DelegateArgs = z.infer<typeof DelegateArgs>;

export function createDelegateTool(deps: { delegations: DelegationService }): Tool<DelegateArgs> {
  return {
    name: 'delegate_task',
    toolset: 'delegation',
    description:
      'Hand work to subagents: each gets a fresh context, its own terminal and a restricted toolset, works on its own, ' +
      'and returns a summary (status, iterations, tokens, cost, duration). Use it for independent pieces of a larger task ' +
      '(research, a module each, checks in parallel). Subagents cannot ask the user, delegate further, write memory, send ' +
      'messages or run execute_code, and start with no knowledge of this conversation: put everything they need in goal and context. ' +
      'Up to 3 tasks at once (delegation.max_concurrent_children).',
    schema: DelegateArgs,
    // Two delegate calls of one response run one after the other, so a turn never has more than
    // max_concurrent_children foreground children at once.
    parallelSafe: false,
    async run(args, ctx) {
      const tasks: ChildTask[] = args.tasks?.length ? args.tasks : [{ goal: args.goal!, context: args.context, toolsets: args.toolsets }];
      const limit = maxConcurrent(ctx.config);
      if (tasks.length > limit) return errorResult(`${tasks.length} tasks is more than ${limit} at once (delegation.max_concurrent_children); split them into batches of ${limit}`);
      for (const t of tasks) {
        for (const ts of t.toolsets ?? []) {
          const problem = toolsetProblem(ts);
          if (problem) return errorResult(problem);
        }
      }
      const parent = { threadId: ctx.threadId, turnId: ctx.turnId, callId: ctx.callId, cwd: ctx.cwd, policy: ctx.policy, signal: ctx.signal };
      if (args.background) {
        let child: DelegateChild;
        try {
          child = deps.delegations.startBackground(tasks[0]!, parent);
        } catch (e) {
          if (e instanceof HostError) return { content: JSON.stringify({ status: 'rejected', error: e.message }), isError: true };
          throw e;
        }
        return {
          content: JSON.stringify({
            status: 'started',
            delegation_id: child.delegationId,
            child_thread_id: child.threadId,
            note: 'Running in the background. Its result will arrive as a notice in this conversation when you are idle; do not poll for it.',
          }),
          item: { children: [child] },
        };
      }
      const children: DelegateChild[] = tasks.map((t) => ({ threadId: '', goal: t.goal, status: 'running' }));
      const show = () => ctx.updateItem({ children: children.filter((c) => c.threadId) });
      const results: ChildResult[] = await Promise.all(
        tasks.map((t, i) =>
          deps.delegations.run(t, parent, (c) => {
            children[i] = c;
            show();
          }),
        ),
      );
      const failed = results.every((r) => r.status !== 'completed');
      return {
        content: JSON.stringify({ results }, null, 1),
        ...(failed ? { isError: true } : {}),
        item: { children: children.filter((c) => c.threadId) },
      };
    },
  };
}
