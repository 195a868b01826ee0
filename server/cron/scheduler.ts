// The scheduler: runs in the owning host only. It sleeps until the earliest due firing (the due-time index in
// SQLite: MIN(next_run_at) over scheduled jobs), claims each due firing with one INSERT into the ledger, and hands
// the run to `execute`. Nothing here reads the wall clock directly (`now` is injected), so outages and DST can be
// simulated.
//
// Rules, each guarding a failure seen in Hermes and OpenClaw:
//  - a firing runs at most once: the claim is an INSERT keyed (job, scheduled instant) in the same transaction that
//    moves the job to its next firing; a second process or tick inserts nothing;
//  - a run whose host died is marked unknown at start, never re-run silently;
//  - a firing that does not run has a ledger row `skipped` with the reason (still running, backing off, catch-up
//    policy skip);
//  - after downtime, missed firings collapse into one catch-up run (config cron.catch_up: one) or one skipped row
//    (skip), both stating how many firings were missed and when, and logged.
import type { Logger } from '../util/log';
import { CronStore, type CatchUp, type CronJob, type CronRun, type RunKind } from './store';
import { countFirings, nextFiring } from './schedule';
import type { RunOwner } from './owner';

export interface SchedulerSettings {
  enabled: boolean;
  catchUp: CatchUp;
  graceMs: number;
  maxParallel: number;
  retries: number;
}

export interface RunOutcome {
  ok: boolean;
  error?: string;
  /** The run succeeded but its output did not reach its target. */
  deliveryError?: string;
}

export interface SchedulerDeps {
  store: CronStore;
  owner: RunOwner;
  now: () => number;
  settings: () => SchedulerSettings;
  log: Logger;
  /** Runs a claimed firing to its end (the run row is final when it resolves). */
  execute: (job: CronJob, runId: number) => Promise<RunOutcome>;
  /** A ledger row was created or changed (claimed, skipped, finished, unknown). */
  onRun?: (run: CronRun) => void;
}

/** Longest sleep between ticks: bounds how long a change made behind the scheduler's back goes unnoticed. */
const MAX_SLEEP_MS = 30_000;
const DUE_BATCH = 256;
const STUCK_SLEEP_MS = 1000;

export function backoffMs(failures: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, failures - 1));
}

const iso = (ms: number) => new Date(ms).toISOString();

