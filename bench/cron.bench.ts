// Cron scheduler at scale. (1) Tick cost with 10,000 stored jobs: an idle tick (nothing due) and a tick that claims
// 10 due firings, against a baseline measured in the same run — a scheduler that loads every job and checks each
// one (what a jobs-file scheduler does each tick). (2) Due → turn start latency: an in-process host with the
// 10,000 jobs stored and 100 one-shot jobs falling due 100 ms apart; the time from each firing's instant to its
// cron thread's `turn/started`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/store/db';
import { CronStore } from '../server/cron/store';
import { CronScheduler } from '../server/cron/scheduler';
import { CronService } from '../server/cron/service';
import { selfOwner } from '../server/cron/owner';
import { defaultConfig } from '../server/config/schema';
import { createLogger } from '../server/util/log';
import { median, percentile, report, type BenchRow } from './lib';

const JOBS = Number(process.env.BENCH_CRON_JOBS ?? 10_000);
/** Firings fall due this far apart (10 per second). */
const SPACING_MS = 100;
const log = createLogger({ stderr: false, level: 'error' });

function fill(svc: CronService, n: number): void {
  const kinds = ['every 5m', 'every 1h', '0 9 * * 1-5', '*/15 * * * *', 'every 1d', '30 18 * * 0'];
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
  svc.store.db.transaction(() => {
    for (let i = 0; i < n; i++) svc.create({ schedule: kinds[i % kinds.length], prompt: `job ${i}`, timezone: zones[i % zones.length] }, { createdBy: 'bench' });
  })();
}

async function tickCost(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-cron-bench-'));
  const db = openDatabase(join(dir, 'h.db'));
  const store = new CronStore(db);
  let clock = Date.now();
  const config = defaultConfig();
  const sched = new CronScheduler({
    store,
    owner: selfOwner(),
    now: () => clock,
    log,
    settings: () => ({ enabled: true, catchUp: 'one', graceMs: 120_000, maxParallel: 1_000, retries: 2 }),
    execute: async (_job, runId) => {
      store.finish(runId, { state: 'completed', now: clock });
      return { ok: true };
    },
  });
  const svc = new CronService({ store, now: () => clock, config: () => config, scheduler: sched });
  fill(svc, JOBS);
  const idle: number[] = [];
  const busy: number[] = [];
  const scan: number[] = [];
  const all = db.prepare(`SELECT * FROM cron_jobs WHERE state = 'scheduled'`);
  for (let round = 0; round < 60; round++) {
    let t0 = performance.now();
    sched.tick();
    idle.push(performance.now() - t0);
    // Baseline: read every job and check each one's due time.
    t0 = performance.now();
    let due = 0;
    for (const r of all.iterate() as Iterable<{ next_run_at: number | null }>) if (r.next_run_at !== null && r.next_run_at <= clock) due++;
    scan.push(performance.now() - t0);
    // Make 10 jobs due and time the tick that claims them.
    const ids = db.prepare(`SELECT id FROM cron_jobs WHERE state = 'scheduled' ORDER BY random() LIMIT 10`).all() as { id: string }[];
    for (const { id } of ids) db.prepare(`UPDATE cron_jobs SET next_run_at = ? WHERE id = ?`).run(clock - 1, id);
    t0 = performance.now();
    const started = sched.tick();
    busy.push(performance.now() - t0);
    if (started.length !== 10 || due < 0) throw new Error(`expected 10 claims, got ${started.length}`);
    clock += 1;
    await new Promise((r) => setImmediate(r)); // let the claimed runs finish
  }
  db.close();
  return [
    { metric: `idle tick, ${JOBS} jobs (median)`, value: median(idle), unit: 'ms', baseline: median(scan), target: '≤ 5 ms' },
    { metric: `idle tick, ${JOBS} jobs (p99)`, value: percentile(idle, 99), unit: 'ms', baseline: percentile(scan, 99) },
    { metric: `tick claiming 10 due, ${JOBS} jobs (median)`, value: median(busy), unit: 'ms', baseline: median(scan), target: '≤ 5 ms' },
    { metric: `tick claiming 10 due, ${JOBS} jobs (p99)`, value: percentile(busy, 99), unit: 'ms', baseline: percentile(scan, 99) },
  ];
}

async function dueToTurn(): Promise<BenchRow[]> {
  const home = mkdtempSync(join(tmpdir(), 'hermes-cron-bench-home-'));
  // No model behind the endpoint: the turn starts (what is measured) and then fails fast.
  writeFileSync(join(home, 'config.yaml'), 'model:\n  default: bench\n  base_url: http://127.0.0.1:9/v1\n  max_retries: 0\ncron:\n  max_parallel_jobs: 64\n  delivery_wait_ms: 0\n');
  const { Host } = await import('../server/host');
  const { startCron, cronOf } = await import('../server/cron');
  const host = new Host({ hermesHome: home, workspaceRoot: home, log });
  fill(cronOf(host), JOBS);
  startCron(host);
  const svc = cronOf(host); // now with the scheduler
  // Warm up (skills seeded, prompt sections loaded) with one run before measuring.
  const warm = svc.create({ schedule: 'every 1d', prompt: 'warm up' }, { createdBy: 'bench' });
  await svc.runNow(warm.id, true);
  const N = Number(process.env.BENCH_CRON_FIRINGS ?? 100);
  const firingOf = new Map<string, number>();
  const lat: number[] = [];
  const done = new Promise<void>((resolve) => {
    host.events.on((n) => {
      if (n.method === 'cron/fired' && n.params.run.threadId && n.params.run.state === 'running') firingOf.set(n.params.run.threadId, n.params.run.scheduledAt);
      if (n.method === 'turn/started') {
        const at = firingOf.get(n.params.threadId);
        if (at !== undefined) {
          lat.push(Date.now() - at);
          if (lat.length === N) resolve();
        }
      }
    });
  });
  const start = Date.now() + 1500;
  for (let i = 0; i < N; i++) svc.create({ schedule: new Date(start + i * SPACING_MS).toISOString(), prompt: `bench firing ${i}` }, { createdBy: 'bench' });
  await done;
  await host.close();
  return [
    { metric: 'due → turn/started (median)', value: median(lat), unit: 'ms' },
    { metric: 'due → turn/started (p99)', value: percentile(lat, 99), unit: 'ms', target: '≤ 1000 ms' },
  ];
}

async function main() {
  const rows = [...(await tickCost()), ...(await dueToTurn())];
  report('cron', rows);
  process.exit(0);
}

void main();
