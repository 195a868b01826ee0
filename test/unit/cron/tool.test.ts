// The cronjob tool: the schedule is shown back with the next three firings, the current chat becomes the delivery
// target, approvals guard allowances and outward delivery, and the tool refuses to run inside a cron run.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { CronStore } from '../../../server/cron/store';
import { CronService } from '../../../server/cron/service';
import { createCronjobTool } from '../../../server/tools/cronjob';
import { defaultConfig } from '../../../server/config/schema';
import { policyFor } from '../../../server/agent/policy';
import type { ToolContext } from '../../../server/tools/types';
import type { ApprovalGate } from '../../../server/approval/types';

const NOW = Date.parse('2026-05-04T10:00:00Z');

function setup(allow: boolean) {
  const db = new Database(':memory:');
  migrate(db);
  const config = defaultConfig();
  const svc = new CronService({ store: new CronStore(db), now: () => NOW, config: () => config });
  const asked: string[] = [];
  const approvals = {
    checkAction: async (_ctx: ToolContext, req: { subject: string }) => {
      asked.push(req.subject);
      return allow ? { allowed: true, decision: 'once' } : { allowed: false, decision: 'deny', message: 'BLOCKED: the user said no' };
    },
  } as unknown as ApprovalGate;
  const tool = createCronjobTool({ cron: () => svc, approvals, chatOf: (t) => (t === 'thr_chat' ? { platform: 'telegram', chatId: '1001' } : undefined) });
  const ctx = (threadId: string, kind: 'chat' | 'cron' = 'chat') =>
    ({ threadId, policy: policyFor(config, { surfaceId: kind, kind, label: kind }) }) as unknown as ToolContext;
  return { svc, tool, ctx, asked };
}

describe('cronjob tool', () => {
  it('creates from a chat delivering back to it, and shows the reading of the schedule and its next three firings', async () => {
    const { tool, ctx, svc, asked } = setup(true);
    const r = await tool.run({ action: 'create', schedule: '0 9 * * 1-5', prompt: 'standup summary', timezone: 'Europe/Berlin' }, ctx('thr_chat'));
    expect(r.isError).toBeFalsy();
    expect(r.content).toMatch(/read as cron 0 9 \* \* 1-5 \(Europe\/Berlin\)/);
    expect(r.content).toMatch(/1\. Tue 2026-05-05 09:00 GMT\+2[\s\S]*2\. Wed 2026-05-06 09:00[\s\S]*3\. Thu 2026-05-07 09:00/);
    expect(r.content).toMatch(/Delivers to: origin\..*refused/);
    expect(r.content).toMatch(/confirm/);
    expect(svc.list()[0]).toMatchObject({ deliver: 'origin', allowDangerous: false });
    expect(asked).toEqual([]);
  });

  it('asks before an allowance or delivery elsewhere; a refusal creates nothing', async () => {
    const no = setup(false);
    const r = await no.tool.run({ action: 'create', schedule: 'every 1h', prompt: 'p', deliver: 'telegram:999' }, no.ctx('thr_chat'));
    expect(r).toMatchObject({ isError: true, content: 'BLOCKED: the user said no' });
    const r2 = await no.tool.run({ action: 'create', schedule: 'every 1h', prompt: 'p', allow_dangerous: true }, no.ctx('thr_x'));
    expect(r2.isError).toBe(true);
    expect(no.svc.list()).toHaveLength(0);
    expect(no.asked).toHaveLength(2);
    const yes = setup(true);
    const ok = await yes.tool.run({ action: 'create', schedule: 'every 1h', prompt: 'p', allow_dangerous: true }, yes.ctx('thr_x'));
    expect(ok.content).toMatch(/may execute commands that need approval/);
  });

  it('explains schedules it cannot read, manages jobs by id, and is refused inside cron runs', async () => {
    const { tool, ctx, svc } = setup(true);
    expect((await tool.run({ action: 'create', schedule: 'every weekday at 9', prompt: 'p' }, ctx('thr_x'))).content).toMatch(/cron expression/);
    const j = svc.create({ schedule: 'every 1h', prompt: 'p' }, { createdBy: 't' });
    expect((await tool.run({ action: 'pause', job_id: j.id }, ctx('thr_x'))).content).toMatch(/^Paused/);
    expect((await tool.run({ action: 'list' }, ctx('thr_x'))).content).toContain(j.id);
    expect((await tool.run({ action: 'remove', job_id: j.id }, ctx('thr_x'))).content).toBe(`Removed job ${j.id}.`);
    expect((await tool.run({ action: 'resume', job_id: j.id }, ctx('thr_x'))).content).toMatch(/no cron job/);
    const inCron = await tool.run({ action: 'create', schedule: 'every 1h', prompt: 'again' }, ctx('thr_y', 'cron'));
    expect(inCron).toMatchObject({ isError: true, content: expect.stringMatching(/not available inside a cron run/) });
  });
});
