// Holds every tool the host knows and decides which ones a turn offers to the model.
import { z } from 'zod';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { AvailabilityEnv, Tool } from './types';
import { expandToolsets } from '../config/toolsets';

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly schemaCache = new WeakMap<Tool, ChatCompletionTool>();
  private readonly waits: (() => Promise<void>)[] = [];

  /** Something a turn waits for before it lists tools (MCP servers still on their first connect; bounded there). */
  beforeTurn(wait: () => Promise<void>): void {
    this.waits.push(wait);
  }

  async settled(): Promise<void> {
    if (this.waits.length) await Promise.all(this.waits.map((w) => w().catch(() => {})));
  }

  register(tool: Tool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool ${tool.name} registered twice`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) throw new Error(`invalid tool name: ${tool.name}`);
    this.tools.set(tool.name, tool);
  }

  /** Removes a tool registered at run time (an MCP server's tool that is gone). */
  unregister(name: string): boolean {
    return this.tools.delete(name);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  all(): Tool[] {
    return [...this.tools.values()];
  }

  /**
   * Tools offered in a turn: in an enabled toolset, not disabled, and available in this environment. `toolsets`, from
   * the turn's policy, replaces config's list for this turn (the policy already kept it within config's).
   */
  active(env: AvailabilityEnv, toolsets?: string[]): { tools: Tool[]; hidden: { name: string; reason: string }[] } {
    const enabled = expandToolsets(toolsets ?? env.config.toolsets);
    // Hermes's disabled_toolsets names toolsets too: a composite one switches off every tool it expands to.
    const disabledSel = expandToolsets(env.config.agent.disabled_toolsets);
    const disabled = disabledSel.all ? new Set<string>() : disabledSel.names;
    const tools: Tool[] = [];
    const hidden: { name: string; reason: string }[] = [];
    for (const t of this.tools.values()) {
      if (disabled.has(t.toolset) || (!disabledSel.all && disabledSel.tools.has(t.name))) {
        hidden.push({ name: t.name, reason: `toolset ${t.toolset} is disabled` });
        continue;
      }
      const offered = enabled.all || t.toolset === 'core' || enabled.names.has(t.toolset) || enabled.tools.has(t.name) || mcpOffered(t.toolset, enabled.names);
      if (!offered) {
        hidden.push({ name: t.name, reason: `toolset ${t.toolset} is not enabled` });
        continue;
      }
      const ok = t.available ? t.available(env) : true;
      if (ok === true) tools.push(t);
      else hidden.push({ name: t.name, reason: ok });
    }
    return { tools, hidden };
  }

  /** The function definition the model sees; derived from the tool's zod schema and cached. */
  schema(tool: Tool): ChatCompletionTool {
    let s = this.schemaCache.get(tool);
    if (!s) {
      const json = tool.parameters ?? (z.toJSONSchema(tool.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
      delete json.$schema;
      s = { type: 'function', function: { name: tool.name, description: tool.description, parameters: json } };
      this.schemaCache.set(tool, s);
    }
    return s;
  }
}

/**
 * A configured MCP server's tools come with the toolsets that mean "the full agent" (Hermes's hermes-<platform>
 * bundles), with `mcp` (every server) and with `mcp-<server>`; a narrower list (`file`, `web`, a subagent's
 * toolsets) leaves them out unless it names them.
 */
function mcpOffered(toolset: string, names: Set<string>): boolean {
  if (!toolset.startsWith('mcp-')) return false;
  if (names.has('mcp')) return true;
  for (const n of names) if (n.startsWith('hermes-')) return true;
  return false;
}
