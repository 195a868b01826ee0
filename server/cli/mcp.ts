// `hermes-host mcp list` (the configured servers and, when a host runs, their live state) and `hermes-host mcp test
// <server>` (starts that one server afresh with the host's own client code, lists what the model would get, stops).
import { Command } from 'commander';
import { homePaths } from '../config/home';
import { loadConfig } from '../config/load';
import { loadDotEnv } from '../config/env';
import { createLogger } from '../util/log';
import { redact } from '../util/redact';
import type { McpServerConfig } from '../mcp/config';
import type { McpServerStatus } from '../mcp/connection';
import { describeStatus } from '../mcp/describe';

type HomeOf = (cmd: Command) => string;

function target(s: McpServerConfig): string {
  return redact(s.command ? [s.command, ...s.args].join(' ') : (s.url ?? ''));
}

async function liveStatus(hermesHome: string): Promise<McpServerStatus[] | null> {
  const { currentOwner } = await import('../owner/lock');
  const owner = currentOwner(hermesHome);
  if (!owner) return null;
  const { HostConnection } = await import('./rpc-client');
  const conn = await HostConnection.connect(owner.socket);
  try {
    await conn.initialize({ name: 'mcp-list' });
    return (await conn.request('mcp/status', {})).servers;
  } finally {
    conn.close();
  }
}

export function mcpCommand(home: HomeOf, fail: (e: unknown) => never): Command {
  const mcp = new Command('mcp').description('MCP servers (mcp_servers in config.yaml)');
  mcp
    .command('list')
    .description('the configured MCP servers, with their live state when a host is running')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      try {
        const h = home(cmd);
        const servers = loadConfig(homePaths(h).config).config.mcp_servers;
        const live = await liveStatus(h).catch(() => null);
        if (opts.json) {
          const rows = Object.entries(servers).map(([name, s]) => ({ name, enabled: s.enabled, target: target(s), trusted: s.trusted, status: live?.find((x) => x.name === name) ?? null }));
          process.stdout.write(JSON.stringify({ hostRunning: !!live, servers: rows }, null, 2) + '\n');
          return;
        }
        if (!Object.keys(servers).length) {
          process.stdout.write('no MCP servers configured (add them under mcp_servers: in config.yaml)\n');
          return;
        }
        if (!live) process.stdout.write('no host is running on this HERMES_HOME: showing the configuration only\n');
        for (const [name, s] of Object.entries(servers)) {
          const st = live?.find((x) => x.name === name);
          const state = !s.enabled ? 'disabled' : st ? describeStatus(st) : live ? 'not started' : 'configured';
          process.stdout.write(`${name}${s.trusted ? ' (trusted)' : ''}: ${target(s)}\n  ${state}\n`);
        }
      } catch (e) {
        fail(e);
      }
    });
  mcp
    .command('test <server>')
    .description('start one configured server, list its tools as the model would see them, and stop it')
    .option('--json', 'print JSON')
    .action(async (name: string, opts, cmd: Command) => {
      try {
        const h = home(cmd);
        const paths = homePaths(h);
        const servers = loadConfig(paths.config).config.mcp_servers;
        const cfg = servers[name];
        if (!cfg) fail(new Error(`no MCP server named ${name} in ${paths.config} (configured: ${Object.keys(servers).join(', ') || 'none'})`));
        const code = await testServer(name, { ...cfg, enabled: true }, { ...process.env, ...loadDotEnv(paths.env) }, !!opts.json);
        process.exit(code);
      } catch (e) {
        fail(e);
      }
    });
  return mcp;
}

async function testServer(name: string, cfg: McpServerConfig, env: Record<string, string | undefined>, json: boolean): Promise<number> {
  const { McpConnection } = await import('../mcp/connection');
  const { assignNames, helperName } = await import('../mcp/naming');
  let tools: { name: string; description?: string }[] = [];
  const t0 = Date.now();
  let first!: (s: McpServerStatus) => void;
  const settled = new Promise<McpServerStatus>((r) => (first = r));
  const conn = new McpConnection(name, cfg, {
    env: () => env,
    log: createLogger({ stderr: false, level: 'error' }),
    onTools: (t) => (tools = t),
    onStatus: (s) => {
      if (s.state !== 'starting') first(s);
    },
  });
  conn.start();
  const st = await settled;
  const ms = Date.now() - t0;
  await conn.close();
  const names = assignNames(name, tools.map((t) => t.name), () => false);
  const helpers = [
    ...(st.resources ? [helperName(name, 'list_resources'), helperName(name, 'read_resource')] : []),
    ...(st.prompts ? [helperName(name, 'list_prompts'), helperName(name, 'get_prompt')] : []),
  ];
  if (json) {
    process.stdout.write(JSON.stringify({ ok: st.state === 'ready', ms, status: st, tools: tools.map((t) => ({ name: names.get(t.name), remote: t.name })), helpers }, null, 2) + '\n');
    return st.state === 'ready' ? 0 : 1;
  }
  if (st.state !== 'ready') {
    process.stdout.write(`✗ ${name}: could not start: ${st.lastError ?? st.state}\n`);
    return 1;
  }
  process.stdout.write(`✓ ${name}: ready in ${ms} ms over ${st.transport}; ${tools.length} tool(s)${st.resources ? ', resources' : ''}${st.prompts ? ', prompts' : ''}\n`);
  for (const t of tools) process.stdout.write(`  ${names.get(t.name)}  ${(t.description ?? '').split('\n')[0].slice(0, 80)}\n`);
  for (const hn of helpers) process.stdout.write(`  ${hn}\n`);
  return 0;
}
