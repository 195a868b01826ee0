// `/cron` — the same job management in every chat surface (VS Code chat, Telegram, …) through the host's command
// registry: `/cron`, `/cron add <schedule> <prompt>`, `/cron pause|resume|remove|run <id>`, `/cron history [id]`,
// `/cron status`. A schedule with spaces is quoted, or given as "every 2h" or five cron fields.
import type { HostCommand } from '../commands/registry';
import type { CronService } from './service';
import { describeJob } from './service';

export interface CronCommandHost {
  cron?: () => CronService;
  /** The chat a thread belongs to (jobs created in a chat deliver there by default). */
  chatOf?: (threadId: string) => { platform: string; chatId: string } | undefined;
}

/** Splits `<schedule> <prompt>`: a quoted schedule, `every <n><unit>`, five cron fields, or one token. */
export function splitScheduleArgs(args: string): { schedule: string; prompt: string } | undefined {
  const s = args.trim();
  const quoted = /^(["'])(.+?)\1\s+([\s\S]+)$/.exec(s);
  if (quoted) return { schedule: quoted[2], prompt: quoted[3].trim() };
  const words = s.split(/\s+/);
  let n = 1;
  if (/^every$/i.test(words[0])) n = /^\d+$/.test(words[1] ?? '') ? 3 : 2;
  else if (words.length > 5 && words.slice(0, 5).every((w) => /^[\d*\-,/]+$/.test(w))) n = 5;
  if (words.length <= n) return undefined;
  return { schedule: words.slice(0, n).join(' '), prompt: words.slice(n).join(' ') };
}

const USAGE = 'Usage: /cron [list] | /cron add <schedule> <prompt> | /cron pause|resume|remove|run <id> | /cron history [id] | /cron status';

export const cronCommand: HostCommand = {
  name: 'cron',
  description: 'List and manage scheduled jobs (/cron add "every 2h" check the build)',
  args: '[list|add|pause|resume|remove|run|history|status] …',
  async run(args, ctx, host) {
    const h = host as typeof host & CronCommandHost;
    if (!h.cron) return { handled: true, message: 'Cron is not available in this host.' };
    const cron = h.cron();
    const [sub = 'list', ...rest] = args.trim().split(/\s+/).filter(Boolean);
    const tail = args.trim().slice(sub.length).trim();
    try {
      switch (sub.toLowerCase()) {
        case 'list': {
          const jobs = cron.list();
          return { handled: true, message: jobs.length ? jobs.map(describeJob).join('\n') : 'No cron jobs. Add one: /cron add "every 2h" check the build' };
        }
        case 'add': {
          const parts = splitScheduleArgs(tail);
          if (!parts) return { handled: true, message: USAGE };
          const origin = ctx.threadId ? h.chatOf?.(ctx.threadId) : undefined;
          const j = cron.create(parts, { createdBy: ctx.policy.origin.label, origin });
          return { handled: true, message: `Added ${describeJob(j)}\nNext: ${j.nextRuns.map((r) => r.local).join('; ')}` };
        }
        case 'pause':
          return { handled: true, message: `Paused ${describeJob(cron.pause(rest[0] ?? ''))}` };
        case 'resume':
          return { handled: true, message: `Resumed ${describeJob(cron.resume(rest[0] ?? ''))}` };
        case 'remove':
        case 'rm':
          return { handled: true, message: `Removed job ${cron.remove(rest[0] ?? '').id}.` };
        case 'run': {
          const r = await cron.runNow(rest[0] ?? '', false);
          return { handled: true, message: `Started run ${r.id} of job ${r.jobId}.` };
        }
        case 'history': {
          const runs = cron.history(rest[0], 10);
          if (!runs.length) return { handled: true, message: 'No runs yet.' };
          return {
            handled: true,
            message: runs
              .map((r) => `#${r.id} ${r.jobId} ${new Date(r.scheduledAt).toISOString()} ${r.kind} ${r.state}${r.deliveryState ? ` delivery:${r.deliveryState}` : ''}${r.reason ? ` — ${r.reason}` : ''}${r.error ? ` — ${r.error}` : ''}`)
              .join('\n'),
          };
        }
        case 'status': {
          const s = cron.status();
          return {
            handled: true,
            message: `Scheduler: ${s.running ? 'running' : 'not running in this host'}; ${s.jobs} job(s); next firing ${s.nextRunAt ? new Date(s.nextRunAt).toISOString() : 'none'}; ${s.problems.length} problem(s)`,
          };
        }
        default:
          return { handled: true, message: USAGE };
      }
    } catch (e) {
      return { handled: true, message: `⚠️ ${(e as Error).message}` };
    }
  },
};
