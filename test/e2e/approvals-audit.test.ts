// The approval audit is readable: approvals/list over the protocol and `hermes-host approvals log` from state.db
// (with the host running and after it is gone) show each request with the id clients were sent, who decided what,
// and the subject already redacted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome, writeTestConfig } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E({ drained: true });
const SECRET = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

describe('approval audit', () => {
  it('approvals/list and `approvals log` show requests, ids, decisions and who answered', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    mkdirSync(join(ws, 'build'));
    writeFileSync(join(ws, 'build', 'x'), 'x');
    writeTestConfig(home, env.model.baseURL);
    let n = 0;
    const host = env.start({ home, handlers: { 'approval/request': () => ({ decision: n++ === 0 ? 'once' : 'deny' }) } });
    const c = host.client;
    await c.initialize({ name: 'auditor', approvals: true, workspace: ws });
    const run = async (threadId: string, command: string) => {
      env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command } }] }, { text: 'ok' });
      const before = c.of('turn/completed').length;
      await c.request('turn/start', { threadId, input: [{ type: 'text', text: 'go' }] });
      await c.waitFor('turn/completed', () => c.of('turn/completed').length > before);
    };
    const { thread: a } = await c.request('thread/start', {});
    const { thread: b } = await c.request('thread/start', {});
    await run(a.id, `rm -rf build && echo ${SECRET}`);
    await run(b.id, 'rm -rf build');
    await run(b.id, 'rm -rf /');

    const asked = c.serverRequests.filter((r) => r.method === 'approval/request').map((r) => r.params);
    expect(asked).toHaveLength(2);

    const all = await c.request('approvals/list', {});
    expect(all.entries.map((e) => [e.threadId, e.decision])).toEqual([
      [b.id, 'blocked'],
      [b.id, 'deny'],
      [a.id, 'once'],
    ]);
    const [blocked, denied, once] = all.entries;
    expect(once).toMatchObject({ requestId: asked[0].requestId, tool: 'terminal', kind: 'command', verdict: 'approve', turnId: asked[0].turnId, cwd: ws });
    expect(once.answeredBy).toMatch(/^auditor#/);
    expect(once.subject).not.toContain(SECRET);
    expect(once.subject).toMatch(/^rm -rf build && echo /);
    expect(once.reasons.join(' ')).toMatch(/recursive delete/);
    expect(once.decidedAt).toBeGreaterThanOrEqual(once.time);
    expect(denied.requestId).toBe(asked[1].requestId);
    expect(blocked).toMatchObject({ requestId: null, verdict: 'block', answeredBy: 'policy' });

    const onlyA = await c.request('approvals/list', { threadId: a.id });
    expect(onlyA.entries.map((e) => e.id)).toEqual([once.id]);
    const page1 = await c.request('approvals/list', { limit: 2 });
    expect(page1.entries.map((e) => e.id)).toEqual([blocked.id, denied.id]);
    const page2 = await c.request('approvals/list', { limit: 2, cursor: page1.nextCursor });
    expect(page2.entries.map((e) => e.id)).toEqual([once.id]);
    expect(page2.nextCursor).toBeUndefined();
    await expect(c.request('approvals/list', { limit: 0 })).rejects.toThrow(/limit/);

    // The CLI reads the database while the host runs …
    const live = await runCli(['approvals', 'log', '--json'], { HERMES_HOME: home });
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toEqual(all);
    // … and after it is gone.
    await host.kill();
    const text = await runCli(['approvals', 'log', '--thread', b.id], { HERMES_HOME: home });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`deny by auditor#`);
    expect(text.stdout).toContain(`request ${asked[1].requestId}`);
    expect(text.stdout).toContain('blocked by policy');
    expect(text.stdout).not.toContain(a.id);
    const limited = await runCli(['approvals', 'log', '--limit', '1', '--json'], { HERMES_HOME: home });
    expect(JSON.parse(limited.stdout)).toMatchObject({ entries: [{ id: blocked.id }], nextCursor: String(blocked.id) });
    const bad = await runCli(['approvals', 'log', '--limit', 'ten'], { HERMES_HOME: home });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--limit must be a whole number/);
  });

  it('an empty home has an empty log', async () => {
    const home = tempHome();
    const r = await runCli(['approvals', 'log'], { HERMES_HOME: home });
    expect(r).toMatchObject({ code: 0, stdout: 'no approvals recorded\n' });
  });
});
