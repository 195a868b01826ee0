// The Cron view's nodes: jobs with next firing and last result, and the states a user must notice.
import { describe, expect, it } from 'vitest';
import { cronNodes } from '../../extension/views/cron-nodes';
import type { CronJobView, CronRunView } from '../../server/protocol';

const NOW = Date.parse('2026-05-04T10:00:00Z');
const run = (o: Partial<CronRunView>): CronRunView => ({
  id: 7, jobId: 'abc', scheduledAt: NOW - 60_000, kind: 'scheduled', state: 'completed', reason: null, missed: 1, startedAt: NOW - 60_000, finishedAt: NOW - 50_000,
  threadId: 'thr_1', error: null, output: 'Build is green', deliveryState: 'sent', deliveryError: null, ...o,
});
const job = (o: Partial<CronJobView>): CronJobView => ({
  id: 'abc', name: 'build check', prompt: 'check the build', schedule: 'every 2h', scheduleDisplay: 'every 2h', timezone: 'UTC', state: 'scheduled',
  nextRunAt: NOW + 3_600_000, nextRuns: [{ at: NOW + 3_600_000, local: 'Mon 2026-05-04 11:00 GMT+0 (UTC)' }], skills: [], toolsets: null, deliver: 'telegram',
  allowDangerous: false, timeoutS: null, catchUp: null, repeat: { times: null, done: 3 }, failures: 0, lastRunAt: NOW - 50_000, lastStatus: 'completed',
  lastError: null, lastRun: run({}), createdBy: 'cli', createdAt: NOW - 86_400_000, ...o,
});

describe('Cron view nodes', () => {
  it('shows each job with its next firing, schedule, target and last result (openable to its thread)', () => {
    const [n] = cronNodes([job({})], NOW);
    expect(n).toMatchObject({ label: 'build check', description: 'next in 60m', icon: 'clock', jobId: 'abc' });
    expect(n.children!.map((c) => c.label)).toEqual(['Schedule: every 2h', 'Next', 'Delivers to: telegram', 'Last run: completed, delivery sent']);
    expect(n.children![3]).toMatchObject({ threadId: 'thr_1', icon: 'pass', description: '50s ago', tooltip: 'Build is green' });
  });

  it('makes failed deliveries, unknown runs, catch-ups and paused jobs stand out', () => {
    const failed = cronNodes([job({ lastError: 'delivery failed: chat not found', lastRun: run({ deliveryState: 'failed', deliveryError: 'chat not found' }) })], NOW)[0];
    expect(failed.icon).toBe('warning');
    expect(failed.children!.find((c) => c.label.startsWith('Last run'))).toMatchObject({ label: 'Last run: completed, delivery failed', icon: 'error' });
    expect(failed.children!.at(-1)).toMatchObject({ label: 'Last error', description: 'delivery failed: chat not found' });
    const unknown = cronNodes([job({ lastRun: run({ state: 'unknown', reason: 'the host stopped', deliveryState: null }) })], NOW)[0];
    expect(unknown.children![3]).toMatchObject({ label: 'Last run: unknown', icon: 'warning', tooltip: expect.stringContaining('the host stopped') });
    const caught = cronNodes([job({ lastRun: run({ kind: 'catch_up', missed: 6 }) })], NOW)[0];
    expect(caught.children![3].label).toBe('Last run: completed (catch-up), delivery sent');
    expect(cronNodes([job({ state: 'paused', nextRuns: [] })], NOW)[0]).toMatchObject({ icon: 'debug-pause', description: 'paused' });
    expect(cronNodes([], NOW)[0].label).toBe('No scheduled jobs');
    expect(cronNodes(null, NOW, 'host not running')[0]).toMatchObject({ label: 'Cannot read cron jobs', icon: 'error' });
  });
});
