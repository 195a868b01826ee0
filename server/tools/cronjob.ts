// cronjob: the agent schedules work from any conversation. It turns a request ("every weekday at 9") into a
// schedule the host reads (a cron expression, "every 2h", "30m", an ISO time) and the result shows how the schedule
// was read and its next three firings, so the agent confirms with the user. Jobs created from a chat deliver to that
// chat by default. An allowance to run approval-needing commands unattended is asked of the user first; the tool is
// refused inside cron runs (a job cannot create or resurrect jobs).
import { z } from 'zod';
import type { Tool } from './types';
import type { ApprovalGate } from '../approval/types';
import type { CronService } from '../cron/service';
import { describeJob } from '../cron/service';
import type { CronJobView } from '../protocol/cron';

const Args = z.object({
  action: z.enum(['create', 'list', 'update', 'pause', 'resume', 'remove', 'run']),
  job_id: z.string().optional().describe('The job (id or exact name) for update/pause/resume/remove/run.'),
  schedule: z
    .string()
    .optional()
    .describe(
      'When to run. "30m"/"2h"/"1d" = once after that delay; "every 30m"/"every 2h" = repeatedly; a 5-field cron expression ' +
        '(minute hour day-of-month month day-of-week) for calendar times, e.g. "0 9 * * 1-5" = weekdays at 9:00, "30 18 * * 0" = Sundays 18:30; ' +
        'or an ISO time "2026-06-01T09:00" (once). Convert natural language into one of these.',
    ),
  prompt: z.string().optional().describe('What the agent should do on each run (self-contained: the run has no memory of this conversation).'),
  name: z.string().optional(),
  timezone: z.string().optional().describe("IANA zone for cron expressions and ISO times (e.g. Europe/Berlin); default the host's."),
  skills: z.array(z.string()).optional().describe('Skills to load for each run.'),
  toolsets: z.array(z.string()).optional().describe('Limit the toolsets a run may use.'),
  deliver: z
    .string()
    .optional()
    .describe('Where output goes: "origin" (this chat; default when created from a chat), "local" (kept in the run\'s thread), "telegram" (its home channel), "telegram:<chat_id>"; comma-separated for several.'),
  repeat: z.number().int().positive().optional().describe('Stop after this many runs.'),
  timeout_seconds: z.number().int().positive().optional(),
  allow_dangerous: z.boolean().optional().describe('Let unattended runs execute commands that normally need approval. The user is asked to confirm.'),
});

type A = z.infer<typeof Args>;

export interface CronjobDeps {
  cron: () => CronService;
  approvals: ApprovalGate;
  /** The chat the current turn came from (for origin delivery), when the gateway runs. */
  chatOf: (threadId: string) => { platform: string; chatId: string } | undefined;
}

function shown(j: CronJobView, verb: string): string {
  const runs = j.nextRuns.map((r, i) => `  ${i + 1}. ${r.local}`).join('\n');
  return [
    `${verb} job ${j.id} "${j.name}".`,
    `Schedule: "${j.schedule}" read as ${j.scheduleDisplay} (${j.timezone})${j.repeat.times ? `, ${j.repeat.times} run(s)` : ''}.`,
    runs ? `Next firings:\n${runs}` : `State: ${j.state} (no further firings).`,
    `Delivers to: ${j.deliver}.${j.allowDangerous ? ' Unattended runs may execute commands that need approval.' : ' Commands that need approval are refused in its runs.'}`,
    'Tell the user how the schedule was read and the next firings so they can confirm or correct it.',
  ].join('\n');
}

export function createCronjobTool(deps: CronjobDeps): Tool<A> {
  return {
    name: 'cronjob',
    toolset: 'cronjob',
    description:
      'Schedule, list and manage cron jobs: prompts the agent runs later or repeatedly, unattended, with output delivered to a chat or kept local. Actions: create, list, update, pause, resume, remove, run (now).',
    schema: Args,
    parallelSafe: false,
    async run(a, ctx) {
      if (ctx.policy.origin.kind === 'cron') return { content: 'cronjob is not available inside a cron run: jobs cannot create or change jobs.', isError: true };
      const cron = deps.cron();
      const need = (v: string | undefined, what: string) => {
        if (!v) throw new Error(`${a.action} needs ${what}`);
        return v;
      };
      try {
        if (a.allow_dangerous) {
          const gate = await deps.approvals.checkAction(ctx, {
            tool: 'cronjob',
            subject: `cron job "${a.name ?? a.job_id ?? a.prompt?.slice(0, 80) ?? ''}" may run approval-needing commands unattended`,
            reason: 'lets a scheduled job run commands that need approval without asking anyone',
          });
          if (!gate.allowed) return { content: gate.message, isError: true };
        }
        // Output going anywhere but this chat (or nowhere) is an outward action, as for send_message: the user agrees first.
        const elsewhere = (a.deliver ?? '').split(',').map((t) => t.trim()).filter((t) => t && t !== 'origin' && t !== 'local');
        if (elsewhere.length) {
          const gate = await deps.approvals.checkAction(ctx, {
            tool: 'cronjob',
            subject: `cron job output delivered to ${elsewhere.join(', ')}`,
            reason: `a scheduled job would send its output to ${elsewhere.join(', ')}, outside this conversation`,
          });
          if (!gate.allowed) return { content: gate.message, isError: true };
        }
        const input = {
          schedule: a.schedule,
          prompt: a.prompt,
          name: a.name,
          timezone: a.timezone,
          skills: a.skills,
          toolsets: a.toolsets,
          deliver: a.deliver,
          repeat: a.repeat,
          timeoutS: a.timeout_seconds,
          allowDangerous: a.allow_dangerous,
        };
        switch (a.action) {
          case 'create': {
            const chat = deps.chatOf(ctx.threadId);
            const j = cron.create({ ...input, schedule: need(a.schedule, 'schedule'), prompt: need(a.prompt, 'prompt') }, { createdBy: `agent (${ctx.policy.origin.label})`, origin: chat ?? undefined });
            return { content: shown(j, 'Created') };
          }
          case 'update':
            return { content: shown(cron.update(need(a.job_id, 'job_id'), input), 'Updated') };
          case 'list': {
            const jobs = cron.list();
            return { content: jobs.length ? jobs.map(describeJob).join('\n') : 'No cron jobs.' };
          }
          case 'pause':
            return { content: `Paused: ${describeJob(cron.pause(need(a.job_id, 'job_id')))}` };
          case 'resume':
            return { content: `Resumed: ${describeJob(cron.resume(need(a.job_id, 'job_id')))}` };
          case 'remove': {
            const r = cron.remove(need(a.job_id, 'job_id'));
            return { content: `Removed job ${r.id}.` };
          }
          case 'run': {
            const r = await cron.runNow(need(a.job_id, 'job_id'), false);
            return { content: `Started run ${r.id} of job ${r.jobId}; its output goes where the job delivers.` };
          }
        }
      } catch (e) {
        return { content: `Error: ${(e as Error).message}`, isError: true };
      }
    },
  };
}
