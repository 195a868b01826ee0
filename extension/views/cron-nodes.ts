// The Cron view's content as plain data (kept free of the vscode API so it is unit-tested): one node per job with its
// schedule, next firing and last result, and under it the last run's details.
import type { CronJobView, CronRunView } from '../../server/protocol';

export interface CronNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: 'clock' | 'debug-pause' | 'pass' | 'error' | 'warning' | 'info' | 'circle-slash' | 'sync';
  /** Set on job nodes: "run now" and friends act on it. */
  jobId?: string;
  /** A run's thread (opens its transcript). */
  threadId?: string;
  children?: CronNode[];
}

function ago(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return `in ${span(-s)}`;
  return `${span(s)} ago`;
}

function span(s: number): string {
  return s < 90 ? `${s}s` : s < 5400 ? `${Math.round(s / 60)}m` : s < 172_800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
}

export function runSummary(r: CronRunView): string {
  const delivery = r.deliveryState && r.deliveryState !== 'none' ? `, delivery ${r.deliveryState}` : '';
  return `${r.state}${r.kind === 'catch_up' ? ' (catch-up)' : r.kind === 'manual' ? ' (manual)' : ''}${delivery}`;
}

function runIcon(r: CronRunView): CronNode['icon'] {
  if (r.state === 'running' || r.state === 'claimed') return 'sync';
  if (r.state === 'failed' || r.deliveryState === 'failed') return 'error';
  if (r.state === 'unknown' || r.deliveryState === 'unknown' || r.state === 'skipped') return 'warning';
  return 'pass';
}

export function cronNodes(jobs: CronJobView[] | null, now: number, error?: string): CronNode[] {
  if (error) return [{ id: 'cron-error', label: 'Cannot read cron jobs', description: error, icon: 'error' }];
  if (!jobs?.length) return [{ id: 'cron-empty', label: 'No scheduled jobs', description: 'ask Hermes to schedule one, or /cron add "every 2h" …', icon: 'info' }];
  return jobs.map((j) => {
    const next = j.nextRuns[0];
    const children: CronNode[] = [
      { id: `${j.id}:schedule`, label: `Schedule: ${j.scheduleDisplay}`, description: j.timezone, icon: 'clock' },
      ...(next ? [{ id: `${j.id}:next`, label: 'Next', description: next.local, icon: 'clock' as const }] : []),
      { id: `${j.id}:deliver`, label: `Delivers to: ${j.deliver}`, icon: 'info' },
    ];
    if (j.lastRun) {
      const r = j.lastRun;
      children.push({
        id: `${j.id}:last`,
        label: `Last run: ${runSummary(r)}`,
        description: r.finishedAt ? ago(r.finishedAt, now) : r.startedAt ? `started ${ago(r.startedAt, now)}` : undefined,
        tooltip: [r.reason, r.error, r.deliveryError, r.output].filter(Boolean).join('\n\n') || undefined,
        icon: runIcon(r),
        ...(r.threadId ? { threadId: r.threadId } : {}),
      });
    }
    if (j.lastError) children.push({ id: `${j.id}:error`, label: 'Last error', description: j.lastError, tooltip: j.lastError, icon: 'error' });
    const icon: CronNode['icon'] = j.state === 'paused' ? 'debug-pause' : j.state === 'error' ? 'error' : j.state === 'completed' ? 'circle-slash' : j.lastError ? 'warning' : 'clock';
    return {
      id: j.id,
      label: j.name,
      description: j.state === 'scheduled' && next ? `next ${ago(next.at, now)}` : j.state,
      tooltip: `${j.prompt}\n\n${j.scheduleDisplay} (${j.timezone})`,
      icon,
      jobId: j.id,
      children,
    };
  });
}
