// MCP tools as host tools: `mcp_<server>_<tool>` with the server's own JSON schema, toolset `mcp-<server>`. A call
// asks through the approval gate unless the server is `trusted` or the tool is in its `auto_approve` list; the
// result comes back inside the untrusted-data envelope (the runner redacts it like any tool output). Servers that
// offer resources or prompts get four helpers, named as Hermes names them.
import { z } from 'zod';
import type { Tool, ToolContext, ToolResult } from '../tools/types';
import type { ApprovalGate } from '../approval/types';
import type { McpConnection, McpToolDef } from './connection';
import { McpDownError, describe } from './connection';
import { join } from 'node:path';
import { binarySaver, formatCallResult, wrapMcp, type ContentBlock } from './results';
import { helperName } from './naming';
import { redact } from '../util/redact';

/** Arguments are checked by the server against its own schema; here they only need to be an object. */
const AnyArgs = z.record(z.string(), z.unknown());

export function toolsetOf(server: string): string {
  return `mcp-${server}`;
}

/**
 * Providers reject some JSON Schema shapes servers send (no `type`, a `$schema` key, non-object roots): the root
 * becomes a plain object schema and local `$ref`s into `$defs`/`definitions` are inlined.
 */
export function normalizeSchema(input: unknown): Record<string, unknown> {
  const root = input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : {};
  const defs = { ...((root.$defs as object) ?? {}), ...((root.definitions as object) ?? {}) } as Record<string, unknown>;
  delete root.$schema;
  const inline = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => inline(x, depth));
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$ref === 'string' && depth < 8) {
      const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(o.$ref);
      if (m && defs[m[1]]) return inline(defs[m[1]], depth + 1);
    }
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== '$defs' && k !== 'definitions').map(([k, x]) => [k, inline(x, depth)]));
  };
  const out = inline(root, 0) as Record<string, unknown>;
  if (out.type !== 'object') out.type = 'object';
  if (!out.properties || typeof out.properties !== 'object') out.properties = {};
  return out;
}

