// At most once, with real processes: two hosts race to own one HERMES_HOME (one wins), eight jobs fire every second,
// the owner is killed with SIGKILL while runs are in flight, and a new owner takes over. Over more than 100 firings
// no firing runs twice: the runs in flight at the kill are marked unknown (not re-run), the firings missed while no
// host ran are collapsed into catch-up runs, and every started run made exactly one model call.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { until } from '../support/until';
import { connectSocket, tempHome, writeTestConfig, type HostProcess, type RpcClient } from '../support/host-process';
import { lastUserText } from '../support/gateway-env';

vi.setConfig({ testTimeout: 120_000 });

const env = useE2E({ killSignal: 'SIGKILL' });
const JOBS = 8;


afterAll(() => {
  env.model.fallback = { text: 'script exhausted' };
});

async function owner(home: string): Promise<{ host: HostProcess; rpc: RpcClient }> {
  const host = env.start({ home, args: ['--listen'] });
  const socket = join(home, 'host.sock');
  // The killed owner's socket file may still be there: wait until the new host answers on it.
  const rpc = await until(() => (host.proc.exitCode === null ? connectSocket(socket).catch(() => undefined) : undefined), 'the new owner to listen');
  await rpc.initialize({ name: 'cron-crash-test' });
  return { host, rpc };
}

const firings = (db: Database.Database) => (db.prepare(`SELECT COALESCE(SUM(MAX(missed, 1)), 0) AS n FROM cron_runs`).get() as { n: number }).n;

describe('cron: two owners and a crash mid-run', () => {
  it('never runs a firing twice across an ownership race, SIGKILL mid-run and a restart (>100 firings)', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL, 'cron:\n  max_parallel_jobs: 8\n  misfire_grace: 1\n');
    env.model.fallback = { text: 'tick done' };

    // Two owning-host attempts at once: exactly one owns the home, the other refuses and exits.
    const a = env.start({ home, args: ['--listen'] });
    const b = env.start({ home, args: ['--listen'] });
    const loser = await until(() => (a.proc.exitCode !== null ? a : b.proc.exitCode !== null ? b : undefined), 'one host to refuse');
    expect(loser.proc.exitCode).not.toBe(0);
    expect(loser.stderr()).toMatch(/already owned by/);
    const winner = loser === a ? b : a;
    const socket = join(home, 'host.sock');
    await until(() => existsSync(socket), 'the socket');
    const rpc = await connectSocket(socket);
    await rpc.initialize({ name: 'cron-crash-test' });

    for (let i = 0; i < JOBS; i++) await rpc.request('cron/add', { schedule: 'every 1s', prompt: `tick job ${i}` });
    const db = new Database(join(home, 'hermes-host.db'), { readonly: true });
    await until(() => firings(db) >= 40, '40 firings');

    // Runs stall at the model; kill the owner while some are in flight.
    env.model.fallback = { text: 'slow', firstTokenDelayMs: 60_000 };
    const stalledAt = env.model.chatRequests().length;
    await until(() => env.model.chatRequests().length >= stalledAt + 2 && (db.prepare(`SELECT COUNT(*) AS n FROM cron_runs WHERE state = 'running'`).get() as { n: number }).n > 0, 'runs in flight');
    rpc.dispose();
    winner.proc.kill('SIGKILL');
    await winner.exited;
    const callsAtKill = env.model.chatRequests().length;
    const inFlight = db.prepare(`SELECT id FROM cron_runs WHERE state IN ('claimed','running')`).all() as { id: number }[];
    expect(inFlight.length).toBeGreaterThan(0);
    env.model.fallback = { text: 'tick done' };

    // A new owner: the orphaned runs become unknown at once, and scheduling goes on past 100 firings.
    const next = await owner(home);
    await until(() => firings(db) >= 110, '110 firings', 60_000);
    for (const { id } of inFlight) {
      const r = db.prepare(`SELECT state, reason FROM cron_runs WHERE id = ?`).get(id) as { state: string; reason: string };
      expect(r.state).toBe('unknown');
      expect(r.reason).toMatch(/stopped while the run was .*not re-run/);
    }
    const status = await next.rpc.request('cron/status', {});
    expect(status.problems.some((p) => p.state === 'unknown')).toBe(true);
    await next.rpc.request('cron/pause', { id: 'tick job 0' }).catch(() => undefined);
    next.rpc.dispose();
    await next.host.kill('SIGTERM');

    // Zero double runs: one ledger row per (job, firing); one thread and one model call per started run.
    const rows = db.prepare(`SELECT job_id, scheduled_at, state, thread_id, kind FROM cron_runs`).all() as { job_id: string; scheduled_at: number; state: string; thread_id: string | null; kind: string }[];
    const keys = rows.map((r) => `${r.job_id}@${r.scheduled_at}`);
    expect(new Set(keys).size).toBe(keys.length);
    const started = rows.filter((r) => r.thread_id);
    expect(new Set(started.map((r) => r.thread_id)).size).toBe(started.length);
    const cronThreads = (db.prepare(`SELECT COUNT(*) AS n FROM threads WHERE source = 'cron'`).get() as { n: number }).n;
    // (A host killed between creating a run's thread and marking the run running leaves a thread without a run.)
    expect(cronThreads).toBeGreaterThanOrEqual(started.length);
    expect(cronThreads).toBeLessThanOrEqual(started.length + inFlight.length);
    // Each model call names its run: only started runs made calls, and no run in flight at the kill was resumed or
    // re-run by the new owner.
    const runOf = (t: string) => Number(/\brun (\d+), firing/.exec(t)?.[1]);
    const calledRuns = new Set(env.model.chatRequests().map((r) => runOf(lastUserText(r.body))).filter((n) => n > 0));
    const startedIds = new Set((db.prepare(`SELECT id FROM cron_runs WHERE thread_id IS NOT NULL`).all() as { id: number }[]).map((r) => r.id));
    for (const id of calledRuns) expect(startedIds.has(id)).toBe(true);
    const afterKill = env.model.chatRequests().slice(callsAtKill).map((r) => runOf(lastUserText(r.body)));
    for (const { id } of inFlight) expect(afterKill).not.toContain(id);
    expect(rows.filter((r) => r.state === 'completed').length).toBeGreaterThan(20);
    // Every firing is accounted for: run, skipped with a reason, or unknown.
    expect(rows.every((r) => ['completed', 'failed', 'skipped', 'unknown'].includes(r.state))).toBe(true);
    expect((db.prepare(`SELECT COUNT(*) AS n FROM cron_runs WHERE state = 'skipped' AND (reason IS NULL OR reason = '')`).get() as { n: number }).n).toBe(0);
    expect(firings(db)).toBeGreaterThanOrEqual(110);
    db.close();
  });
});
