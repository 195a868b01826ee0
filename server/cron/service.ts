// Managing jobs: create, list, update, pause, resume, remove, run now, status, history — one implementation behind
// the cronjob tool, the cron/* protocol methods, `/cron` in chats and the CLI (which uses it directly on the
// database when no host owns HERMES_HOME). Views are protocol-shaped (server/protocol/cron.ts).
import type { CronJobView, CronRunView } from '../protocol/cron';
import type { HermesConfig } from '../config/schema';
import { HostError } from '../util/errors';
import { CronStore, type CronJob, type CronRun, type CatchUp } from './store';
import { formatInZone, hostTimeZone, nextFiring, nextFirings, parseSchedule, ScheduleError, validTimeZone } from './schedule';
import { deliveryFromOutbox, DeliveryError, validateDeliver } from './delivery';
import type { CronScheduler } from './scheduler';

export interface JobInput {
  schedule?: string;
  prompt?: string;
  name?: string;
  timezone?: string;
  skills?: string[];
  toolsets?: string[];
  deliver?: string;
  allowDangerous?: boolean;
  timeoutS?: number;
  catchUp?: CatchUp;
  repeat?: number;
}

export interface CronServiceDeps {
  store: CronStore;
  now: () => number;
  config: () => HermesConfig;
  /** Present in the owning host with the scheduler running. */
  scheduler?: CronScheduler;
}

const bad = (m: string) => new HostError('InvalidParams', m);

function nameFrom(prompt: string): string {
  const line = prompt.trim().split('\n')[0].replace(/\s+/g, ' ');
  return line.length > 50 ? line.slice(0, 49) + '…' : line || 'cron job';
}

export class CronService {
  constructor(private readonly deps: CronServiceDeps) {}

  get store(): CronStore {
    return this.deps.store;
  }

  private job(ref: string): CronJob {
    const j = this.store.resolve(ref);
    if (!j) throw new HostError('InvalidParams', `no cron job "${ref}" (see cron list)`);
    return j;
  }

  private parse(schedule: string, tz: string) {
    try {
      return parseSchedule(schedule, { now: this.deps.now(), tz });
    } catch (e) {
      if (e instanceof ScheduleError) throw bad(e.message);
      throw e;
    }
  }

  private deliverSpec(spec: string | undefined, origin: CronJob['origin']): string {
    try {
      return validateDeliver(spec ?? (origin ? 'origin' : 'local'), origin);
    } catch (e) {
      if (e instanceof DeliveryError) throw bad(e.message);
      throw e;
    }
  }

  create(input: JobInput & { schedule: string; prompt: string }, meta: { createdBy: string; origin?: CronJob['origin'] }): CronJobView {
    const tz = input.timezone || hostTimeZone();
    const parsed = this.parse(input.schedule, tz);
    const now = this.deps.now();
    const first = nextFiring(parsed, now - 1, tz, now);
    if (first === null) throw bad(`"${input.schedule}" is in the past; nothing would run`);
    const job = this.store.createJob(
      {
        name: input.name?.trim() || nameFrom(input.prompt),
        prompt: input.prompt,
        schedule: input.schedule.trim(),
        parsed,
        timezone: tz,
        skills: input.skills,
        toolsets: input.toolsets?.length ? input.toolsets : null,
        deliver: this.deliverSpec(input.deliver, meta.origin ?? null),
        origin: meta.origin ?? null,
        allowDangerous: input.allowDangerous,
        timeoutS: input.timeoutS ?? null,
        catchUp: input.catchUp ?? null,
        // A delay or a date runs once unless told otherwise.
        repeatTimes: input.repeat ?? (parsed.kind === 'once' ? 1 : null),
        createdBy: meta.createdBy,
        nextRunAt: parsed.kind === 'interval' ? now + parsed.everyMs : first,
      },
      now,
    );
    this.deps.scheduler?.kick();
    return this.view(job);
  }

  update(ref: string, input: JobInput): CronJobView {
    const job = this.job(ref);
    const now = this.deps.now();
    const cols: Record<string, unknown> = {};
    if (input.name !== undefined) cols.name = input.name.trim() || job.name;
    if (input.prompt !== undefined) cols.prompt = input.prompt;
    if (input.skills !== undefined) cols.skills = JSON.stringify(input.skills);
    if (input.toolsets !== undefined) cols.toolsets = input.toolsets.length ? JSON.stringify(input.toolsets) : null;
    if (input.deliver !== undefined) cols.deliver = this.deliverSpec(input.deliver, job.origin);
    if (input.allowDangerous !== undefined) cols.allow_dangerous = input.allowDangerous ? 1 : 0;
    if (input.timeoutS !== undefined) cols.timeout_s = input.timeoutS;
    if (input.catchUp !== undefined) cols.catch_up = input.catchUp;
    if (input.repeat !== undefined) cols.repeat_times = input.repeat;
    if (input.schedule !== undefined || input.timezone !== undefined) {
      const tz = input.timezone ?? job.timezone;
      if (!validTimeZone(tz)) throw bad(`unknown time zone "${tz}"`);
      const parsed = this.parse(input.schedule ?? job.schedule, tz);
      const next = parsed.kind === 'interval' ? now + parsed.everyMs : nextFiring(parsed, now - 1, tz, now);
      if (next === null) throw bad(`"${input.schedule}" is in the past; nothing would run`);
      Object.assign(cols, { schedule: (input.schedule ?? job.schedule).trim(), schedule_json: JSON.stringify(parsed), timezone: tz, anchor_at: now, next_run_at: next });
      if (job.state === 'completed' || job.state === 'error') Object.assign(cols, { state: 'scheduled', repeat_done: 0, failures: 0 });
    }
    if (Object.keys(cols).length) this.store.patch(job.id, cols, now);
    this.deps.scheduler?.kick();
    return this.view(this.store.job(job.id)!);
  }