export class CronScheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Jobs with a run in progress in this process, and the promise of that run. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: SchedulerDeps) {}

  get store(): CronStore {
    return this.deps.store;
  }

  running(): string[] {
    return [...this.inFlight.keys()];
  }

  /** Marks runs orphaned by a dead host unknown, then starts ticking. */
  start(): CronRun[] {
    const orphans = this.store.recoverOrphans(this.deps.owner, this.deps.now());
    for (const r of orphans) {
      this.deps.log.warn(`cron run ${r.id} of job ${r.jobId} marked unknown: ${r.reason}`);
      this.deps.onRun?.(r);
    }
    this.stopped = false;
    this.kick(); // firings due while no host ran are handled at once
    return orphans;
  }

  /**
   * Stops ticking; resolves when the runs in progress have ended, or after `graceMs` (a run still going then is
   * found `unknown` by the next owner, which is the truth: nobody knows how far it got).
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  /** Something changed (a job added, resumed, a run ended): re-read the index now. */
  kick(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimer(), 0);
  }

  private onTimer(): void {
    try {
      this.tick();
    } catch (e) {
      this.deps.log.error('cron tick failed', { error: (e as Error).message });
    }
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const next = this.store.earliestDue();
    const now = this.deps.now();
    // Still due right after a tick means every slot is busy (max_parallel_jobs): a finishing run kicks the
    // scheduler, so sleep instead of spinning.
    const stuck = next !== null && next <= now;
    const wait = next === null ? MAX_SLEEP_MS : stuck ? STUCK_SLEEP_MS : Math.min(MAX_SLEEP_MS, next - now);
    this.timer = setTimeout(() => this.onTimer(), wait);
    this.timer.unref?.();
  }

  /** Claims and starts every due firing. Returns the ids of the runs started. */
  tick(): number[] {
    const s = this.deps.settings();
    if (!s.enabled) return [];
    const now = this.deps.now();
    // Every claim of the tick commits in one transaction (one WAL commit, not one per firing); runs start after it.
    const claimed = this.store.db.transaction(() => {
      const out: { job: CronJob; runId: number }[] = [];
      const busy = new Set(this.inFlight.keys());
      for (const job of this.store.due(now, DUE_BATCH)) {
        if (busy.size >= s.maxParallel && !busy.has(job.id)) break; // stays due; a finishing run kicks
        const runId = this.fire(job, now, s, busy.has(job.id));
        if (runId !== null) {
          out.push({ job, runId });
          busy.add(job.id);
        }
      }
      return out;
    }).immediate();
    for (const c of claimed) this.launch(c.job, c.runId);
    return claimed.map((c) => c.runId);
  }

  /** Claims (or records as skipped) the due firing of `job`; returns the run to start, if any. */
  private fire(job: CronJob, now: number, s: SchedulerSettings, running: boolean): number | null {
    const { store, owner } = this.deps;
    const slot = job.nextRunAt!;
    const following = (after: number) => nextFiring(job.parsed, after, job.timezone, job.anchorAt);
    // The firings from `slot` up to now: one on a normal tick, several after an outage.
    const more = countFirings(job.parsed, slot, now, job.timezone, job.anchorAt);
    const missed = 1 + more.count;
    const last = more.last ?? slot;
    const next = following(Math.max(now, last));
    const oneShotDone = next === null ? { state: 'completed' } : {};
    if (running) {
      const id = store.claim({
        jobId: job.id, expect: slot, scheduledAt: last, kind: 'scheduled', owner, now, nextRunAt: next, missed, state: 'skipped',
        reason: `the previous run of this job is still running (${missed} firing(s) from ${iso(slot)} skipped)`,
      });
      this.announce(id);
      return null;
    }
    const late = now - slot;
    if (missed === 1 && late <= s.graceMs) {
      const kind: RunKind = job.parsed.kind === 'once' && job.failures > 0 ? 'retry' : 'scheduled';
      return store.claim({ jobId: job.id, expect: slot, scheduledAt: slot, kind, owner, now, nextRunAt: next });
    }
    const policy = job.catchUp ?? s.catchUp;
    const what = `${missed}${more.capped ? '+' : ''} firing(s) between ${iso(slot)} and ${iso(last)} were missed (the host was not running or was busy; ${Math.round(late / 1000)} s late)`;
    if (policy === 'skip') {
      const reason = `${what}; catch_up is "skip", so none of them ran`;
      this.deps.log.warn(`cron job ${job.id} (${job.name}): ${reason}`);
      const id = store.claim({ jobId: job.id, expect: slot, scheduledAt: last, kind: 'catch_up', owner, now, nextRunAt: next, missed, state: 'skipped', reason, jobCols: { last_status: 'skipped', ...oneShotDone } });
      this.announce(id);
      return null;
    }
    const reason = `${what}; collapsed into this one catch-up run`;
    this.deps.log.info(`cron job ${job.id} (${job.name}): ${reason}`);
    return store.claim({ jobId: job.id, expect: slot, scheduledAt: last, kind: 'catch_up', owner, now, nextRunAt: next, missed, reason });
  }

  private announce(runId: number | null): void {
    if (runId === null) return;
    const r = this.store.run(runId);
    if (r) this.deps.onRun?.(r);
  }

  /** Runs a job now, outside its schedule (`cron run`). Its schedule is unchanged. */
  runNow(jobId: string): { runId: number; done: Promise<void> } {
    const job = this.store.job(jobId);
    if (!job || job.state === 'removed') throw new Error(`no cron job ${jobId}`);
    if (this.inFlight.has(job.id)) throw new Error(`job ${job.id} (${job.name}) is already running`);
    let at = this.deps.now();
    let id: number | null = null;
    for (let i = 0; i < 5 && id === null; i++, at++) id = this.store.claim({ jobId: job.id, expect: null, scheduledAt: at, kind: 'manual', owner: this.deps.owner, now: at, nextRunAt: null });
    if (id === null) throw new Error(`could not claim a run of ${job.id}`);
    this.launch(job, id, true);
    return { runId: id, done: this.inFlight.get(job.id)! };
  }

  private launch(job: CronJob, runId: number | null, manual = false): number | null {
    if (runId === null) return null; // another process or tick claimed this firing
    this.announce(runId);
    const p = (async () => {
      let outcome: RunOutcome;
      try {
        outcome = await this.deps.execute(job, runId);
      } catch (e) {
        outcome = { ok: false, error: (e as Error).message };
        if (this.store.finish(runId, { state: 'failed', now: this.deps.now(), error: outcome.error })) this.announce(runId);
      }
      this.settle(job.id, outcome, manual);
    })()
      // Only when the database itself is gone (the host closed mid-run): the next owner finds the run unknown.
      .catch((e) => this.deps.log.warn(`cron run ${runId} could not be recorded`, { error: (e as Error).message }))
      .finally(() => {
        this.inFlight.delete(job.id);
        this.kick();
      });
    this.inFlight.set(job.id, p);
    return runId;
  }

  /** Bookkeeping after a run: repeat counts, consecutive failures and their backoff, one-shot completion. */
  private settle(jobId: string, outcome: RunOutcome, manual: boolean): void {
    const { store } = this.deps;
    const job = store.job(jobId);
    if (!job || job.state === 'removed') return;
    const now = this.deps.now();
    const failures = outcome.ok ? 0 : job.failures + 1;
    const cols: Record<string, unknown> = { last_run_at: now, last_status: outcome.ok ? 'completed' : 'failed', last_error: outcome.ok ? outcome.deliveryError ?? null : outcome.error ?? 'failed', failures };
    if (manual) return store.patch(jobId, cols, now);
    const done = job.repeat.done + 1;
    cols.repeat_done = done;
    if (job.repeat.times !== null && done >= job.repeat.times) cols.state = 'completed';
    else if (job.parsed.kind === 'once') {
      if (!outcome.ok && failures <= this.deps.settings().retries) cols.next_run_at = now + backoffMs(failures);
      else cols.state = outcome.ok ? 'completed' : 'error';
    } else if (!outcome.ok && job.nextRunAt !== null && job.nextRunAt < now + backoffMs(failures)) {
      // Errors back off: firings before the backoff ends are skipped, on the record.
      const until = now + backoffMs(failures);
      const skipped = countFirings(job.parsed, job.nextRunAt - 1, until, job.timezone, job.anchorAt);
      const next = nextFiring(job.parsed, until, job.timezone, job.anchorAt);
      store.patch(jobId, cols, now);
      if (skipped.count) {
        const id = store.claim({
          jobId, expect: job.nextRunAt, scheduledAt: job.nextRunAt, kind: 'scheduled', owner: this.deps.owner, now, nextRunAt: next, missed: skipped.count, state: 'skipped',
          reason: `backing off after ${failures} consecutive failure(s): ${skipped.count} firing(s) before ${iso(until)} skipped`,
        });
        this.announce(id);
      }
      return;
    }
    store.patch(jobId, cols, now);
  }
}
