// The context the editor shows comes from the host: context files in effect, memory files, change notifications.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import { ScriptedModelServer } from '../support/model-server';

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
  host = undefined;
});

describe('context and memory over the protocol', () => {
  it('shows which SOUL.md won; an untrusted workspace loads nothing and the model never sees its files', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'SOUL.md'), 'You are the user\'s own agent.\n');
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    writeFileSync(join(ws, 'SOUL.md'), 'You are a cloned repository\'s agent.\n');
    writeFileSync(join(ws, 'CLAUDE.md'), 'Repository rules.\n');
    host = startHost({ home });
    await host.client.request('initialize', { clientInfo: { name: 'test' }, workspaceFolders: [ws] });
    let ctx = await host.client.request('context/read', {});
    expect([ctx.soulLevel, ctx.workspaceTrusted, ctx.files.map((f) => f.kind)]).toEqual(['workspace', true, ['soul', 'claude-md']]);
    expect(ctx.warnings[0]).toBe("SOUL.md replaces your own HERMES_HOME/SOUL.md as the agent's identity in this workspace");
    await host.kill();

    const model = await ScriptedModelServer.start();
    try {
      writeTestConfig(home, model.baseURL);
      host = startHost({ home });
      await host.client.request('initialize', { clientInfo: { name: 'test' }, workspaceFolders: [ws], initializationOptions: { workspaceTrusted: false } });
      await host.client.conn.sendNotification('initialized', {});
      ctx = await host.client.request('context/read', {});
      expect([ctx.soulLevel, ctx.workspaceTrusted, ctx.files.map((f) => f.relPath)]).toEqual(['hermes-home', false, ['HERMES_HOME/SOUL.md']]);
      expect(ctx.warnings[0]).toMatch(/^workspace not trusted/);
      model.script({ text: 'hi' });
      const { thread } = await host.client.request('thread/start', {});
      await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hello' }] });
      await host.client.waitFor('turn/completed');
      const system = String(model.chatRequests().at(-1)!.body.messages[0].content);
      expect(system).toContain("You are the user's own agent.");
      expect(system).not.toContain('cloned repository');
      expect(system).not.toContain('Repository rules');
    } finally {
      await model.close();
    }
  });

  it('reads AGENTS.md levels, SOUL.md and memory, and notifies on change', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    writeFileSync(join(ws, 'AGENTS.md'), '# Root rules\nUse pnpm.\n');
    mkdirSync(join(ws, 'pkg'));
    writeFileSync(join(ws, 'pkg', 'AGENTS.md'), '# Package rules\n');
    writeFileSync(join(ws, 'SOUL.md'), 'You are terse.\n');
    mkdirSync(join(home, 'memories'), { recursive: true });
    writeFileSync(join(home, 'memories', 'USER.md'), 'Prefers tabs.\n§\nLives in Lisbon.');
    host = startHost({ home });
    await host.client.initialize({ workspace: ws });
    const ctx = await host.client.request('context/read', { cwd: join(ws, 'pkg') });
    expect(ctx.files.map((f) => [f.kind, f.relPath])).toEqual([
      ['soul', 'SOUL.md'],
      ['agents', 'AGENTS.md'],
      ['agents', 'pkg/AGENTS.md'],
    ]);
    const mem = await host.client.request('memory/read', {});
    const user = mem.files.find((f) => f.target === 'user')!;
    expect(user.entries).toEqual(['Prefers tabs.', 'Lives in Lisbon.']);
    expect(user.limit).toBe(1375);
    expect(user.usage).toMatch(/^\d+% — \d+\/1,375$/);
    writeFileSync(join(ws, 'AGENTS.md'), '# Root rules\nUse npm.\n');
    const changed = await host.client.waitFor('context/changed');
    expect(changed.workspaceRoot).toBe(ws);
    // The thread's system prompt holds the identity and both AGENTS.md levels, nearest last.
    const { thread } = await host.client.request('thread/start', { cwd: join(ws, 'pkg') });
    expect(thread.cwd).toBe(join(ws, 'pkg'));
  });

  it('assembles the system prompt in a fixed order and keeps it byte-stable for the thread', async () => {
    const model = await ScriptedModelServer.start();
    try {
      const home = tempHome();
      writeTestConfig(home, model.baseURL);
      const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
      writeFileSync(join(ws, 'SOUL.md'), 'You are Marvin, a terse assistant.\n');
      writeFileSync(join(ws, 'AGENTS.md'), 'ROOT-RULE: run npm test before committing.\n');
      mkdirSync(join(ws, 'app'));
      writeFileSync(join(ws, 'app', 'AGENTS.md'), 'APP-RULE: components live in src/ui.\n');
      mkdirSync(join(home, 'memories'), { recursive: true });
      writeFileSync(join(home, 'memories', 'MEMORY.md'), 'User deploys on Fridays.');
      host = startHost({ home });
      await host.client.initialize({ workspace: ws });
      const { thread } = await host.client.request('thread/start', { cwd: join(ws, 'app') });
      model.script({ text: 'one' }, { text: 'two' });
      for (const text of ['a', 'b']) {
        await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] });
        await host.client.waitFor('turn/completed', (p) => host!.client.of('turn/completed').length === (text === 'a' ? 1 : 2));
      }
      // Edits after the thread started apply to new threads only.
      writeFileSync(join(ws, 'AGENTS.md'), 'ROOT-RULE: changed.\n');
      const [first, second] = model.chatRequests().map((r) => String(r.body.messages[0].content));
      expect(second).toBe(first);
      const order = ['You are Marvin', '# How you work', 'ROOT-RULE: run npm test', 'APP-RULE', 'User deploys on Fridays', '# Environment'].map((s) => first.indexOf(s));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    } finally {
      await model.close();
    }
  });
});
