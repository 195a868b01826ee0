// Cron end to end in the built host started with --gateway: real grammy against the fake Telegram Bot API, the
// scripted model. A scheduled firing delivers through the gateway's outbox; [SILENT] delivers nothing; a delivery
// the platform refuses is recorded on the run and surfaced (never "sent"); a dangerous command in an unattended
// run is refused without anyone being asked; the CLI and /cron reach the same jobs.
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { until } from '../support/until';
import { FakeTelegram } from '../support/fake-telegram';
import { runCli, startHost, type RpcClient } from '../support/host-process';
import type { E2EEnv } from '../support/e2e-env';
import { attach, lastUserText, startGateway, type GatewayHost } from '../support/gateway-env';
import type { CronRunView } from '../../server/protocol';

vi.setConfig({ testTimeout: 90_000 });

const env = useE2E();
let tg: FakeTelegram;
let g: GatewayHost;
let vs: RpcClient;
const CHAT = 1001;

// One gateway host for the whole file (the tests build on each other's jobs); useE2E would stop it after each test.
beforeAll(async () => {
  tg = await FakeTelegram.start();
  const shared: E2EEnv = { get model() { return env.model; }, start: (o) => startHost(o) };
  g = await startGateway(shared, tg, { env: { TELEGRAM_ALLOWED_USERS: String(CHAT) } });
  vs = await attach(g);
});
afterAll(async () => {
  vs?.dispose();
  await g?.host.kill('SIGTERM');
  expect(vs?.violations ?? []).toEqual([]);
  await tg?.close();
});


const lastRun = async (id: string): Promise<CronRunView | undefined> => (await vs.request('cron/history', { id, limit: 1 })).runs[0];
const finished = (id: string) => until(async () => {
  const r = await lastRun(id);
  return r && r.deliveryState && r.deliveryState !== 'pending' ? r : undefined;
}, `job ${id} to finish and deliver`);