  pause(ref: string): CronJobView {
    const job = this.job(ref);
    if (job.state === 'scheduled') this.store.patch(job.id, { state: 'paused' }, this.deps.now());
    return this.view(this.store.job(job.id)!);
  }

  /** A firing that fell due while paused stays due: it runs now (as a catch-up when it is past the grace time). */
  resume(ref: string): CronJobView {
    const job = this.job(ref);
    if (job.state === 'paused') {
      const now = this.deps.now();
      const next = job.nextRunAt ?? nextFiring(job.parsed, now, job.timezone, job.anchorAt);
      this.store.patch(job.id, next === null ? { state: 'completed' } : { state: 'scheduled', next_run_at: next }, now);
    }
    this.deps.scheduler?.kick();
    return this.view(this.store.job(job.id)!);
  }

  /** Removed jobs keep a tombstone row: their id is never reused and their history stays readable. */
  remove(ref: string): { removed: boolean; id: string } {
    const job = this.job(ref);
    this.store.patch(job.id, { state: 'removed', next_run_at: null }, this.deps.now());
    return { removed: true, id: job.id };
  }

  async runNow(ref: string, wait: boolean): Promise<CronRunView> {
    const job = this.job(ref);
    const s = this.deps.scheduler;
    if (!s) throw new HostError('InvalidParams', 'jobs run in the owning host; start one (hermes-host --listen) or use the CLI, which starts one');
    let r: { runId: number; done: Promise<void> };
    try {
      r = s.runNow(job.id);
    } catch (e) {
      throw bad((e as Error).message);
    }
    if (wait) await r.done;
    return this.runView(this.store.run(r.runId)!);
  }

  list(all = false): CronJobView[] {
    return this.store.list({ includeRemoved: all }).map((j) => this.view(j));
  }

  get(ref: string): CronJobView {
    return this.view(this.job(ref));
  }

  history(ref: string | undefined, limit = 50): CronRunView[] {
    const jobId = ref ? (this.store.resolve(ref) ?? this.store.job(ref))?.id : undefined;
    if (ref && !jobId) throw bad(`no cron job "${ref}"`);
    return this.store.runs({ jobId, limit }).map((r) => this.runView(r));
  }

  status() {
    const recent = this.store.runs({ limit: 200 }).map((r) => this.runView(r));
    return {
      running: !!this.deps.scheduler && this.deps.config().cron.enabled,
      jobs: this.store.count(),
      nextRunAt: this.store.earliestDue(),
      inProgress: this.deps.scheduler?.running() ?? [],
      problems: recent.filter((r) => r.state === 'unknown' || r.state === 'failed' || r.deliveryState === 'failed' || r.deliveryState === 'unknown').slice(0, 20),
    };
  }

  /** A run as clients see it; a pending delivery is re-read from the outbox, so it is never reported stale. */
  runView(r: CronRun): CronRunView {
    let deliveryState = r.deliveryState as CronRunView['deliveryState'];
    let deliveryError = r.deliveryError;
    if (deliveryState === 'pending' && r.outboxIds.length) {
      const now = deliveryFromOutbox(this.store.db, r.outboxIds);
      if (now.state !== 'pending') {
        deliveryState = now.state;
        deliveryError = now.error ?? null;
        this.store.setDelivery(r.id, { state: now.state, error: deliveryError });
      }
    }
    return {
      id: r.id,
      jobId: r.jobId,
      scheduledAt: r.scheduledAt,
      kind: r.kind,
      state: r.state,
      reason: r.reason,
      missed: r.missed,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      threadId: r.threadId,
      error: r.error,
      output: r.output ? r.output.slice(0, 500) : null,
      deliveryState,
      deliveryError,
    };
  }

  view(j: CronJob): CronJobView {
    const now = this.deps.now();
    const upcoming = j.state === 'scheduled' && j.nextRunAt !== null ? [j.nextRunAt, ...nextFirings(j.parsed, 2, Math.max(j.nextRunAt, now), j.timezone, j.anchorAt)] : [];
    const last = this.store.lastRun(j.id);
    return {
      id: j.id,
      name: j.name,
      prompt: j.prompt,
      schedule: j.schedule,
      scheduleDisplay: j.parsed.display,
      timezone: j.timezone,
      state: j.state,
      nextRunAt: j.state === 'scheduled' ? j.nextRunAt : null,
      nextRuns: upcoming.slice(0, 3).map((at) => ({ at, local: formatInZone(at, j.timezone) })),
      skills: j.skills,
      toolsets: j.toolsets,
      deliver: j.deliver,
      allowDangerous: j.allowDangerous,
      timeoutS: j.timeoutS,
      catchUp: j.catchUp,
      repeat: j.repeat,
      failures: j.failures,
      lastRunAt: j.lastRunAt,
      lastStatus: j.lastStatus,
      lastError: j.lastError,
      lastRun: last ? this.runView(last) : null,
      createdBy: j.createdBy,
      createdAt: j.createdAt,
    };
  }
}

/** A job as one line of text (CLI, chat, tool results). */
export function describeJob(j: CronJobView): string {
  const next = j.nextRuns[0] ? `next ${j.nextRuns[0].local}` : j.state;
  const last = j.lastRun ? `; last ${j.lastRun.state}${j.lastRun.deliveryState && j.lastRun.deliveryState !== 'none' ? `, delivery ${j.lastRun.deliveryState}` : ''}` : '';
  return `${j.id}  ${j.name}  [${j.scheduleDisplay}, ${j.timezone}] ${j.state === 'scheduled' ? next : j.state}${last} → ${j.deliver}`;
}
