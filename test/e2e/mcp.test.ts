// MCP servers in a built host, with the real npm servers: @modelcontextprotocol/server-everything over stdio and over
// Streamable HTTP, @modelcontextprotocol/server-filesystem over stdio, plus a small SDK server for faults. One host
// and one set of servers for the whole file; the tests run in order and build on each other's state.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer, type Step } from '../support/model-server';
import { connectSocket, runCli, startHost, tempHome, writeTestConfig, type HostProcess, type RpcClient } from '../support/host-process';
import type { McpServerStatus } from '../../server/protocol';

const NM = resolve(__dirname, '../../node_modules/@modelcontextprotocol');
const EVERYTHING = join(NM, 'server-everything/dist/index.js');
const FILESYSTEM = join(NM, 'server-filesystem/dist/index.js');
const FAULT = resolve(__dirname, '../support/mcp-fault-server.mjs');

let model: ScriptedModelServer;
let host: HostProcess;
let httpServer: ChildProcess;
let home: string;
let ws: string;
let flag: string;
let threadId: string;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function serversYaml(opts: { withFs: boolean; faultTimeout: number; port: number }): string {
  // `legacy` names no transport: Streamable HTTP is tried first and the host falls back to SSE.
  const node = process.execPath;
  return `approvals:
  timeout: 10
mcp_servers:
  everything:
    command: ${node}
    args: [${EVERYTHING}, stdio]
    env:
      MCP_PLAIN: plain-value
      MCP_FROM_HOST: \${MCP_HOST_VALUE}
    auto_approve: [echo, get-env, trigger-long-running-operation, get-tiny-image]
${
  opts.withFs
    ? `  fs:
    command: ${node}
    args: [${FILESYSTEM}, ${ws}]
    tools:
      exclude: [read_media_file]
`
    : ''
}  web:
    url: http://127.0.0.1:${opts.port}/mcp
    trusted: true
    tools:
      include: [echo, get-sum]
  fault:
    command: ${node}
    args: [${FAULT}]
    env:
      FAULT_FLAG: ${flag}
    trusted: true
    timeout: ${opts.faultTimeout}
  broken:
    command: /nonexistent/mcp-server
  legacy:
    url: http://127.0.0.1:${ssePort}/sse
    trusted: true
    tools:
      include: [get-sum]
`;
}

let port: number;
let ssePort: number;
let sseServer: ChildProcess;

async function statusOf(name: string): Promise<McpServerStatus | undefined> {
  return (await host.client.request('mcp/status', {})).servers.find((s) => s.name === name);
}

/** Waits for a state change notification of `name` matching `pred` (already received or future). */
function waitStatus(name: string, pred: (s: McpServerStatus) => boolean, after = 0, timeoutMs = 20_000) {
  return host.client.waitFor('mcp/statusChanged', (s) => s.name === name && pred(s) && s.since >= after, timeoutMs);
}

async function turn(...steps: Step[]): Promise<string[]> {
  model.script(...steps);
  const before = host.client.of('turn/completed').length;
  await host.client.request('turn/start', { threadId, input: [{ type: 'text', text: 'go' }] });
  await host.client.waitFor('turn/completed', () => host.client.of('turn/completed').length > before, 30_000);
  const msgs = model.chatRequests().at(-1)!.body.messages;
  const lastUser = msgs.map((m) => m.role).lastIndexOf('user');
  return msgs.slice(lastUser).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

const offered = () => (model.chatRequests().at(-1)!.body.tools ?? []) as unknown as { function: { name: string; parameters: any } }[];

/** server-everything over HTTP: `streamableHttp` (the `web` server) or the older HTTP+SSE (`legacy`). */
async function startHttp(mode: 'streamableHttp' | 'sse', onPort: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, [EVERYTHING, mode], { env: { ...process.env, PORT: String(onPort) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`server-everything ${mode} did not start`)), 20_000);
    p.stdout!.resume();
    p.stderr!.on('data', (d) => {
      if (/(listening on|running on) port/i.test(String(d))) {
        clearTimeout(t);
        res();
      }
    });
  });
  return p;
}

