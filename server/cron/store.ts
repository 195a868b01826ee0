// Cron's SQL: jobs and the execution ledger. Every firing a job has is accounted for by a ledger row — run,
// skipped (with a reason), or unknown (its owner died mid-run) — and a row is created by a single INSERT that the
// UNIQUE (job_id, scheduled_at) key makes at-most-once, even across processes.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { Schedule } from './schedule';
import type { RunOwner } from './owner';
import { ownerDead } from './owner';

export type JobState = 'scheduled' | 'paused' | 'completed' | 'error' | 'removed';
export type RunState = 'claimed' | 'running' | 'completed' | 'failed' | 'skipped' | 'unknown';
export type RunKind = 'scheduled' | 'catch_up' | 'manual' | 'retry';
export type CatchUp = 'one' | 'skip';

export interface CronJob {
  id: string;
  name: string;
  prompt: string;
  schedule: string;
  parsed: Schedule;
  timezone: string;
  anchorAt: number;
  skills: string[];
  toolsets: string[] | null;
  deliver: string;
  origin: { platform: string; chatId: string; topicId?: string } | null;
  allowDangerous: boolean;
  timeoutS: number | null;
  catchUp: CatchUp | null;
  repeat: { times: number | null; done: number };
  state: JobState;
  nextRunAt: number | null;
  failures: number;
  lastRunAt: number | null;
  lastStatus: string | null;
  lastError: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface CronRun {
  id: number;
  jobId: string;
  scheduledAt: number;
  kind: RunKind;
  state: RunState;
  reason: string | null;
  missed: number;
  ownerPid: number | null;
  claimedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  threadId: string | null;
  error: string | null;
  output: string | null;
  deliveryState: string | null;
  deliveryError: string | null;
  outboxIds: number[];
}

export interface NewJob {
  name: string;
  prompt: string;
  schedule: string;
  parsed: Schedule;
  timezone: string;
  skills?: string[];
  toolsets?: string[] | null;
  deliver?: string;
  origin?: CronJob['origin'];
  allowDangerous?: boolean;
  timeoutS?: number | null;
  catchUp?: CatchUp | null;
  repeatTimes?: number | null;
  createdBy?: string;
  nextRunAt: number | null;
}

const json = <T>(s: string | null, d: T): T => (s ? (JSON.parse(s) as T) : d);

function toJob(r: any): CronJob {
  return {
    id: r.id,
    name: r.name,
    prompt: r.prompt,
    schedule: r.schedule,
    parsed: JSON.parse(r.schedule_json),
    timezone: r.timezone,
    anchorAt: r.anchor_at,
    skills: json(r.skills, []),
    toolsets: json(r.toolsets, null),
    deliver: r.deliver,
    origin: json(r.origin, null),
    allowDangerous: !!r.allow_dangerous,
    timeoutS: r.timeout_s,
    catchUp: r.catch_up,
    repeat: { times: r.repeat_times, done: r.repeat_done },
    state: r.state,
    nextRunAt: r.next_run_at,
    failures: r.failures,
    lastRunAt: r.last_run_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRun(r: any): CronRun {
  return {
    id: r.id,
    jobId: r.job_id,
    scheduledAt: r.scheduled_at,
    kind: r.kind,
    state: r.state,
    reason: r.reason,
    missed: r.missed,
    ownerPid: r.owner_pid,
    claimedAt: r.claimed_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    threadId: r.thread_id,
    error: r.error,
    output: r.output,
    deliveryState: r.delivery_state,
    deliveryError: r.delivery_error,
    outboxIds: json(r.outbox_ids, []),
  };
}

export class CronStore {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  private sql(s: string): Database.Statement {
    let st = this.cache.get(s);
    if (!st) this.cache.set(s, (st = this.db.prepare(s)));
    return st;
  }

  createJob(j: NewJob, now: number): CronJob {
    const id = randomBytes(6).toString('hex');
    this.sql(
      `INSERT INTO cron_jobs (id, name, prompt, schedule, schedule_json, timezone, anchor_at, skills, toolsets, deliver, origin, allow_dangerous,
         timeout_s, catch_up, repeat_times, state, next_run_at, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)`,
    ).run(
      id,
      j.name,
      j.prompt,
      j.schedule,
      JSON.stringify(j.parsed),
      j.timezone,
      now,
      JSON.stringify(j.skills ?? []),
      j.toolsets ? JSON.stringify(j.toolsets) : null,
      j.deliver ?? 'local',
      j.origin ? JSON.stringify(j.origin) : null,
      j.allowDangerous ? 1 : 0,
      j.timeoutS ?? null,
      j.catchUp ?? null,
      j.repeatTimes ?? null,
      j.nextRunAt,
      j.createdBy ?? '',
      now,
      now,
    );
    return this.job(id)!;
  }

  job(id: string): CronJob | undefined {
    const r = this.sql(`SELECT * FROM cron_jobs WHERE id = ?`).get(id);
    return r ? toJob(r) : undefined;
  }

  /** A job by id, id prefix or exact name (removed jobs are not found). */
  resolve(ref: string): CronJob | undefined {
    const exact = this.sql(`SELECT * FROM cron_jobs WHERE id = ? AND state != 'removed'`).get(ref);
    if (exact) return toJob(exact);
    const rows = this.sql(`SELECT * FROM cron_jobs WHERE state != 'removed' AND (name = ? OR id LIKE ? || '%') LIMIT 2`).all(ref, ref);
    return rows.length === 1 ? toJob(rows[0]) : undefined;
  }

  list(opts: { includeRemoved?: boolean } = {}): CronJob[] {
    const rows = opts.includeRemoved
      ? this.sql(`SELECT * FROM cron_jobs ORDER BY created_at, id`).all()
      : this.sql(`SELECT * FROM cron_jobs WHERE state != 'removed' ORDER BY created_at, id`).all();
    return rows.map(toJob);
  }

  count(): number {
    return (this.sql(`SELECT COUNT(*) AS n FROM cron_jobs WHERE state != 'removed'`).get() as { n: number }).n;
  }

  /** Writes the given columns (snake_case) of a job. */
  patch(id: string, cols: Record<string, unknown>, now: number): void {
    const keys = Object.keys(cols);
    this.sql(`UPDATE cron_jobs SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...keys.map((k) => cols[k] as any), now, id);
  }

  /** The earliest firing of any scheduled job (the due-time index), or null when nothing is scheduled. */
  earliestDue(): number | null {
    return (this.sql(`SELECT MIN(next_run_at) AS t FROM cron_jobs WHERE state = 'scheduled'`).get() as { t: number | null }).t;
  }

  /** Scheduled jobs whose firing is due at `now`, earliest first (an index range, not a scan of every job). */
  due(now: number, limit: number): CronJob[] {
    return this.sql(`SELECT * FROM cron_jobs WHERE state = 'scheduled' AND next_run_at <= ? ORDER BY next_run_at LIMIT ?`).all(now, limit).map(toJob);
  }

  /**
   * Claims the firing `scheduledAt` of a job and moves the job to `nextRunAt`, in one immediate transaction, provided
   * the job still expects that firing (`expect`: the next_run_at the caller read). Returns the run id, or null when
   * another process or tick got there first. `state` skipped records a firing that will not run (with its reason).
   */
  claim(
    a: { jobId: string; expect: number | null; scheduledAt: number; kind: RunKind; owner: RunOwner; now: number; nextRunAt: number | null; missed?: number; reason?: string; state?: 'claimed' | 'skipped'; jobCols?: Record<string, unknown> },
  ): number | null {
    return this.db.transaction(() => {
      if (a.expect !== undefined && a.kind !== 'manual') {
        const cur = this.sql(`SELECT next_run_at, state FROM cron_jobs WHERE id = ?`).get(a.jobId) as { next_run_at: number | null; state: string } | undefined;
        if (!cur || cur.state !== 'scheduled' || cur.next_run_at !== a.expect) return null;
      }
      const state = a.state ?? 'claimed';
      const r = this.sql(
        `INSERT INTO cron_runs (job_id, scheduled_at, kind, state, reason, missed, owner_pid, owner_start, claimed_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, scheduled_at) DO NOTHING`,
      ).run(a.jobId, a.scheduledAt, a.kind, state, a.reason ?? null, a.missed ?? 0, a.owner.pid, a.owner.start, a.now, state === 'skipped' ? a.now : null);
      if (a.kind !== 'manual') this.patch(a.jobId, { next_run_at: a.nextRunAt, ...(a.jobCols ?? {}) }, a.now);
      return r.changes ? Number(r.lastInsertRowid) : null;
    }).immediate();
  }

  /** claimed → running, only by the process that claimed it. */
  markRunning(runId: number, owner: RunOwner, now: number, threadId: string): boolean {
    return (
      this.sql(`UPDATE cron_runs SET state = 'running', started_at = ?, thread_id = ? WHERE id = ? AND state = 'claimed' AND owner_pid = ? AND owner_start = ?`).run(
        now,
        threadId,
        runId,
        owner.pid,
        owner.start,
      ).changes === 1
    );
  }

  /** Ends a run; a run already in a final state is never changed. */
  finish(runId: number, f: { state: 'completed' | 'failed' | 'skipped'; now: number; error?: string | null; output?: string | null; reason?: string | null }): boolean {
    return (
      this.sql(
        `UPDATE cron_runs SET state = ?, finished_at = ?, error = ?, output = ?, reason = COALESCE(?, reason) WHERE id = ? AND state IN ('claimed','running')`,
      ).run(f.state, f.now, f.error ?? null, f.output ?? null, f.reason ?? null, runId).changes === 1
    );
  }

  setDelivery(runId: number, d: { state: string; error?: string | null; outboxIds?: number[] }): void {
    this.sql(`UPDATE cron_runs SET delivery_state = ?, delivery_error = ?, outbox_ids = COALESCE(?, outbox_ids) WHERE id = ?`).run(
      d.state,
      d.error ?? null,
      d.outboxIds ? JSON.stringify(d.outboxIds) : null,
      runId,
    );
  }

  run(id: number): CronRun | undefined {
    const r = this.sql(`SELECT * FROM cron_runs WHERE id = ?`).get(id);
    return r ? toRun(r) : undefined;
  }

  runs(opts: { jobId?: string; limit?: number } = {}): CronRun[] {
    const limit = opts.limit ?? 50;
    const rows = opts.jobId
      ? this.sql(`SELECT * FROM cron_runs WHERE job_id = ? ORDER BY id DESC LIMIT ?`).all(opts.jobId, limit)
      : this.sql(`SELECT * FROM cron_runs ORDER BY id DESC LIMIT ?`).all(limit);
    return rows.map(toRun);
  }

  lastRun(jobId: string): CronRun | undefined {
    const r = this.sql(`SELECT * FROM cron_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1`).get(jobId);
    return r ? toRun(r) : undefined;
  }

  /** Runs of this process still claimed or running. */
  unfinished(): CronRun[] {
    return this.sql(`SELECT * FROM cron_runs WHERE state IN ('claimed','running')`).all().map(toRun);
  }

  /**
   * Rows left claimed/running by a process that is provably gone become `unknown`: whether their side effects
   * happened cannot be known, so they are reported, never re-run. Rows of a live owner are left alone.
   */
  recoverOrphans(self: RunOwner, now: number): CronRun[] {
    const out: CronRun[] = [];
    for (const r of this.sql(`SELECT * FROM cron_runs WHERE state IN ('claimed','running')`).all() as any[]) {
      const mine = r.owner_pid === self.pid && r.owner_start === self.start;
      if (mine || !ownerDead(r.owner_pid, r.owner_start)) continue;
      const reason = `the host running it (pid ${r.owner_pid}) stopped while the run was ${r.state}; whether it had effects is unknown, so it is not re-run`;
      this.sql(`UPDATE cron_runs SET state = 'unknown', reason = ?, finished_at = ? WHERE id = ? AND state IN ('claimed','running')`).run(reason, now, r.id);
      out.push(toRun({ ...r, state: 'unknown', reason, finished_at: now }));
    }
    return out;
  }
}
