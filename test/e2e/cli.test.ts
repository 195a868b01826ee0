// The command line from a shell: chat -q streams a turn, exit codes tell success, config/doctor/protocol work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { runCli, tempHome, writeTestConfig } from '../support/host-process';

let model: ScriptedModelServer;

beforeAll(async () => {
  model = await ScriptedModelServer.start();
});
afterAll(async () => {
  await model.close();
});

describe('hermes-host CLI', () => {
  it('chat -q prints the streamed reply and exits 0', async () => {
    const home = tempHome();
    writeTestConfig(home, model.baseURL);
    model.script({ toolCalls: [{ name: 'todo', arguments: { todos: [{ id: '1', content: 'answer', status: 'completed' }] } }] }, { text: ['Forty', '-two.'] });
    const r = await runCli(['chat', '-q', 'What is six times seven?'], { HERMES_HOME: home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Forty-two.\n');
    expect(r.stderr).toContain('⚙ todo');
    expect(model.chatRequests().at(-2)!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'What is six times seven?' });
  });

  it('chat -q exits 1 with the error when the turn fails', async () => {
    const home = tempHome();
    writeTestConfig(home, model.baseURL, '  max_retries: 0\n');
    model.script({ kind: 'status', status: 401, message: 'invalid api key' });
    const r = await runCli(['chat', '-q', 'hello'], { HERMES_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid api key');
  });

  it('chat -q without any model configured says what to set', async () => {
    const home = tempHome();
    const r = await runCli(['chat', '-q', 'hello'], { HERMES_HOME: home, OPENAI_API_KEY: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no model configured: set model.default/);
  });

  it('config set/get/check and version', async () => {
    const home = tempHome();
    let r = await runCli(['config', 'set', 'agent.max_iterations', '12'], { HERMES_HOME: home });
    expect(r.code).toBe(0);
    r = await runCli(['config', 'get', 'agent.max_iterations'], { HERMES_HOME: home });
    expect(r.stdout.trim()).toBe('12');
    r = await runCli(['config', 'set', 'approvals.mode', 'sometimes'], { HERMES_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config.yaml:\d+: approvals.mode:/);
    expect(readFileSync(join(home, 'config.yaml'), 'utf8')).not.toContain('sometimes');
    r = await runCli(['config', 'check'], { HERMES_HOME: home });
    expect(r.code).toBe(0);
    r = await runCli(['version'], { HERMES_HOME: home });
    expect(r.stdout).toMatch(/^hermes-host \d+\.\d+\.\d+/);
    r = await runCli(['chat', '--help'], { HERMES_HOME: home });
    expect(r.stdout).toContain('--query');
  });

  it('doctor checks config, native modules and the model endpoint', async () => {
    const home = tempHome();
    writeTestConfig(home, model.baseURL);
    const r = await runCli(['doctor', '--json'], { HERMES_HOME: home });
    const res = JSON.parse(r.stdout);
    const byName = Object.fromEntries(res.checks.map((c: any) => [c.name, c]));
    expect(byName['better-sqlite3'].ok).toBe(true);
    expect(byName['node-pty'].ok).toBe(true);
    expect(byName['model endpoint']).toMatchObject({ ok: true });
    expect(byName['model endpoint'].detail).toContain('test-model available');
    const bad = tempHome();
    writeTestConfig(bad, 'http://127.0.0.1:9/v1');
    const r2 = await runCli(['doctor'], { HERMES_HOME: bad });
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/✗ model endpoint/);
  });

  it('protocol --schema prints the JSON Schema', async () => {
    const r = await runCli(['protocol', '--schema'], { HERMES_HOME: tempHome() });
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.clientRequests)).toContain('turn/start');
    expect(schema.serverRequests['approval/request'].result.properties.decision.enum).toEqual(['once', 'session', 'always', 'deny']);
  });
});
