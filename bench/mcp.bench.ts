// MCP client benchmark (issue 15) against the real @modelcontextprotocol/server-everything over stdio.
//  - first tool list: from start to the tools being known, through our supervised connection vs a bare SDK Client
//    (spawn + initialize + tools/list) measured in the same run;
//  - per-call overhead: an `echo` call through the host's MCP tool (connection gate, breaker bookkeeping, result
//    formatting and the untrusted-data envelope; a trusted server, so no approval) vs `client.callTool` on a bare
//    SDK client to its own copy of the same server. Calls alternate between the two so load affects both alike.
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { median, report } from './lib';
import { McpConnection } from '../server/mcp/connection';
import { McpServerConfig } from '../server/mcp/config';
import { mcpTool } from '../server/mcp/tools';
import type { ApprovalGate } from '../server/approval/types';
import type { ToolContext } from '../server/tools/types';
import type { McpServerStatus } from '../server/protocol';
import { createLogger } from '../server/util/log';

const EVERYTHING = resolve(__dirname, '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const STARTS = Number(process.env.BENCH_RUNS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);

const cfg = McpServerConfig.parse({ command: process.execPath, args: [EVERYTHING, 'stdio'], trusted: true });
const log = createLogger({ stderr: false, level: 'error' });
const noGate = {} as ApprovalGate; // never consulted: the server is trusted

async function ours(): Promise<{ conn: McpConnection; ms: number }> {
  const t0 = performance.now();
  let ready!: (s: McpServerStatus) => void;
  const done = new Promise<McpServerStatus>((r) => (ready = r));
  const conn = new McpConnection('everything', cfg, { env: () => process.env, log, onTools: () => {}, onStatus: (s) => s.state !== 'starting' && ready(s) });
  conn.start();
  const s = await done;
  if (s.state !== 'ready') throw new Error(`server did not start: ${s.lastError}`);
  return { conn, ms: performance.now() - t0 };
}

async function direct(): Promise<{ client: Client; ms: number }> {
  const t0 = performance.now();
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }));
  await client.listTools();
  return { client, ms: performance.now() - t0 };
}

async function main() {
  const oursStart: number[] = [];
  const directStart: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const a = await direct();
    directStart.push(a.ms);
    await a.client.close();
    const b = await ours();
    oursStart.push(b.ms);
    await b.conn.close();
  }

  const { conn } = await ours();
  const { client } = await direct();
  const def = conn.tools.find((t) => t.name === 'echo')!;
  const tool = mcpTool(conn, noGate, def, 'mcp_everything_echo');
  const ctx = { signal: new AbortController().signal, hermesHome: tmpdir(), output: () => {} } as unknown as ToolContext;
  const oursCall: number[] = [];
  const directCall: number[] = [];
  for (let i = 0; i < 30; i++) {
    await tool.run({ message: 'warm' }, ctx);
    await client.callTool({ name: 'echo', arguments: { message: 'warm' } });
  }
  for (let i = 0; i < CALLS; i++) {
    let t0 = performance.now();
    const r = await tool.run({ message: `m${i}` }, ctx);
    oursCall.push(performance.now() - t0);
    if (!r.content.includes(`Echo: m${i}`)) throw new Error(`unexpected result: ${r.content}`);
    t0 = performance.now();
    await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
    directCall.push(performance.now() - t0);
  }
  await conn.close();
  await client.close();

  const overhead = median(oursCall) - median(directCall);
  report('mcp', [
    { metric: `first tool list after start (median of ${STARTS})`, value: median(oursStart), unit: 'ms', baseline: median(directStart) },
    { metric: `echo call through the host's MCP tool (median of ${CALLS})`, value: median(oursCall), unit: 'ms', baseline: median(directCall) },
    { metric: 'per-call overhead over a bare SDK client', value: overhead, unit: 'ms', target: '≤ 2 ms' },
  ]);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
