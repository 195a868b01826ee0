// Every configured MCP server of a host: starts them, keeps their tools registered under stable names, and applies
// config changes (added, removed or changed servers restart; the others are not touched). A server that goes down
// keeps its tools: calls then say the server is down, so nothing vanishes from under a running thread.
import type { ToolRegistry } from '../tools/registry';
import type { ApprovalGate } from '../approval/types';
import type { Tool } from '../tools/types';
import type { Logger } from '../util/log';
import type { McpServerConfig } from './config';
import { McpConnection, type McpServerStatus, type McpToolDef } from './connection';
import { assignNames } from './naming';
import { helperTools, mcpTool } from './tools';

export interface McpManagerDeps {
  registry: ToolRegistry;
  gate: ApprovalGate;
  env: () => Record<string, string | undefined>;
  log: Logger;
  stderrFile?: string;
  onStatus: (s: McpServerStatus) => void;
  backoffBaseMs?: number;
}

interface Entry {
  conn: McpConnection;
  key: string;
  /** Names this server's tools are registered under. */
  names: Set<string>;
  /** Resolves when the first connect attempt has ended, either way. */
  firstAttempt: Promise<void>;
}

/** How long a turn waits for servers still on their first connect before it lists its tools. */
const FIRST_TURN_WAIT_MS = 15_000;

export class McpManager {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: McpManagerDeps) {}

  /** Brings the running servers in line with `servers` (the `mcp_servers` section). */
  apply(servers: Record<string, McpServerConfig>): { started: string[]; stopped: string[]; restarted: string[] } {
    const started: string[] = [];
    const stopped: string[] = [];
    const restarted: string[] = [];
    for (const [name, e] of [...this.entries]) {
      const next = servers[name];
      if (next && JSON.stringify(next) === e.key) continue;
      (next ? restarted : stopped).push(name);
      this.stop(name);
    }
    for (const [name, cfg] of Object.entries(servers)) {
      if (this.entries.has(name)) continue;
      if (!restarted.includes(name)) started.push(name);
      this.startOne(name, cfg);
    }
    if (started.length || stopped.length || restarted.length) this.deps.log.info('MCP servers applied', { started, stopped, restarted });
    return { started, stopped, restarted };
  }

  status(): McpServerStatus[] {
    return [...this.entries.values()].map((e) => e.conn.status());
  }

  get(name: string): McpConnection | undefined {
    return this.entries.get(name)?.conn;
  }

  toolNames(name: string): string[] {
    return [...(this.entries.get(name)?.names ?? [])];
  }

  /** Waits (bounded) for servers that are still on their first connect, so a first turn sees their tools. */
  async settled(maxMs = FIRST_TURN_WAIT_MS): Promise<void> {
    const pending = [...this.entries.values()].map((e) => e.firstAttempt);
    if (!pending.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(pending), new Promise<void>((r) => (timer = setTimeout(r, maxMs)))]);
    clearTimeout(timer);
  }

  /** Servers waiting to reconnect try again now; returns their names. */
  retryNow(): string[] {
    return [...this.entries.values()].filter((e) => e.conn.retryNow()).map((e) => e.conn.name);
  }

  async close(): Promise<void> {
    const all = [...this.entries.keys()];
    await Promise.all(all.map((n) => this.stop(n)));
  }

  /** What the model should know about servers it cannot use (shown when a thread starts). */
  unavailable(): { name: string; why: string }[] {
    const out: { name: string; why: string }[] = [];
    for (const e of this.entries.values()) {
      const s = e.conn.status();
      // A server still on its first connect is not "unavailable" yet: its tools join the first turn (see settled()).
      if (s.state === 'ready' || s.state === 'disabled' || s.state === 'starting') continue;
      if (e.names.size) continue; // its tools are offered and answer for themselves
      out.push({ name: s.name, why: s.lastError ?? s.state });
    }
    return out;
  }

  private startOne(name: string, cfg: McpServerConfig): void {
    let settle!: () => void;
    const firstAttempt = new Promise<void>((r) => (settle = r));
    const entry: Entry = { conn: undefined as unknown as McpConnection, key: JSON.stringify(cfg), names: new Set(), firstAttempt };
    const conn = new McpConnection(name, cfg, {
      env: this.deps.env,
      log: this.deps.log,
      stderrFile: this.deps.stderrFile,
      backoffBaseMs: this.deps.backoffBaseMs,
      onTools: (tools) => this.register(entry, tools),
      onStatus: (s) => {
        if (s.state !== 'starting') settle();
        if (this.entries.get(name) === entry || s.state === 'stopped') this.deps.onStatus(s);
      },
    });
    entry.conn = conn;
    this.entries.set(name, entry);
    conn.start();
  }

  private async stop(name: string): Promise<void> {
    const e = this.entries.get(name);
    if (!e) return;
    this.entries.delete(name);
    for (const n of e.names) this.deps.registry.unregister(n);
    e.names.clear();
    await e.conn.close();
  }

  /** (Re)registers a server's tools after a connect or a tools/list_changed. */
  private register(e: Entry, defs: McpToolDef[]): void {
    const { registry } = this.deps;
    const conn = e.conn;
    for (const n of e.names) registry.unregister(n);
    e.names.clear();
    const tools: Tool[] = helperTools(conn, this.deps.gate);
    const reserved = new Set(tools.map((t) => t.name));
    const names = assignNames(
      conn.name,
      defs.map((d) => d.name),
      (n) => reserved.has(n) || !!registry.get(n),
    );
    for (const d of defs) tools.push(mcpTool(conn, this.deps.gate, d, names.get(d.name)!));
    for (const t of tools) {
      if (registry.get(t.name)) {
        this.deps.log.warn(`MCP server ${conn.name}: tool name ${t.name} is taken; skipped`);
        continue;
      }
      registry.register(t);
      e.names.add(t.name);
    }
  }
}
