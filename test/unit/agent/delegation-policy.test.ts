// A subagent's policy derives from its parent's turn and is never looser: same origin, answerers and approval mode;
// only tools the parent could use, minus what no subagent may use; delegate_task only below the depth limit.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultConfig, type HermesConfig } from '../../../server/config/schema';
import { policyFor } from '../../../server/agent/policy';
import { ToolRegistry } from '../../../server/tools/registry';
import { DelegationService } from '../../../server/delegation/service';
import type { Tool } from '../../../server/tools/types';

const tool = (name: string, toolset: string): Tool => ({ name, toolset, description: name, schema: z.object({}), run: async () => ({ content: '' }) });

function service(config: HermesConfig) {
  const registry = new ToolRegistry();
  for (const [n, ts] of [
    ['terminal', 'terminal'], ['read_file', 'file'], ['write_file', 'file'], ['web_search', 'web'], ['memory', 'memory'],
    ['clarify', 'clarify'], ['send_message', 'messaging'], ['execute_code', 'code_execution'], ['delegate_task', 'delegation'],
  ] as const) registry.register(tool(n, ts));
  const svc = new DelegationService({
    threads: { onInterrupt: () => () => {} } as never,
    store: { db: {} } as never,
    events: {} as never,
    registry,
    config: () => config,
    env: () => ({}),
    log: {} as never,
    followChild: () => {},
    releaseChild: async () => {},
  });
  const offered = (p: ReturnType<typeof svc.childPolicy>) =>
    registry.active({ config, env: {} }, p.toolsets).tools.map((t) => t.name).filter((n) => !p.blockedTools?.includes(n)).sort();
  return { svc, offered };
}

const origin = { surfaceId: 'vscode#1', kind: 'editor' as const, label: 'vscode' };

describe('subagent policy', () => {
  it('keeps the parent origin, answerers and approval mode, and withholds what subagents may not use', () => {
    const config = defaultConfig();
    const { svc, offered } = service(config);
    const parent = policyFor(config, origin, { approvalMode: 'deny', answerers: 'origin', user: 'u1' });
    const child = svc.childPolicy(parent);
    expect(child).toMatchObject({ origin, approvalMode: 'deny', answerers: 'origin', user: 'u1', depth: 1, maxIterations: 50 });
    expect(offered(child)).toEqual(['read_file', 'terminal', 'web_search', 'write_file']);
  });

  it('narrows to the requested toolsets and never adds what the parent lacked', () => {
    const config = defaultConfig();
    const { svc, offered } = service(config);
    const parent = policyFor(config, origin, { toolsets: ['file', 'delegation'] });
    expect(offered(svc.childPolicy(parent, ['file']))).toEqual(['read_file', 'write_file']);
    // Asking for terminal and web, which the parent's turn did not have, gains nothing.
    expect(offered(svc.childPolicy(parent, ['terminal', 'web', 'file']))).toEqual(['read_file', 'write_file']);
  });

  it('lets children delegate only below delegation.max_spawn_depth, and grandchildren inherit the restrictions', () => {
    const config = { ...defaultConfig(), delegation: { ...defaultConfig().delegation, max_spawn_depth: 2 } };
    const { svc, offered } = service(config);
    const child = svc.childPolicy(policyFor(config, origin));
    expect(offered(child)).toContain('delegate_task');
    const grandchild = svc.childPolicy(child);
    expect(grandchild.depth).toBe(2);
    expect(offered(grandchild)).not.toContain('delegate_task');
    expect(offered(grandchild)).not.toContain('memory');
  });
});