function argsPreview(args: unknown): string {
  // Shown to every surface that may answer and kept in the audit: never a secret.
  const s = redact(JSON.stringify(args ?? {}));
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

async function guarded(
  conn: McpConnection,
  gate: ApprovalGate,
  ctx: ToolContext,
  call: { tool: string; remote: string; args: unknown; sideEffects: boolean },
  run: () => Promise<ToolResult>,
): Promise<ToolResult> {
  const cfg = conn.cfg;
  if (call.sideEffects && !cfg.trusted && !cfg.auto_approve.includes(call.remote) && !cfg.auto_approve.includes(call.tool)) {
    const gateResult = await gate.checkAction(ctx, {
      tool: call.tool,
      subject: `${conn.name}.${call.remote} ${argsPreview(call.args)}`,
      reason: `calls tool "${call.remote}" on MCP server "${conn.name}", which is not marked trusted (mcp_servers.${conn.name}.trusted / auto_approve)`,
      sessionKey: `mcp:${conn.name}:${call.remote}`,
    });
    if (!gateResult.allowed) return { content: gateResult.message, isError: true };
  }
  try {
    return await run();
  } catch (e) {
    if (e instanceof McpDownError) return { content: e.message, isError: true };
    if (ctx.signal.aborted) return { content: 'Interrupted by the user before the MCP server answered.', isError: true, item: { status: 'interrupted' } };
    return { content: `MCP server ${conn.name} refused ${call.remote}: ${describe(e)}`, isError: true };
  }
}

export function mcpTool(conn: McpConnection, gate: ApprovalGate, def: McpToolDef, name: string): Tool<Record<string, unknown>> {
  const parameters = normalizeSchema(def.inputSchema);
  return {
    name,
    toolset: toolsetOf(conn.name),
    description: `[MCP server ${conn.name}] ${(def.description ?? def.name).slice(0, 1024)}`,
    schema: AnyArgs,
    parameters,
    parallelSafe: conn.cfg.supports_parallel_tool_calls,
    run: (args, ctx) =>
      guarded(conn, gate, ctx, { tool: name, remote: def.name, args, sideEffects: true }, async () => {
        // Progress a server reports streams into the call's card, and keeps a long call alive past `timeout`.
        const onprogress = (p: { progress: number; total?: number; message?: string }) =>
          ctx.output(`progress ${p.progress}${p.total ? `/${p.total}` : ''}${p.message ? `: ${p.message}` : ''}\n`);
        const r = (await conn.request(
          `tools/call ${def.name}`,
          (c, o) => c.callTool({ name: def.name, arguments: args }, undefined, { ...o, onprogress, resetTimeoutOnProgress: true }),
          ctx.signal,
        )) as {
          content?: ContentBlock[];
          structuredContent?: unknown;
          isError?: boolean;
          toolResult?: unknown;
        };
        // Images and audio are kept on disk (as Hermes does) so the agent can pass them on; the model reads the path.
        const text = wrapMcp(`mcp:${conn.name}/${def.name}`, formatCallResult(r, (data, mime) => binarySaver(join(ctx.hermesHome, 'cache', 'mcp'))(data, mime)));
        return r.isError ? { content: `The MCP tool reported an error.\n${text}`, isError: true } : { content: text };
      }),
  };
}

/** list_resources / read_resource / list_prompts / get_prompt for a server that offers them. */
export function helperTools(conn: McpConnection, gate: ApprovalGate): Tool[] {
  const out: Tool[] = [];
  const st = conn.status();
  const src = (what: string) => `mcp:${conn.name}/${what}`;
  if (st.resources) {
    out.push({
      name: helperName(conn.name, 'list_resources'),
      toolset: toolsetOf(conn.name),
      description: `[MCP server ${conn.name}] List the resources (files, records, …) this server offers, with their URIs.`,
      schema: z.object({ cursor: z.string().optional().describe('from a previous page') }),
      parallelSafe: true,
      run: (args, ctx) =>
        guarded(conn, gate, ctx, { tool: 'list_resources', remote: 'resources/list', args, sideEffects: false }, async () => {
          const r = await conn.request('resources/list', (c, o) => c.listResources(args.cursor ? { cursor: args.cursor } : undefined, o), ctx.signal);
          const lines = r.resources.map((x) => `${x.uri}${x.name ? ` — ${x.name}` : ''}${x.mimeType ? ` (${x.mimeType})` : ''}${x.description ? `: ${x.description}` : ''}`);
          if (r.nextCursor) lines.push(`(more: call again with cursor "${r.nextCursor}")`);
          return { content: wrapMcp(src('resources'), lines.join('\n') || '(no resources)') };
        }),
    });
    out.push({
      name: helperName(conn.name, 'read_resource'),
      toolset: toolsetOf(conn.name),
      description: `[MCP server ${conn.name}] Read one resource by its URI (from list_resources).`,
      schema: z.object({ uri: z.string().min(1) }),
      parallelSafe: true,
      run: (args, ctx) =>
        guarded(conn, gate, ctx, { tool: 'read_resource', remote: 'resources/read', args, sideEffects: false }, async () => {
          const r = await conn.request('resources/read', (c, o) => c.readResource({ uri: args.uri }, o), ctx.signal);
          const body = r.contents.map((x) => formatCallResult({ content: [{ type: 'resource', resource: x as ContentBlock['resource'] }] })).join('\n');
          return { content: wrapMcp(src(args.uri), body || '(empty)') };
        }),
    });
  }
  if (st.prompts) {
    out.push({
      name: helperName(conn.name, 'list_prompts'),
      toolset: toolsetOf(conn.name),
      description: `[MCP server ${conn.name}] List the prompt templates this server offers and their arguments.`,
      schema: z.object({ cursor: z.string().optional() }),
      parallelSafe: true,
      run: (args, ctx) =>
        guarded(conn, gate, ctx, { tool: 'list_prompts', remote: 'prompts/list', args, sideEffects: false }, async () => {
          const r = await conn.request('prompts/list', (c, o) => c.listPrompts(args.cursor ? { cursor: args.cursor } : undefined, o), ctx.signal);
          const lines = r.prompts.map(
            (p) => `${p.name}${p.description ? `: ${p.description}` : ''}${p.arguments?.length ? ` (arguments: ${p.arguments.map((a) => `${a.name}${a.required ? '*' : ''}`).join(', ')})` : ''}`,
          );
          if (r.nextCursor) lines.push(`(more: call again with cursor "${r.nextCursor}")`);
          return { content: wrapMcp(src('prompts'), lines.join('\n') || '(no prompts)') };
        }),
    });
    out.push({
      name: helperName(conn.name, 'get_prompt'),
      toolset: toolsetOf(conn.name),
      description: `[MCP server ${conn.name}] Get one prompt template filled with arguments (from list_prompts).`,
      schema: z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.string()).optional() }),
      parallelSafe: true,
      run: (args, ctx) =>
        guarded(conn, gate, ctx, { tool: 'get_prompt', remote: 'prompts/get', args, sideEffects: false }, async () => {
          const r = await conn.request('prompts/get', (c, o) => c.getPrompt({ name: args.name, arguments: args.arguments }, o), ctx.signal);
          const body = r.messages.map((m) => `${m.role}: ${formatCallResult({ content: [m.content as ContentBlock] })}`).join('\n');
          return { content: wrapMcp(src(`prompt ${args.name}`), `${r.description ? `${r.description}\n` : ''}${body}`) };
        }),
    });
  }
  return out;
}
