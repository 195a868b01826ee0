// The manager's bookkeeping without server processes: which servers a config change starts, stops or restarts,
// and that a removed server's tools leave the registry while a disabled one never registers any.
import { describe, expect, it } from 'vitest';
import { McpManager } from '../../../server/mcp/manager';
import { McpServerConfig } from '../../../server/mcp/config';
import { ToolRegistry } from '../../../server/tools/registry';
import type { ApprovalGate } from '../../../server/approval/types';
import type { McpServerStatus } from '../../../server/protocol';
import { createLogger } from '../../../server/util/log';

const off = (args: string[] = []) => McpServerConfig.parse({ command: '/bin/true', args, enabled: false });

describe('McpManager.apply', () => {
  it('starts added servers, restarts changed ones, stops removed ones and leaves the rest alone', async () => {
    const seen: McpServerStatus[] = [];
    const m = new McpManager({ registry: new ToolRegistry(), gate: {} as ApprovalGate, env: () => ({}), log: createLogger({ stderr: false, level: 'error' }), onStatus: (s) => seen.push(s) });
    expect(m.apply({ a: off(), b: off() })).toEqual({ started: ['a', 'b'], stopped: [], restarted: [] });
    expect(m.status().map((s) => [s.name, s.state])).toEqual([['a', 'disabled'], ['b', 'disabled']]);
    const b = m.get('b');
    expect(m.apply({ a: off(['x']), b: off(), c: off() })).toEqual({ started: ['c'], stopped: [], restarted: ['a'] });
    expect(m.get('b')).toBe(b);
    expect(m.apply({ c: off() })).toEqual({ started: [], stopped: ['b', 'a'], restarted: [] });
    expect(seen.filter((s) => s.state === 'stopped').map((s) => s.name)).toEqual(['a', 'b', 'a']);
    expect(m.unavailable()).toEqual([]);
    await m.settled(100);
    await m.close();
    expect(m.status()).toEqual([]);
  });

  it('a disabled server refuses calls with a message that says so', async () => {
    const m = new McpManager({ registry: new ToolRegistry(), gate: {} as ApprovalGate, env: () => ({}), log: createLogger({ stderr: false, level: 'error' }), onStatus: () => {} });
    m.apply({ d: off() });
    await expect(m.get('d')!.request('tools/call x', async () => 1)).rejects.toThrow('MCP server d is disabled (mcp_servers.d.enabled is false).');
    await m.close();
  });
});
