// A status bar item for the host's MCP servers: "MCP 2/3" (ready of enabled), a warning when one is down, and a
// tooltip naming each server's state, tool count and last error. Hidden when no server is configured. Fed by
// `mcp/status` when the host (re)connects and by `mcp/statusChanged` afterwards.
import type { McpServerStatus } from '../../server/protocol';

export interface McpStatusItem {
  text: string;
  tooltip?: unknown;
  command?: unknown;
  backgroundColor?: unknown;
  show(): void;
  hide(): void;
}

const DOWN = new Set(['backoff', 'failed']);

export class McpStatusView {
  private readonly servers = new Map<string, McpServerStatus>();

  constructor(
    private readonly item: McpStatusItem,
    /** The theme colour for a warning background (a vscode.ThemeColor); absent in tests. */
    private readonly warning?: unknown,
  ) {
    // The host log holds each server's errors and the path of its stderr log.
    item.command = 'hermes.showLog';
    this.render();
  }

  /** The full list, from `mcp/status`. */
  replace(servers: McpServerStatus[]): void {
    this.servers.clear();
    for (const s of servers) this.servers.set(s.name, s);
    this.render();
  }

  /** One server changed (`mcp/statusChanged`); a stopped server was removed from the config or is restarting. */
  update(s: McpServerStatus): void {
    if (s.state === 'stopped') this.servers.delete(s.name);
    else this.servers.set(s.name, s);
    this.render();
  }

  /** The host connection is gone: what we knew is stale. */
  clear(): void {
    this.servers.clear();
    this.render();
  }

  get text(): string {
    return this.item.text;
  }

  private render(): void {
    const all = [...this.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (!all.length) {
      this.item.hide();
      return;
    }
    const enabled = all.filter((s) => s.state !== 'disabled');
    const ready = enabled.filter((s) => s.state === 'ready').length;
    const down = enabled.filter((s) => DOWN.has(s.state) || s.breakerUntil);
    const starting = enabled.some((s) => s.state === 'starting');
    const icon = down.length ? '$(warning)' : starting ? '$(loading~spin)' : '$(plug)';
    this.item.text = `${icon} MCP ${ready}/${enabled.length}`;
    this.item.backgroundColor = down.length ? this.warning : undefined;
    this.item.tooltip = ['MCP servers', ...all.map(line)].join('\n');
    this.item.show();
  }
}

function line(s: McpServerStatus): string {
  const bits = [s.state, `${s.tools} tool${s.tools === 1 ? '' : 's'}`, s.transport];
  if (s.restarts) bits.push(`${s.restarts} restart${s.restarts === 1 ? '' : 's'}`);
  if (s.breakerUntil) bits.push('calls paused');
  return `• ${s.name}: ${bits.join(', ')}${s.lastError && s.state !== 'ready' ? ` — ${s.lastError}` : ''}`;
}
