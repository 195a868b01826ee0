// The MCP status bar item: ready/enabled count, a warning when a server is down, each server in the tooltip.
import { describe, expect, it } from 'vitest';
import { McpStatusView, type McpStatusItem } from '../../extension/views/mcp-status';
import type { McpServerStatus } from '../../server/protocol';

const st = (name: string, state: McpServerStatus['state'], extra: Partial<McpServerStatus> = {}): McpServerStatus => ({
  name, transport: 'stdio', state, since: 0, tools: 3, resources: false, prompts: false, restarts: 0, ...extra,
});

describe('McpStatusView', () => {
  it('is hidden without servers and follows their state', () => {
    const item: McpStatusItem & { visible: boolean } = { text: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; } };
    const v = new McpStatusView(item, 'WARN');
    expect(item.visible).toBe(false);
    v.replace([st('a', 'ready'), st('b', 'starting'), st('c', 'disabled')]);
    expect(item.visible).toBe(true);
    expect(item.text).toBe('$(loading~spin) MCP 1/2');
    v.update(st('b', 'ready'));
    expect(item.text).toBe('$(plug) MCP 2/2');
    expect(item.backgroundColor).toBeUndefined();
    v.update(st('a', 'backoff', { lastError: 'the server process exited (stderr: boom)', restarts: 1 }));
    expect(item.text).toBe('$(warning) MCP 1/2');
    expect(item.backgroundColor).toBe('WARN');
    expect(String(item.tooltip)).toContain('• a: backoff, 3 tools, stdio, 1 restart — the server process exited (stderr: boom)');
    v.update(st('a', 'stopped'));
    expect(item.text).toBe('$(plug) MCP 1/1');
    v.clear();
    expect(item.visible).toBe(false);
  });
});
