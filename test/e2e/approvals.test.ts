// Dangerous commands over the protocol with the real local backend: every decision and its effect, the timeout,
// every path a command can take (foreground, background, process stdin, file writes), policy modes, the audit
// trail, and requests that outlive a client.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ScriptedModelServer } from '../support/model-server';
import { connectSocket, tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E({ drained: true });

interface Setup {
  home: string;
  ws: string;
  userHome: string;
  host: HostProcess;
}

async function setup(opts: { extra?: string; decide?: (p: any) => unknown; approvals?: boolean } = {}): Promise<Setup> {
  const home = tempHome();
  const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
  const userHome = mkdtempSync(join(tmpdir(), 'hermes-user-'));
  mkdirSync(join(ws, 'build'));
  writeFileSync(join(ws, 'build', 'out.o'), 'x');
  writeTestConfig(home, env.model.baseURL, opts.extra ?? '');
  const host = env.start({
    home,
    env: { HOME: userHome },
    handlers: opts.decide ? { 'approval/request': opts.decide } : {},
  });
  await host.client.initialize({ approvals: opts.approvals ?? true, workspace: ws });
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

const rmBuild = { name: 'terminal', arguments: { command: 'rm -rf build && echo removed' } };

function audit(home: string) {
  const db = new Database(join(home, 'hermes-host.db'), { readonly: true });
  try {
    return db.prepare('SELECT tool, kind, subject, verdict, decision, answered_by FROM approvals ORDER BY id').all() as any[];
  } finally {
    db.close();
  }
}

describe('approvals', () => {
  it('"once" runs the command after the client approves, and the audit names who answered', async () => {
    const s = await setup({ decide: () => ({ decision: 'once' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'done' });
    expect(results[0]).toContain('removed');
    expect(existsSync(join(s.ws, 'build'))).toBe(false);
    const req = s.host.client.serverRequests.find((r) => r.method === 'approval/request')!.params;
    expect(req).toMatchObject({ kind: 'command', tool: 'terminal', command: 'rm -rf build && echo removed', cwd: s.ws, choices: ['once', 'session', 'always', 'deny'] });
    expect(req.reasons.join(' ')).toMatch(/recursive delete/);
    const rows = audit(s.home);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tool: 'terminal', kind: 'command', verdict: 'approve', decision: 'once' });
    expect(rows[0].answered_by).toMatch(/^test#/);
  });

  it('"deny" does not run it and tells the model not to try another way', async () => {
    const s = await setup({ decide: () => ({ decision: 'deny' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(existsSync(join(s.ws, 'build', 'out.o'))).toBe(true);
    expect(results[0]).toMatch(/BLOCKED: the user denied this\. Do not retry it, do not rephrase it/);
    const item = s.host.client.of('item/completed').find((c) => c.item.type === 'commandExecution')!.item;
    expect(item).toMatchObject({ status: 'declined' });
    expect(audit(s.home)[0].decision).toBe('deny');
  });

  it('"session" stops asking for the same class in this thread only', async () => {
    const s = await setup({ decide: () => ({ decision: 'session' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    mkdirSync(join(s.ws, 'build'));
    await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(s.host.client.serverRequests.filter((r) => r.method === 'approval/request')).toHaveLength(1);
    mkdirSync(join(s.ws, 'build'));
    const { thread: other } = await s.host.client.request('thread/start', {});
    await turn(s, other.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(s.host.client.serverRequests.filter((r) => r.method === 'approval/request')).toHaveLength(2);
    expect(audit(s.home).map((r) => r.decision)).toEqual(['session', 'allowlisted', 'session']);
  });

  it('"always" persists to command_allowlist in config.yaml', async () => {
    const s = await setup({ decide: () => ({ decision: 'always' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    const cfg = readFileSync(join(s.home, 'config.yaml'), 'utf8');
    expect(cfg).toMatch(/command_allowlist:\n\s+- recursive delete/);
    expect(statSync(join(s.home, 'config.yaml')).mode & 0o077).toBe(0);
    mkdirSync(join(s.ws, 'build'));
    const { thread: other } = await s.host.client.request('thread/start', {});
    const results = await turn(s, other.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(results[0]).toContain('removed');
    expect(s.host.client.serverRequests.filter((r) => r.method === 'approval/request')).toHaveLength(1);
  });

  it('silence is a deny after approvals.timeout', async () => {
    const s = await setup({ extra: 'approvals:\n  timeout: 1\n', decide: () => new Promise(() => {}) });
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(results[0]).toMatch(/nobody answered within 1 s \(silence is a deny\)/);
    expect(existsSync(join(s.ws, 'build'))).toBe(true);
    const resolved = await s.host.client.waitFor('serverRequest/resolved');
    expect(resolved.outcome).toBe('timeout');
    expect(audit(s.home)[0]).toMatchObject({ decision: 'timeout', answered_by: 'timeout' });
  });

  it('gates background commands, process stdin and sensitive file writes too', async () => {
    const s = await setup({ decide: () => ({ decision: 'deny' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    let results = await turn(s, thread.id, { toolCalls: [{ name: 'terminal', arguments: { command: 'rm -rf build', background: true } }] }, { text: 'ok' });
    expect(results[0]).toMatch(/BLOCKED/);
    // A harmless background shell, then a dangerous line typed into its stdin.
    results = await turn(s, thread.id, { toolCalls: [{ name: 'terminal', arguments: { command: 'sh', background: true } }] }, { text: 'ok' });
    const pid = /Started background process (\S+?)[ .]/.exec(results[0])?.[1];
    expect(pid, results[0]).toBeTruthy();
    results = await turn(s, thread.id, { toolCalls: [{ name: 'process', arguments: { action: 'submit', process_id: pid, data: 'rm -rf build' } }] }, { text: 'ok' });
    expect(results[0]).toMatch(/BLOCKED/);
    results = await turn(s, thread.id, { toolCalls: [{ name: 'write_file', arguments: { path: join(s.userHome, '.ssh', 'authorized_keys'), content: 'ssh-ed25519 AAAA attacker' } }] }, { text: 'ok' });
    expect(results[0]).toMatch(/BLOCKED/);
    expect(existsSync(join(s.userHome, '.ssh', 'authorized_keys'))).toBe(false);
    expect(existsSync(join(s.ws, 'build', 'out.o'))).toBe(true);
    const kinds = s.host.client.serverRequests.filter((r) => r.method === 'approval/request').map((r) => [r.params.tool, r.params.kind]);
    expect(kinds).toEqual([
      ['terminal', 'command'],
      ['process', 'command'],
      ['write_file', 'fileWrite'],
    ]);
    await turn(s, thread.id, { toolCalls: [{ name: 'process', arguments: { action: 'kill', process_id: pid } }] }, { text: 'ok' });
  });

  it('refuses hard-line commands without asking, in every mode', async () => {
    const s = await setup({ extra: 'approvals:\n  mode: "off"\n', decide: () => ({ decision: 'once' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [{ name: 'terminal', arguments: { command: 'echo hi; rm -rf ~' } }] }, { text: 'ok' });
    expect(results[0]).toMatch(/BLOCKED \(hard line\): recursive delete of home directory/);
    expect(s.host.client.serverRequests).toHaveLength(0);
    // Approvals off: the ordinary dangerous command runs without a question.
    const r2 = await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(r2[0]).toContain('removed');
    expect(audit(s.home).map((r) => r.decision)).toEqual(['blocked', 'policy-off']);
  });

  it('deny mode refuses for unattended runs without asking', async () => {
    const s = await setup({ extra: 'approvals:\n  mode: deny\n', decide: () => ({ decision: 'once' }) });
    const { thread } = await s.host.client.request('thread/start', {});
    const results = await turn(s, thread.id, { toolCalls: [rmBuild] }, { text: 'ok' });
    expect(results[0]).toMatch(/unattended .*approval mode "deny"/);
    expect(s.host.client.serverRequests).toHaveLength(0);
    expect(existsSync(join(s.ws, 'build'))).toBe(true);
  });

  it('re-sends a pending approval to a client that attaches, and a host restart leaves none pending', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    mkdirSync(join(ws, 'build'));
    writeTestConfig(home, env.model.baseURL);
    const host = env.start({ home, args: ['--listen'], env: { HOME: mkdtempSync(join(tmpdir(), 'hermes-user-')) } });
    const sock = join(home, 'host.sock');
    for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
    const editor = await connectSocket(sock, { 'approval/request': () => new Promise(() => {}) });
    await editor.initialize({ approvals: true, workspace: ws });
    const { thread } = await editor.request('thread/start', {});
    env.model.script({ toolCalls: [rmBuild] }, { text: 'done' });
    await editor.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'clean' }] });
    for (let i = 0; i < 200 && !editor.serverRequests.length; i++) await new Promise((r) => setTimeout(r, 25));
    const requestId = editor.serverRequests[0].params.requestId;
    editor.dispose(); // the editor window closes without answering
    const phone = await connectSocket(sock, { 'approval/request': async () => ({ decision: 'once' }) });
    await phone.initialize({ name: 'phone', approvals: true });
    // Requests go to the surfaces following the thread: the phone opens it, and gets the pending request.
    await phone.request('thread/subscribe', { threadId: thread.id });
    const done = await phone.waitFor('turn/completed');
    expect(done.turn.status).toBe('completed');
    expect(phone.serverRequests[0].params.requestId).toBe(requestId);
    expect(existsSync(join(ws, 'build'))).toBe(false);
    expect(audit(home).at(-1)!.answered_by).toMatch(/^phone#/);

    // A request pending when the host dies is not re-sent by the next host; its turn is closed as interrupted.
    mkdirSync(join(ws, 'build'));
    phone.dispose();
    const watcher = await connectSocket(sock, { 'approval/request': () => new Promise(() => {}) });
    await watcher.initialize({ approvals: true, workspace: ws });
    env.model.script({ toolCalls: [rmBuild] });
    const { turn: pending } = await watcher.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'again' }] });
    for (let i = 0; i < 200 && !watcher.serverRequests.length; i++) await new Promise((r) => setTimeout(r, 25));
    watcher.dispose();
    await host.kill('SIGKILL');
    const again = env.start({ home, args: ['--listen'] });
    for (let i = 0; i < 200; i++) {
      try {
        statSync(sock);
        const c = await connectSocket(sock, { 'approval/request': async () => ({ decision: 'once' }) });
        await c.initialize({ approvals: true });
        const read = await c.request('thread/read', { threadId: thread.id });
        expect(read.turns.find((t) => t.id === pending.id)!.status).toBe('interrupted');
        await new Promise((r) => setTimeout(r, 200));
        expect(c.serverRequests).toHaveLength(0);
        expect(existsSync(join(ws, 'build'))).toBe(true);
        c.dispose();
        return;
      } catch (e) {
        if (i === 199) throw e;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  });
});