async function startHttpServer(): Promise<void> {
  httpServer = await startHttp('streamableHttp', port);
}

beforeAll(async () => {
  model = await ScriptedModelServer.start();
  home = tempHome();
  ws = mkdtempSync(join(tmpdir(), 'hermes-mcp-ws-'));
  flag = join(ws, '..', `${ws.split('/').pop()}.fail-flag`);
  port = await freePort();
  ssePort = await freePort();
  [httpServer, sseServer] = await Promise.all([startHttp('streamableHttp', port), startHttp('sse', ssePort)]);
  writeTestConfig(home, model.baseURL, serversYaml({ withFs: true, faultTimeout: 1, port }));
  // A loaded CI machine can hold the scripted stream back past the usual 1.5 s stall limit; a stall retry would eat
  // a scripted step, so this file allows more.
  writeFileSync(join(home, 'config.yaml'), readFileSync(join(home, 'config.yaml'), 'utf8').replace('stream_idle_timeout_ms: 1500', 'stream_idle_timeout_ms: 15000'));
  host = startHost({ home, env: { MCP_HOST_VALUE: 'from-host-value-123', HOST_SECRET_TOKEN: 'tok-should-not-leak-xyz' }, cwd: ws });
  await host.client.initialize({ approvals: false, workspace: ws });
  for (const name of ['everything', 'fs', 'web', 'fault', 'legacy']) await waitStatus(name, (s) => s.state === 'ready', 0, 60_000);
  await waitStatus('broken', (s) => s.state !== 'starting');
  threadId = (await host.client.request('thread/start', { cwd: ws })).thread.id;
}, 120_000);

afterAll(async () => {
  await host?.kill();
  httpServer?.kill('SIGKILL');
  sseServer?.kill('SIGKILL');
  await model?.close();
  expect(host?.client.violations ?? []).toEqual([]);
  rmSync(flag, { force: true });
});

