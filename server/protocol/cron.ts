// Scheduled agent runs: jobs, their ledger of firings, and the notification a firing sends. Used by the CLI
// (`hermes-host cron …`), the VS Code Cron view and any other client.
import { z } from 'zod';

export const CronRunView = z.object({
  id: z.number().int(),
  jobId: z.string(),
  /** The firing this row accounts for (epoch ms). */
  scheduledAt: z.number(),
  kind: z.enum(['scheduled', 'catch_up', 'manual', 'retry']),
  state: z.enum(['claimed', 'running', 'completed', 'failed', 'skipped', 'unknown']),
  /** Why it was skipped, caught up or is unknown. */
  reason: z.string().nullable(),
  /** Firings collapsed into (or skipped by) this row. */
  missed: z.number().int(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  threadId: z.string().nullable(),
  error: z.string().nullable(),
  /** The start of the reply. */
  output: z.string().nullable(),
  deliveryState: z.enum(['none', 'silent', 'pending', 'sent', 'failed', 'unknown']).nullable(),
  deliveryError: z.string().nullable(),
});
export type CronRunView = z.infer<typeof CronRunView>;

export const CronJobView = z.object({
  id: z.string(),
  name: z.string(),
  prompt: z.string(),
  schedule: z.string(),
  /** How the schedule was read ("every 2h", "cron 0 9 * * 1-5", "once at …"). */
  scheduleDisplay: z.string(),
  timezone: z.string(),
  state: z.enum(['scheduled', 'paused', 'completed', 'error', 'removed']),
  nextRunAt: z.number().nullable(),
  /** The next three firings, in epoch ms and as local time in the job's zone. */
  nextRuns: z.array(z.object({ at: z.number(), local: z.string() })),
  skills: z.array(z.string()),
  toolsets: z.array(z.string()).nullable(),
  deliver: z.string(),
  allowDangerous: z.boolean(),
  timeoutS: z.number().nullable(),
  catchUp: z.enum(['one', 'skip']).nullable(),
  repeat: z.object({ times: z.number().nullable(), done: z.number() }),
  failures: z.number().int(),
  lastRunAt: z.number().nullable(),
  lastStatus: z.string().nullable(),
  lastError: z.string().nullable(),
  lastRun: CronRunView.nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type CronJobView = z.infer<typeof CronJobView>;

const JobRef = z.object({ id: z.string().min(1).describe('job id, id prefix or exact name') });

export const CronListParams = z.object({ all: z.boolean().optional() });
export const CronListResult = z.object({ jobs: z.array(CronJobView) });

export const CronAddParams = z.object({
  schedule: z.string().min(1),
  prompt: z.string().min(1).max(20_000),
  name: z.string().max(200).optional(),
  timezone: z.string().optional(),
  skills: z.array(z.string()).optional(),
  toolsets: z.array(z.string()).optional(),
  deliver: z.string().optional(),
  /** Runs commands that need approval without asking. Only a person may set it. */
  allowDangerous: z.boolean().optional(),
  timeoutS: z.number().int().positive().optional(),
  catchUp: z.enum(['one', 'skip']).optional(),
  repeat: z.number().int().positive().optional(),
});
export const CronJobResult = z.object({ job: CronJobView });

export const CronUpdateParams = JobRef.extend(CronAddParams.partial().shape);
export const CronRefParams = JobRef;
export const CronRemoveResult = z.object({ removed: z.boolean(), id: z.string() });
export const CronRunParams = JobRef.extend({ wait: z.boolean().optional() });
export const CronRunResult = z.object({ run: CronRunView });
export const CronStatusResult = z.object({
  /** True in the owning host with the scheduler on. */
  running: z.boolean(),
  jobs: z.number().int(),
  nextRunAt: z.number().nullable(),
  inProgress: z.array(z.string()),
  /** Runs whose output did not reach its target, and unknown runs, most recent first. */
  problems: z.array(CronRunView),
});
export const CronHistoryParams = z.object({ id: z.string().optional(), limit: z.number().int().positive().max(1000).optional() });
export const CronHistoryResult = z.object({ runs: z.array(CronRunView) });

/** A firing was claimed, started, skipped, finished or found unknown. */
export const CronFiredNotification = z.object({ run: CronRunView, jobName: z.string() });
