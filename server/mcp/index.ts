// MCP inside a host: the manager is built with the tools, follows config changes, reports each server's state as
// `mcp/statusChanged`, answers `mcp/status`, and tells a new thread's model which configured servers it cannot use.
import { join } from 'node:path';
import type { Host } from '../host';
import type { Handlers } from '../rpc/connection';
import type { PromptSection } from '../agent/prompt';
import { McpManager } from './manager';

const running = new WeakMap<Host, McpManager>();

export function installMcp(host: Host): McpManager {
  const mgr = new McpManager({
    registry: host.registry,
    gate: host.approvals,
    env: () => host.env(),
    log: host.log.child('mcp'),
    stderrFile: join(host.paths.logs, 'mcp-stderr.log'),
    onStatus: (s) => host.events.emit('mcp/statusChanged', s),
  });
  running.set(host, mgr);
  host.registry.beforeTurn(() => mgr.settled());
  // config.yaml edited or `config set`: servers whose settings changed restart, the others keep running.
  const off = host.events.on((n) => {
    if (n.method === 'config/changed' && !n.params.error) mgr.apply(host.config.mcp_servers);
  });
  host.onClose(async () => {
    off();
    await mgr.close();
  });
  host.prompt.add(mcpPromptSection(mgr));
  mgr.apply(host.config.mcp_servers);
  return mgr;
}

export function mcpOf(host: Host): McpManager | undefined {
  return running.get(host);
}

export function mcpHandlers(host: Host): Pick<Handlers, 'mcp/status'> {
  return { 'mcp/status': () => ({ servers: mcpOf(host)?.status() ?? [] }) };
}

function mcpPromptSection(mgr: McpManager): PromptSection {
  return {
    id: 'mcp',
    order: 250,
    render() {
      const down = mgr.unavailable();
      if (!down.length) return '';
      return (
        'MCP servers configured but unavailable when this conversation started (their tools are not offered; the host keeps ' +
        'reconnecting and offers them once a server is back). Do not improvise their work with other tools without telling the user:\n' +
        down.map((d) => `- ${d.name}: ${d.why}`).join('\n')
      );
    },
  };
}