describe('MCP client', () => {
  it('reports each server ready and offers its tools, filtered, with their own schemas', async () => {
    const st = (await host.client.request('mcp/status', {})).servers;
    const by = Object.fromEntries(st.map((s) => [s.name, s]));
    expect(by.everything).toMatchObject({ state: 'ready', transport: 'stdio', resources: true, prompts: true, restarts: 0 });
    expect(by.everything.tools).toBeGreaterThan(5);
    expect(by.fs).toMatchObject({ state: 'ready', transport: 'stdio' });
    expect(by.web).toMatchObject({ state: 'ready', transport: 'http', tools: 2 });
    expect(by.legacy).toMatchObject({ state: 'ready', transport: 'sse', tools: 1 });
    expect(by.fault).toMatchObject({ state: 'ready', tools: 4 });
    expect(['backoff', 'failed']).toContain(by.broken.state);
    expect(by.broken.lastError).toMatch(/ENOENT/);
    await turn({ text: 'ok' });
    // The server that never came up is named to the model instead of silently missing.
    const system = String(model.chatRequests().at(-1)!.body.messages[0].content);
    expect(system).toMatch(/MCP servers configured but unavailable[^]*- broken: spawn \/nonexistent\/mcp-server ENOENT/);
    const tools = offered();
    const names = tools.map((t) => t.function.name);
    expect(names).toEqual(expect.arrayContaining(['mcp_everything_echo', 'mcp_everything_get_sum', 'mcp_everything_list_resources', 'mcp_everything_read_resource', 'mcp_everything_get_prompt', 'mcp_fs_write_file', 'mcp_fs_read_text_file', 'mcp_web_echo', 'mcp_web_get_sum', 'mcp_fault_crash']));
    // include/exclude filters: fs without read_media_file, web with exactly echo and get-sum
    expect(names).not.toContain('mcp_fs_read_media_file');
    expect(names.filter((n) => n.startsWith('mcp_web_') && !/_(list|read)_resources?$|_(list|get)_prompts?$/.test(n))).toEqual(['mcp_web_echo', 'mcp_web_get_sum']);
    const echo = tools.find((t) => t.function.name === 'mcp_everything_echo')!.function.parameters;
    expect(echo).toMatchObject({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] });
  });

  it('calls tools in a turn over stdio, Streamable HTTP and SSE (found by fallback); results are wrapped as untrusted data and redacted; stdio gets a minimal environment', async () => {
    const results = await turn(
      {
        toolCalls: [
          { name: 'mcp_everything_echo', arguments: { message: 'hi there' } },
          { name: 'mcp_web_get_sum', arguments: { a: 2, b: 40 } },
          { name: 'mcp_legacy_get_sum', arguments: { a: 1, b: 2 } },
          { name: 'mcp_everything_get_env', arguments: {} },
          { name: 'mcp_fault_leak', arguments: {} },
          { name: 'mcp_everything_list_resources', arguments: {} },
          { name: 'mcp_everything_trigger_long_running_operation', arguments: { duration: 0.4, steps: 2 } },
          { name: 'mcp_everything_get_tiny_image', arguments: {} },
        ],
      },
      { text: 'done' },
    );
    // Progress the server reports streams into the call's card.
    const long = host.client.of('item/completed').find((n) => (n.item as { tool?: string }).tool === 'mcp_everything_trigger_long_running_operation')!;
    const progress = host.client.of('item/commandExecution/outputDelta').filter((d) => d.itemId === long.item.id).map((d) => d.delta).join('');
    expect(progress).toMatch(/^progress 1\/2\n/);
    expect(results[6]).toMatch(/Long running operation completed/i);
    // An image is kept on disk and named, not pasted as base64.
    const saved = /\[image: image\/png, \d+ bytes — saved to (\S+\.png)\]/.exec(results[7])?.[1];
    expect(saved && readFileSync(saved).subarray(1, 4).toString()).toBe('PNG');
    expect(saved!.startsWith(join(home, 'cache', 'mcp'))).toBe(true);
    expect(results[0]).toContain('Echo: hi there');
    expect(results[0]).toMatch(/^<untrusted_mcp_result source="mcp:everything\/echo">/);
    expect(results[1]).toContain('42');
    expect(results.splice(2, 1)[0]).toMatch(/The sum of 1 and 2 is 3/);
    const env = results[2];
    expect(env).toContain('MCP_PLAIN');
    expect(env).toContain('plain-value');
    expect(env).toContain('MCP_FROM_HOST');
    // A value the config pulled from the host's environment is treated as a secret: the model never sees it.
    expect(env).not.toContain('from-host-value-123');
    expect(env).not.toContain('HOST_SECRET_TOKEN');
    expect(env).not.toContain('TEST_MODEL_KEY');
    expect(env).not.toContain('HERMES_HOME');
    expect(results[3]).toContain('config: OPENAI_API_KEY=');
    expect(results[3]).not.toContain('sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789');
    expect(results[4]).toMatch(/^<untrusted_mcp_result source="mcp:everything\/resources">\n.*\ndemo:\/\/resource\/static\/document\//);
  });

  it('asks before calling a tool of an untrusted server: denied when nobody can answer, allowed for the session when a client says so; trusted servers never ask', async () => {
    const target = join(ws, 'written-by-mcp.txt');
    const call = { name: 'mcp_fs_write_file', arguments: { path: target, content: 'from mcp' } };
    let results = await turn({ toolCalls: [call] }, { text: 'ok' });
    expect(results[0]).toMatch(/^BLOCKED: nobody who can answer approvals follows this thread/);
    expect(existsSync(target)).toBe(false);

    // A second surface (socket) that answers approvals follows the thread: it is asked, and "session" sticks.
    const answerer: RpcClient = await connectSocket(join(home, 'host.sock'), { 'approval/request': () => ({ decision: 'session' }) });
    try {
      await answerer.initialize({ name: 'approver', approvals: true });
      await answerer.request('thread/subscribe', { threadId });
      results = await turn({ toolCalls: [call] }, { text: 'ok' });
      expect(results[0]).toContain('Successfully wrote');
      expect(readFileSync(target, 'utf8')).toBe('from mcp');
      const asked = answerer.serverRequests.filter((r) => r.method === 'approval/request');
      expect(asked).toHaveLength(1);
      expect(asked[0].params).toMatchObject({ kind: 'tool', tool: 'mcp_fs_write_file', choices: ['once', 'session', 'deny'] });
      expect(asked[0].params.reasons.join(' ')).toMatch(/MCP server "fs", which is not marked trusted/);
      results = await turn({ toolCalls: [{ name: 'mcp_fs_write_file', arguments: { path: target, content: 'again' } }] }, { text: 'ok' });
      expect(results[0]).toContain('Successfully wrote');
      expect(answerer.serverRequests.filter((r) => r.method === 'approval/request')).toHaveLength(1);
      expect(answerer.violations).toEqual([]);
      // Every decision is audited; calls to trusted servers and auto-approved tools never reached the gate.
      const db = new Database(join(home, 'hermes-host.db'), { readonly: true });
      try {
        const rows = db.prepare('SELECT tool, kind, decision FROM approvals ORDER BY id').all() as { tool: string; kind: string; decision: string }[];
        expect(rows).toEqual([
          { tool: 'mcp_fs_write_file', kind: 'tool', decision: 'noAnswerer' },
          { tool: 'mcp_fs_write_file', kind: 'tool', decision: 'session' },
          { tool: 'mcp_fs_write_file', kind: 'tool', decision: 'session' },
        ]);
      } finally {
        db.close();
      }
    } finally {
      answerer.dispose();
    }
  });

  it('a stdio server killed mid-session is reported and reconnected; its tools stay offered', async () => {
    const before = (await statusOf('everything'))!;
    expect(before.pid).toBeGreaterThan(0);
    const t0 = Date.now();
    process.kill(before.pid!, 'SIGKILL');
    const lost = await waitStatus('everything', (s) => s.state === 'backoff', t0);
    expect(lost.lastError).toMatch(/exited/);
    const back = await waitStatus('everything', (s) => s.state === 'ready' && s.restarts === 1, t0);
    expect(back.pid).not.toBe(before.pid);
    const results = await turn({ toolCalls: [{ name: 'mcp_everything_echo', arguments: { message: 'after restart' } }] }, { text: 'ok' });
    expect(results[0]).toContain('Echo: after restart');
  });

  it('an HTTP server that goes away is reported on the next call and reconnected once it is back', async () => {
    const t0 = Date.now();
    const gone = new Promise((r) => httpServer.once('exit', r));
    httpServer.kill('SIGKILL');
    await gone;
    let results = await turn({ toolCalls: [{ name: 'mcp_web_echo', arguments: { message: 'anyone?' } }] }, { text: 'ok' });
    expect(results[0]).toMatch(/^MCP server web is down: tools\/call echo failed: .*(fetch failed|ECONNREFUSED)/);
    await waitStatus('web', (s) => s.state === 'backoff' || s.state === 'failed', t0);
    await startHttpServer();
    await waitStatus('web', (s) => s.state === 'ready' && s.restarts === 1, t0, 30_000);
    results = await turn({ toolCalls: [{ name: 'mcp_web_echo', arguments: { message: 'back again' } }] }, { text: 'ok' });
    expect(results[0]).toContain('Echo: back again');
  });

  it('a server dying during a call, then failing to start, is reported to the model as down — never an unknown tool', async () => {
    writeFileSync(flag, 'fail');
    const t0 = Date.now();
    let results = await turn({ toolCalls: [{ name: 'mcp_fault_crash', arguments: {} }] }, { text: 'ok' });
    expect(results[0]).toMatch(/^MCP server fault is down: tools\/call crash failed: .*closed/i);
    const failing = await waitStatus('fault', (s) => s.state === 'backoff' && /refusing to start/.test(s.lastError ?? ''), t0);
    expect(failing.lastError).toContain('refusing to start');
    results = await turn({ toolCalls: [{ name: 'mcp_fault_echo', arguments: { text: 'hello?' } }] }, { text: 'ok' });
    expect(offered().map((t) => t.function.name)).toContain('mcp_fault_echo');
    expect(results[0]).toMatch(/^MCP server fault is down: .*refusing to start.*Do not retry this call right away/);
    rmSync(flag);
    await waitStatus('fault', (s) => s.state === 'ready' && s.restarts === 1, t0, 30_000);
    results = await turn({ toolCalls: [{ name: 'mcp_fault_echo', arguments: { text: 'back' } }] }, { text: 'ok' });
    expect(results[0]).toContain('fault echo: back');
  });

  it('a call past the server timeout fails clearly, and repeated failures open the circuit breaker', async () => {
    // Different arguments each time: the loop guard would end a turn that repeats one failing call.
    const slow = (n: number) => ({ name: 'mcp_fault_slow', arguments: { n } });
    const results = await turn({ toolCalls: [slow(1), slow(2), slow(3), slow(4)] }, { text: 'ok' });
    expect(results[0]).toMatch(/^MCP server fault is down: tools\/call slow timed out after 1 s/);
    expect(results[2]).toMatch(/calls to it are paused for \d+ s/);
    expect(results[3]).toMatch(/calls to it are paused/);
    expect((await statusOf('fault'))!.breakerUntil).toBeGreaterThan(Date.now());
  });

  it('a config change restarts the changed server, stops the removed one and leaves the others alone', async () => {
    const everything = (await statusOf('everything'))!;
    const web = (await statusOf('web'))!;
    const t0 = Date.now();
    writeFileSync(join(home, 'config.yaml'), readFileSync(join(home, 'config.yaml'), 'utf8').replace(serversYaml({ withFs: true, faultTimeout: 1, port }), serversYaml({ withFs: false, faultTimeout: 5, port })));
    await waitStatus('fs', (s) => s.state === 'stopped', t0);
    await waitStatus('fault', (s) => s.state === 'ready' && s.restarts === 0, t0);
    const st = (await host.client.request('mcp/status', {})).servers;
    expect(st.map((s) => s.name).sort()).toEqual(['broken', 'everything', 'fault', 'legacy', 'web']);
    expect(st.find((s) => s.name === 'everything')).toMatchObject({ pid: everything.pid, since: everything.since });
    expect(st.find((s) => s.name === 'web')).toMatchObject({ since: web.since });
    // The restarted server starts with a closed breaker and its new timeout.
    expect(st.find((s) => s.name === 'fault')!.breakerUntil).toBeUndefined();
    await turn({ text: 'ok' });
    const names = offered().map((t) => t.function.name);
    expect(names.some((n) => n.startsWith('mcp_fs_'))).toBe(false);
    expect(names).toContain('mcp_fault_echo');
  });

  it('the /mcp command lists the servers; /mcp reload reconnects a server that is waiting to', async () => {
    const r = await host.client.request('command/run', { text: '/mcp', threadId });
    // A server that came back keeps its last error on show, for whoever wonders why it restarted.
    expect(r.message).toMatch(/^everything: ready for \d+s, \d+ tool\(s\), resources, prompts, 1 restart\(s\) — last error: the server process exited/m);
    expect(r.message).toMatch(/^broken: (backoff|failed) for .*last error: spawn \/nonexistent\/mcp-server ENOENT$/m);
    const t0 = Date.now();
    const reload = await host.client.request('command/run', { text: '/mcp reload', threadId });
    expect(reload.message).toMatch(/^Reconnecting: broken\./);
    await waitStatus('broken', (s) => s.state === 'starting', t0);
  });

  it('`hermes-host mcp list` shows the live state from the running host, `mcp test` starts one server on its own', async () => {
    const list = await runCli(['mcp', 'list'], { HERMES_HOME: home });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/everything: .*server-everything.*\n\s+ready for/);
    expect(list.stdout).toMatch(/web \(trusted\): http:\/\/127\.0\.0\.1:\d+\/mcp\n\s+ready for .*2 tool/);
    const test = await runCli(['mcp', 'test', 'web'], { HERMES_HOME: home });
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/✓ web: ready in \d+ ms over http; 2 tool\(s\)/);
    expect(test.stdout).toContain('mcp_web_get_sum');
  });
});
