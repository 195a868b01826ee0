// The scheduler against a real SQLite file with an injected clock: catch-up after an outage (collapsed or skipped,
// always on the record), at-most-once claims between two schedulers on one database, runs orphaned by a dead
// process, skips while a run is still going, and backoff after failures.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/store/db';
import { CronStore, type CronJob } from '../../../server/cron/store';
import { CronScheduler, type RunOutcome, type SchedulerSettings } from '../../../server/cron/scheduler';
import { CronService } from '../../../server/cron/service';
import { selfOwner, type RunOwner } from '../../../server/cron/owner';
import { defaultConfig } from '../../../server/config/schema';
import { createLogger } from '../../../server/util/log';

const log = createLogger({ stderr: false, level: 'error' });
const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-04T10:00:00Z');

let dir: string;
let dbs: Database.Database[] = [];
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cron-unit-'));
  clock = T0;
});
afterEach(() => {
  for (const d of dbs) d.close();
  dbs = [];
  rmSync(dir, { recursive: true, force: true });
});

function open() {
  const db = openDatabase(join(dir, 'h.db'));
  dbs.push(db);
  return new CronStore(db);
}

function make(opts: { store?: CronStore; settings?: Partial<SchedulerSettings>; owner?: RunOwner; execute?: (job: CronJob, runId: number) => Promise<RunOutcome> } = {}) {
  const store = opts.store ?? open();
  const ran: { job: string; runId: number }[] = [];
  const config = defaultConfig();
  const settings: SchedulerSettings = { enabled: true, catchUp: 'one', graceMs: 120_000, maxParallel: 4, retries: 2, ...opts.settings };
  const sched = new CronScheduler({
    store,
    owner: opts.owner ?? selfOwner(),
    now: () => clock,
    log,
    settings: () => settings,
    execute:
      opts.execute ??
      (async (job, runId) => {
        ran.push({ job: job.id, runId });
        store.finish(runId, { state: 'completed', now: clock, output: 'ok' });
        return { ok: true };
      }),
  });
  const svc = new CronService({ store, now: () => clock, config: () => config, scheduler: sched });
  return { store, sched, svc, ran, settings };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('cron scheduler', () => {
  it('fires an interval job on time, once per firing, and a one-shot once', async () => {
    const { sched, svc, ran, store } = make();
    const every = svc.create({ schedule: 'every 1h', prompt: 'p' }, { createdBy: 'test' });
    const once = svc.create({ schedule: '30m', prompt: 'q' }, { createdBy: 'test' });
    expect(every.nextRuns.map((r) => r.at)).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    clock = T0 + 30 * 60_000;
    expect(sched.tick()).toHaveLength(1);
    expect(sched.tick()).toHaveLength(0);
    await settle();
    clock = T0 + HOUR + 500;
    sched.tick();
    await settle();
    clock = T0 + 2 * HOUR;
    sched.tick();
    await settle();
    expect(ran.map((r) => r.job)).toEqual([once.id, every.id, every.id]);
    expect(store.job(once.id)!.state).toBe('completed');
    expect(store.runs({ jobId: every.id }).map((r) => [r.kind, r.state, r.scheduledAt])).toEqual([
      ['scheduled', 'completed', T0 + 2 * HOUR],
      ['scheduled', 'completed', T0 + HOUR],
    ]);
  });

  it('after an outage, missed firings collapse into one catch-up run that says how many were missed', async () => {
    const { sched, svc, ran, store } = make();
    const job = svc.create({ schedule: 'every 1h', prompt: 'p' }, { createdBy: 'test' });
    clock = T0 + 6 * HOUR + 10 * 60_000; // the host was down for six firings
    expect(sched.tick()).toHaveLength(1);
    await settle();
    expect(sched.tick()).toHaveLength(0);
    expect(ran).toHaveLength(1);
    const [run] = store.runs({ jobId: job.id });
    expect(run).toMatchObject({ kind: 'catch_up', state: 'completed', missed: 6, scheduledAt: T0 + 6 * HOUR });
    expect(run.reason).toMatch(/6 firing\(s\) between .* were missed.*collapsed into this one catch-up run/);
    expect(store.job(job.id)!.nextRunAt).toBe(T0 + 7 * HOUR);
  });

  it('with catch_up skip nothing runs, and the skip is recorded with its reason', async () => {
    const { sched, svc, ran, store } = make({ settings: { catchUp: 'skip' } });
    const job = svc.create({ schedule: '0 * * * *', prompt: 'p', timezone: 'UTC' }, { createdBy: 'test' });
    clock = T0 + 3 * HOUR + 1000;
    sched.tick();
    await settle();
    expect(ran).toHaveLength(0);
    // 10:00 (the creation instant), 11:00, 12:00 and 13:00 were missed.
    expect(store.runs({ jobId: job.id })).toMatchObject([{ state: 'skipped', kind: 'catch_up', missed: 4 }]);
    expect(store.runs({ jobId: job.id })[0].reason).toMatch(/catch_up is "skip"/);
    // The job carries on with the next firing.
    expect(store.job(job.id)!.nextRunAt).toBe(T0 + 4 * HOUR);
    // A per-job setting overrides config.
    const eager = svc.create({ schedule: 'every 1h', prompt: 'p', catchUp: 'one' }, { createdBy: 'test' });
    clock += 5 * HOUR;
    sched.tick();
    await settle();
    expect(ran.map((r) => r.job)).toEqual([eager.id]);
  });

  it('two schedulers on one database never run a firing twice (100 racing ticks)', async () => {
    const a = make();
    const b = make({ store: open(), owner: { pid: 999_999, start: 'other' } });
    const jobs = Array.from({ length: 20 }, (_, i) => a.svc.create({ schedule: `every ${i + 1}m`, prompt: `job ${i}` }, { createdBy: 'test' }));
    for (let i = 0; i < 100; i++) {
      clock += 30_000;
      if (i % 2) {
        a.sched.tick();
        b.sched.tick();
      } else {
        b.sched.tick();
        a.sched.tick();
      }
      await settle();
    }
    const all = [...a.ran, ...b.ran];
    expect(all.length).toBeGreaterThan(100);
    expect(a.ran.length && b.ran.length).toBeTruthy();
    const keys = a.store.runs({ limit: 10_000 }).map((r) => `${r.jobId}@${r.scheduledAt}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(all.map((r) => r.runId)).size).toBe(all.length);
    // Every firing of the 1-minute job in the 50 minutes is accounted for, none twice.
    const minutely = a.store.runs({ jobId: jobs[0].id, limit: 1000 });
    expect(minutely.reduce((n, r) => n + Math.max(1, r.missed), 0)).toBe(50);
  });

  it('runs left claimed or running by a dead process become unknown and are not re-run; a live owner is left alone', async () => {
    const store = open();
    const { svc } = make({ store });
    const job = svc.create({ schedule: 'every 1h', prompt: 'p' }, { createdBy: 'test' });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const ghost: RunOwner = { pid: Number(dead), start: 'gone' };
    const orphan = store.claim({ jobId: job.id, expect: T0 + HOUR, scheduledAt: T0 + HOUR, kind: 'scheduled', owner: ghost, now: T0, nextRunAt: T0 + 2 * HOUR })!;
    store.markRunning(orphan, ghost, T0, 'thr_x');
    const alive = store.claim({ jobId: job.id, expect: null, scheduledAt: T0 + 5, kind: 'manual', owner: { pid: process.ppid, start: 'whatever' }, now: T0, nextRunAt: null })!;
    const { sched, ran } = make({ store });
    const unknown = sched.start();
    await sched.stop();
    expect(unknown.map((r) => r.id).sort()).toEqual([orphan, alive]);
    expect(store.run(orphan)).toMatchObject({ state: 'unknown' });
    expect(store.run(orphan)!.reason).toMatch(/stopped while the run was running; whether it had effects is unknown, so it is not re-run/);
    expect(ran).toHaveLength(0);
    // A pid that is alive but now belongs to another process (start time differs) counts as dead…
    expect(store.run(alive)!.state).toBe('unknown');
    // …while our own live rows are untouched.
    const mine = store.claim({ jobId: job.id, expect: null, scheduledAt: T0 + 9, kind: 'manual', owner: selfOwner(), now: T0, nextRunAt: null })!;
    store.recoverOrphans(selfOwner(), T0);
    expect(store.run(mine)!.state).toBe('claimed');
  });

  it('a firing due while the previous run still runs is skipped with a reason; failures back off on the record', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { sched, svc, store } = make({
      execute: async (_job, runId) => {
        await gate;
        store.finish(runId, { state: 'failed', now: clock, error: 'model down' });
        return { ok: false, error: 'model down' };
      },
    });
    const job = svc.create({ schedule: 'every 1m', prompt: 'p' }, { createdBy: 'test' });
    clock = T0 + 60_000;
    sched.tick();
    clock = T0 + 120_000;
    sched.tick();
    expect(store.runs({ jobId: job.id })[0]).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/previous run of this job is still running/) });
    clock = T0 + 170_000; // the run fails 10 s before the next firing
    release();
    await settle();
    const after = store.job(job.id)!;
    expect(after).toMatchObject({ failures: 1, lastStatus: 'failed', lastError: 'model down' });
    // The next firing would be in a few seconds; the 30 s backoff skips it, and says so.
    expect(store.runs({ jobId: job.id })[0]).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/backing off after 1 consecutive failure/) });
    expect(after.nextRunAt! - clock).toBeGreaterThanOrEqual(30_000);
  });

  it('resume keeps a firing that fell due while paused; removed jobs stay removed', async () => {
    const { sched, svc, ran, store } = make();
    const job = svc.create({ schedule: 'every 1h', prompt: 'p' }, { createdBy: 'test' });
    svc.pause(job.id);
    clock = T0 + HOUR + 30_000;
    sched.tick();
    expect(ran).toHaveLength(0);
    svc.resume(job.id);
    sched.tick();
    await settle();
    expect(ran).toHaveLength(1);
    svc.remove(job.id);
    clock += 10 * HOUR;
    sched.tick();
    expect(ran).toHaveLength(1);
    expect(svc.list().map((j) => j.id)).not.toContain(job.id);
    expect(store.job(job.id)!.state).toBe('removed');
    expect(() => svc.resume(job.id)).toThrow(/no cron job/);
  });

  it('validates schedules, zones and delivery targets with clear errors', () => {
    const { svc } = make();
    expect(() => svc.create({ schedule: 'every tuesday', prompt: 'p' }, { createdBy: 't' })).toThrow(/cron expression/);
    expect(() => svc.create({ schedule: '2020-01-01T00:00Z', prompt: 'p' }, { createdBy: 't' })).toThrow(/in the past/);
    expect(() => svc.create({ schedule: 'every 1h', prompt: 'p', timezone: 'Nowhere/City' }, { createdBy: 't' })).toThrow(/unknown time zone/);
    expect(() => svc.create({ schedule: 'every 1h', prompt: 'p', deliver: 'origin' }, { createdBy: 't' })).toThrow(/created from a chat/);
    expect(() => svc.create({ schedule: 'every 1h', prompt: 'p', deliver: 'tele gram' }, { createdBy: 't' })).toThrow(/cannot read the delivery target/);
    const j = svc.create({ schedule: '0 9 * * 1-5', prompt: 'standup', timezone: 'Europe/Berlin', deliver: 'telegram:42' }, { createdBy: 't' });
    expect(j.nextRuns).toHaveLength(3);
    expect(j.nextRuns[0].local).toBe('Tue 2026-05-05 09:00 GMT+2 (Europe/Berlin)');
  });
});