describe('cron in the gateway host', () => {
  it('a scheduled firing runs as a cron thread and its reply reaches the chat through the outbox; [SILENT] sends nothing', async () => {
    env.model.script({ text: 'Build #42 is **green**.', when: (b) => lastUserText(b).includes('check the build') });
    const at = new Date(Date.now() + 1500).toISOString();
    const { job } = await vs.request('cron/add', { schedule: at, prompt: 'check the build', deliver: `telegram:${CHAT}`, name: 'build check' });
    expect(job).toMatchObject({ scheduleDisplay: `once at ${at}`, repeat: { times: 1, done: 0 }, state: 'scheduled' });
    const msg = await tg.waitFor(() => tg.sentTo(CHAT).find((m) => m.text.includes('Build #42')), 30_000, 'the cron delivery');
    expect(msg.text).toContain('<b>green</b>');
    const run = await finished(job.id);
    expect(run).toMatchObject({ kind: 'scheduled', state: 'completed', deliveryState: 'sent', deliveryError: null });
    // The run is an ordinary thread, source cron; the model saw the unattended-run instructions and the prompt.
    const { threads } = await vs.request('thread/list', {});
    expect(threads.find((t) => t.id === run.threadId)).toMatchObject({ source: 'cron' });
    const req = env.model.chatRequests().find((r) => lastUserText(r.body).includes('check the build'))!;
    expect(lastUserText(req.body)).toMatch(/scheduled cron job[\s\S]*\[SILENT\][\s\S]*check the build/);
    // Clients heard the firing.
    expect(vs.notifications.some((n) => n.method === 'cron/fired' && n.params.run.jobId === job.id && n.params.run.state === 'running')).toBe(true);
    const done = (await vs.request('cron/list', {})).jobs.find((j) => j.id === job.id)!;
    expect(done).toMatchObject({ state: 'completed', repeat: { done: 1 }, lastStatus: 'completed' });

    // A reply of [SILENT] delivers nothing, and says so.
    env.model.script({ text: '[SILENT]', when: (b) => lastUserText(b).includes('anything new?') });
    const quiet = (await vs.request('cron/add', { schedule: 'every 1h', prompt: 'anything new?', deliver: `telegram:${CHAT}` })).job;
    const before = tg.sentTo(CHAT).length;
    const r = await vs.request('cron/run', { id: quiet.id, wait: true });
    expect(r.run).toMatchObject({ kind: 'manual', state: 'completed', deliveryState: 'silent' });
    expect(tg.sentTo(CHAT).length).toBe(before);
  });

  it('a delivery the platform refuses is recorded on the run and surfaced in status and history, never reported as sent', async () => {
    tg.fail('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    env.model.script({ text: 'Report for the void.', when: (b) => lastUserText(b).includes('report to nowhere') });
    const { job } = await vs.request('cron/add', { schedule: 'every 1h', prompt: 'report to nowhere', deliver: 'telegram:-4242' });
    const { run } = await vs.request('cron/run', { id: job.id, wait: true });
    expect(run).toMatchObject({ state: 'completed', deliveryState: 'failed' });
    expect(run.deliveryError).toMatch(/chat not found/);
    const status = await vs.request('cron/status', {});
    expect(status.running).toBe(true);
    expect(status.problems.map((p) => p.id)).toContain(run.id);
    const listed = (await vs.request('cron/list', {})).jobs.find((j) => j.id === job.id)!;
    expect(listed.lastError).toMatch(/delivery failed: .*chat not found/);
    const cli = await runCli(['cron', 'history', job.id], { HERMES_HOME: g.home });
    expect(cli.stdout).toMatch(/delivery:failed[\s\S]*chat not found/);
  });

  it('a dangerous command in an unattended run is refused without a prompt to anyone', async () => {
    const victim = join(homedir(), '.cache', 'hermes-host-tests', `cron-victim-${process.pid}`);
    mkdirSync(victim, { recursive: true });
    const asked: string[] = [];
    const { connectSocket } = await import('../support/host-process');
    const watcher = await connectSocket(g.socket, { 'approval/request': (p: { command?: string }) => (asked.push(p.command ?? ''), { decision: 'once' }) });
    await watcher.initialize({ name: 'vscode-watcher', approvals: true });
    await watcher.request('thread/subscribe', { all: true });
    env.model.script(
      { toolCalls: [{ name: 'terminal', arguments: { command: `rm -rf ${victim}` } }], when: (b) => lastUserText(b).includes('clean the cache') },
      { text: 'Could not clean it.', when: (b) => b.messages.some((m) => m.role === 'tool') && lastUserText(b).includes('clean the cache') },
    );
    const { job } = await vs.request('cron/add', { schedule: 'every 1d', prompt: 'clean the cache' });
    const { run } = await vs.request('cron/run', { id: job.id, wait: true });
    expect(run.state).toBe('completed');
    expect(existsSync(victim)).toBe(true);
    expect(asked).toEqual([]);
    expect(tg.sentTo(CHAT).some((m) => m.text.includes('rm -rf'))).toBe(false);
    const second = env.model.chatRequests().find((r) => lastUserText(r.body).includes('clean the cache') && r.body.messages.some((m) => m.role === 'tool'))!;
    const toolMsg = second.body.messages.find((m) => m.role === 'tool');
    expect(String(toolMsg?.content)).toMatch(/BLOCKED: this turn runs unattended/);
    // The refusal is in the approvals audit, decided by policy, not by a person.
    const audit = await vs.request('approvals/list', {});
    expect(JSON.stringify(audit)).toMatch(/policy-deny/);
    watcher.dispose();
  });

  it('the CLI and /cron in the chat manage the same jobs through the owning host', async () => {
    const add = await runCli(['cron', 'add', '0 9 * * 1-5', 'weekday standup', '--tz', 'Europe/Berlin', '--json'], { HERMES_HOME: g.home });
    expect(add.stderr).toBe('');
    const job = JSON.parse(add.stdout).job;
    expect(job.nextRuns).toHaveLength(3);
    expect(job.nextRuns.every((r: { local: string }) => / 09:00 GMT\+[12] \(Europe\/Berlin\)$/.test(r.local) && !/^(Sat|Sun)/.test(r.local))).toBe(true);
    const bad = await runCli(['cron', 'add', 'every tuesday', 'x'], { HERMES_HOME: g.home });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/cron expression/);
    expect((await runCli(['cron', 'pause', job.id], { HERMES_HOME: g.home })).stdout).toMatch(/^paused/);
    tg.userSends({ userId: CHAT, text: '/cron list' });
    const listing = await tg.waitFor(() => tg.sentTo(CHAT).find((m) => m.text.includes('weekday standup')), 20_000, 'the /cron list reply');
    expect(listing.text).toMatch(/paused/);
    tg.userSends({ userId: CHAT, text: '/cron add "every 3h" water the plants' });
    const added = await tg.waitFor(() => tg.sentTo(CHAT).find((m) => m.text.startsWith('Added')), 20_000, 'the /cron add reply');
    expect(added.text).toMatch(/water the plants\s+\[every 3h/);
    // Created in the chat, it delivers back to that chat.
    const mine = (await vs.request('cron/list', {})).jobs.find((j) => j.prompt === 'water the plants')!;
    expect(mine.deliver).toBe('origin');
    const rm = await runCli(['cron', 'remove', mine.id, '--json'], { HERMES_HOME: g.home });
    expect(JSON.parse(rm.stdout)).toEqual({ removed: true, id: mine.id });
  });
});
