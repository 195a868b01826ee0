// Bad input gets a JSON-RPC error with data.kind, and the host keeps serving.
import { describe, expect, it } from 'vitest';
import { tempHome, writeTestConfig, runCli, type HostProcess } from '../support/host-process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useE2E } from '../support/e2e-env';

const env = useE2E();
let host: HostProcess | undefined;

async function expectError(p: Promise<unknown>, kind: string, code?: number) {
  const err = await p.then(
    () => {
      throw new Error('expected an error');
    },
    (e) => e,
  );
  expect(err.data?.kind).toBe(kind);
  if (code !== undefined) expect(err.code).toBe(code);
  return err;
}

describe('protocol errors', () => {
  it('refuses requests before initialize, then serves after', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    host = env.start({ home });
    await expectError(host.client.request('thread/list', {}), 'NotInitialized', -32002);
    const init = await host.client.initialize();
    expect(init).toMatchObject({ serverInfo: { name: 'hermes-host' }, protocolVersion: '1.0', hermesHome: home });
    await expectError(host.client.request('initialize', {}), 'AlreadyInitialized');
    expect((await host.client.request('thread/list', {})).threads).toEqual([]);
  });

  it('answers unknown methods, invalid params, a busy thread and a missing thread with kinds', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    host = env.start({ home });
    const c = host.client;
    await c.initialize();
    await expectError(c.raw('thread/explode', {}), 'MethodNotFound', -32601);
    const bad = await expectError(c.raw('turn/start', { threadId: 'x', input: 'not a list' }), 'InvalidParams', -32602);
    expect(bad.message).toMatch(/input/);
    await expectError(c.request('thread/read', { threadId: 'thr_missing' }), 'ThreadNotFound');
    const { thread } = await c.request('thread/start', {});
    env.model.script({ text: Array.from({ length: 100 }, () => 'slow '), chunkDelayMs: 20 });
    await c.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'a' }] });
    await expectError(c.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'b' }] }), 'TurnInProgress');
    await c.request('turn/interrupt', { threadId: thread.id });
    await c.waitFor('turn/completed');
    expect((await c.request('thread/list', {})).threads).toHaveLength(1);
  });

  it('answers a malformed frame with a parse error and keeps the connection', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    host = env.start({ home });
    await host.client.initialize();
    let out = '';
    host.proc.stdout!.on('data', (d) => (out += d));
    const body = '{"jsonrpc":"2.0","id":7,"method":';
    host.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    for (let i = 0; i < 50 && !out.includes('ParseError'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(out).toMatch(/"id":null.*"code":-32700.*"kind":"ParseError"/s);
    expect((await host.client.request('thread/list', {})).threads).toEqual([]);
    expect(host.proc.exitCode).toBeNull();
  });

  it('refuses to start on a broken config.yaml, naming file, line and key', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.yaml'), 'model:\n  default: x\nterminal:\n  backend: kubernetes\n  timeout: soon\n');
    const r = await runCli(['--stdio'], { HERMES_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(home, 'config.yaml')}:4: terminal.backend:`);
    expect(r.stderr).toContain(`${join(home, 'config.yaml')}:5: terminal.timeout:`);
  });
});
