// The local OS sandbox through the built host with the scripted model: a command the sandbox blocks asks to run
// once OUTSIDE it (and the request says exactly that), "once" runs it there, "deny" does not, "session" covers the
// same command again; the host's own environment is out of reach; doctor reports the sandbox.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScriptedModelServer } from '../support/model-server';
import { runCli, tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E({ drained: true });
const HOST_SECRET = 'sk-e2e-host-secret-never-in-a-command';
// Not under /tmp or /var/tmp (private inside the sandbox), nor under the checkout, which CI may clone under /tmp:
// the real user's cache folder is seen by the sandbox as it is on the host.
const cacheDir = join(homedir(), '.cache', 'hermes-host-tests');

interface Setup {
  home: string;
  ws: string;
  userHome: string;
  host: HostProcess;
}

async function setup(decide: (p: any) => unknown, extra = ''): Promise<Setup> {
  const home = tempHome();
  const ws = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-ws-')));
  mkdirSync(cacheDir, { recursive: true });
  const userHome = realpathSync(mkdtempSync(join(cacheDir, 'e2e-user-')));
  writeFileSync(join(userHome, '.bashrc'), '# rc\n');
  writeTestConfig(home, env.model.baseURL, extra);
  const host = env.start({
    home,
    env: { HOME: userHome, OPENAI_API_KEY: HOST_SECRET },
    handlers: { 'approval/request': decide },
  });
  await host.client.initialize({ approvals: true, workspace: ws });
  return { home, ws, userHome, host };
}

async function turn(s: Setup, threadId: string, ...steps: Parameters<ScriptedModelServer['script']>) {
  env.model.script(...steps);
  const before = s.host.client.of('turn/completed').length;
  await s.host.client.request('turn/start', { threadId, input: [{ type: 'text', text: 'go' }] });
  await s.host.client.waitFor('turn/completed', () => s.host.client.of('turn/completed').length > before);
  const msgs = env.model.chatRequests().at(-1)!.body.messages;
  const lastUser = msgs.map((m) => m.role).lastIndexOf('user');
  return msgs.slice(lastUser).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

const escalations = (s: Setup) => s.host.client.serverRequests.filter((r) => r.method === 'approval/request' && r.params.escalation);
const term = (command: string, more: Record<string, unknown> = {}) => ({ name: 'terminal', arguments: { command, ...more } });

describe('local OS sandbox, end to end', () => {
  it('a command that plainly writes outside the sandbox asks up front to run once OUTSIDE it; "once" runs it there', async () => {
    const s = await setup(() => ({ decision: 'once' }));
    const target = join(s.userHome, 'notes.txt');
    const cmd = `echo outside > ${target}`;
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [term(cmd)] }, { text: 'done' });
    expect(readFileSync(target, 'utf8')).toBe('outside\n');
    const reqs = escalations(s);
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.params).toMatchObject({
      kind: 'command',
      tool: 'terminal',
      command: cmd,
      cwd: s.ws,
      choices: ['once', 'session', 'deny'],
      escalation: { outsideSandbox: true, summary: `run once OUTSIDE the sandbox: ${cmd} in ${s.ws}` },
    });
    expect(reqs[0]!.params.escalation.reason).toBe(`it needs writes ${target}, which the sandbox does not allow`);
    expect(results[0]).toMatch(/ran once OUTSIDE the OS sandbox/);
    expect(results[0]).toContain('[exit code 0]');
  });

  it('a command the sandbox blocks that could not be foreseen asks after the confined run; "once" runs it there', async () => {
    const s = await setup(() => ({ decision: 'once' }));
    const cmd = `cd ${s.userHome} && echo later > later.txt`;
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [term(cmd)] }, { text: 'done' });
    expect(readFileSync(join(s.userHome, 'later.txt'), 'utf8')).toBe('later\n');
    const reqs = escalations(s);
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.params.escalation.reason).toMatch(/read-only/);
    expect(results[0]).toMatch(/ran once OUTSIDE the OS sandbox/);
  });

  it('"deny" runs it confined, where it fails, and tells the model why; it is not asked twice', async () => {
    const s = await setup((p) => ({ decision: p.escalation ? 'deny' : 'once' }));
    const target = join(s.userHome, 'denied.txt');
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [term(`echo no > ${target}`)] }, { text: 'ok' });
    expect(existsSync(target)).toBe(false);
    expect(escalations(s)).toHaveLength(1);
    expect(results[0]).toMatch(/needs more than the OS sandbox allows/);
    expect(results[0]).toMatch(/not approved \(deny\), so it ran inside the sandbox/);
    expect(results[0]).toMatch(/Read-only file system/);
  });

  it('"session" lets the same command in the same cwd run outside again without asking; another command asks again', async () => {
    const s = await setup((p) => ({ decision: p.escalation ? 'session' : 'once' }));
    const target = join(s.userHome, 'log.txt');
    const cmd = `echo line >> ${target}`;
    const { thread } = await s.host.client.request('thread/start', {});
    await turn(s, thread.id, { toolCalls: [term(cmd)] }, { text: 'one' });
    await turn(s, thread.id, { toolCalls: [term(cmd)] }, { text: 'two' });
    expect(readFileSync(target, 'utf8')).toBe('line\nline\n');
    expect(escalations(s)).toHaveLength(1);
    // A different command (an rc-file write, blocked inside) is a new question.
    s.host.client.serverRequests.length = 0;
    await turn(s, thread.id, { toolCalls: [term('echo x >> ~/.bashrc')] }, { text: 'three' });
    expect(escalations(s)).toHaveLength(1);
  });

  it('outside_sandbox: true asks before running; the host environment is never readable from a command', async () => {
    const s = await setup((p) => ({ decision: p.escalation ? 'deny' : 'once' }));
    const { thread } = await s.host.client.request('thread/start', {});
    const hostPid = s.host.proc.pid!;
    const results = await turn(
      s,
      thread.id,
      {
        toolCalls: [
          term(`echo hi > ${join(s.userHome, 'asked.txt')}`, { outside_sandbox: true }),
          term(`tr '\\0' '\\n' < /proc/$PPID/environ; tr '\\0' '\\n' < /proc/${hostPid}/environ; env; echo done`),
        ],
      },
      { text: 'ok' },
    );
    expect(existsSync(join(s.userHome, 'asked.txt'))).toBe(false);
    expect(escalations(s)[0]!.params.escalation.reason).toMatch(/model asked/);
    expect(results[0]).toMatch(/BLOCKED/);
    expect(results[1]).toContain('done');
    expect(results[1]).not.toContain(HOST_SECRET);
    expect(results[1]).not.toContain('sk-test-key-for-the-scripted-model');
  });

  it('doctor reports the sandbox: working here, and loudly UNCONFINED when switched off', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const r = await runCli(['doctor', '--json'], { HERMES_HOME: home });
    const check = JSON.parse(r.stdout).checks.find((c: any) => c.name === 'sandbox');
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/bwrap .* works/);
    const off = tempHome();
    writeTestConfig(off, env.model.baseURL, 'terminal:\n  sandbox: "off"\n');
    const r2 = await runCli(['doctor'], { HERMES_HOME: off });
    expect(r2.stdout).toMatch(/! sandbox: terminal\.sandbox is off — local commands run UNCONFINED/);
  }, 120_000);
});
