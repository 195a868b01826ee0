// The policy a cron run gets: unattended (nobody asked), dangerous commands refused unless a person allowed them.
import { describe, expect, it } from 'vitest';
import { cronPolicy, buildCronPrompt } from '../../../server/cron/runner';
import { HermesConfigSchema } from '../../../server/config/schema';
import { splitScheduleArgs } from '../../../server/cron/command';

const job = { id: 'j1', name: 'nightly', allowDangerous: false, toolsets: null };
const cfg = (o: Record<string, unknown> = {}) => HermesConfigSchema.parse(o);

describe('cron policy', () => {
  it('denies approval-needing commands without asking anyone, by default', () => {
    expect(cronPolicy(cfg(), job)).toMatchObject({ approvalMode: 'deny', answerers: 'none', origin: { kind: 'cron', surfaceId: 'cron' } });
  });
  it('an explicit allowance (or Hermes approvals.cron_mode: approve) runs them; config deny still wins', () => {
    expect(cronPolicy(cfg(), { ...job, allowDangerous: true }).approvalMode).toBe('off');
    expect(cronPolicy(cfg({ approvals: { cron_mode: 'approve' } }), job).approvalMode).toBe('off');
    expect(cronPolicy(cfg({ approvals: { mode: 'deny' } }), { ...job, allowDangerous: true }).approvalMode).toBe('deny');
  });
  it('narrows toolsets to what config enables', () => {
    expect(cronPolicy(cfg({ toolsets: ['web', 'file'] }), { ...job, toolsets: ['web', 'terminal'] }).toolsets).toEqual(['web']);
  });
  it("reads Hermes's cron section (max_parallel_jobs: null)", () => {
    expect(cfg({ cron: { wrap_response: true, max_parallel_jobs: null } }).cron).toMatchObject({ max_parallel_jobs: 4, catch_up: 'one', enabled: true });
  });
  it('the run prompt names the firing, says how to stay silent, and loads skills or says which are missing', () => {
    const text = buildCronPrompt({ id: 'j1', prompt: 'summarise the news', skills: ['news', 'gone'] }, { id: 5, scheduledAt: Date.parse('2026-05-04T09:00:00Z') }, (n) =>
      n === 'news' ? ({ name: 'news', body: 'Read three sources.', dir: '/s/news', linkedFiles: {}, missingEnv: [] } as never) : undefined,
    );
    expect(text).toMatch(/not installed: gone[\s\S]*<skill name="news"[\s\S]*Read three sources[\s\S]*\[SILENT\][\s\S]*run 5, firing scheduled for 2026-05-04T09:00:00.000Z[\s\S]*summarise the news$/);
  });
  it('/cron add splits the schedule from the prompt', () => {
    expect(splitScheduleArgs('"every 2h" check the build')).toEqual({ schedule: 'every 2h', prompt: 'check the build' });
    expect(splitScheduleArgs('every 2h check the build')).toEqual({ schedule: 'every 2h', prompt: 'check the build' });
    expect(splitScheduleArgs('every 2 hours check')).toEqual({ schedule: 'every 2 hours', prompt: 'check' });
    expect(splitScheduleArgs('0 9 * * 1-5 standup notes')).toEqual({ schedule: '0 9 * * 1-5', prompt: 'standup notes' });
    expect(splitScheduleArgs('30m stretch')).toEqual({ schedule: '30m', prompt: 'stretch' });
    expect(splitScheduleArgs('30m')).toBeUndefined();
  });
});
