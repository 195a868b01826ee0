// `mcp_servers.<name>` in config.yaml, with Hermes's key names: `command`/`args`/`env` for a stdio server,
// `url`/`headers` (and `transport: sse`) for an HTTP one, `timeout` and `connect_timeout` in seconds, `enabled`,
// `tools.include`/`tools.exclude` (include wins when both are set), `tools.resources`/`tools.prompts`. Ours on top:
// `trusted` (calls never ask) and `auto_approve` (tool names that never ask). Keys Hermes has that this host does
// not implement (OAuth, sampling, mTLS) are kept and reported as warnings; unknown keys are kept silently, as Hermes
// does. `${VAR}` in any string value is replaced from the environment when the server starts.
import { z } from 'zod';

const strings = () => z.preprocess((v) => v ?? [], z.array(z.string()));
/** env/header values: YAML may type `PORT: 3001` as a number; the process gets text either way. */
const stringMap = () =>
  z.preprocess(
    (v) => (v == null ? {} : v),
    z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform((x) => String(x))),
  );
/** Seconds; Hermes reads them with float(), so "30" works there and here. */
const seconds = (def: number) =>
  z.preprocess((v) => (v == null ? undefined : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v), z.number().positive().default(def));
/** Transport names as people write them: streamable-http, streamableHttp, http, sse, stdio. */
const TRANSPORTS: Record<string, string> = { streamable_http: 'streamable_http', streamablehttp: 'streamable_http', http: 'http', sse: 'sse', stdio: 'stdio' };

export const McpToolsFilter = z.looseObject({
  include: strings().default([]),
  exclude: strings().default([]),
  /** Offer `mcp_<server>_list_resources`/`read_resource` when the server has resources. */
  resources: z.boolean().default(true),
  /** Offer `mcp_<server>_list_prompts`/`get_prompt` when the server has prompts. */
  prompts: z.boolean().default(true),
});

export const McpServerConfig = z
  .looseObject({
    command: z.string().min(1).optional(),
    args: strings().default([]),
    env: stringMap().default({}),
    cwd: z.string().optional(),
    url: z.string().min(1).optional(),
    headers: stringMap().default({}),
    /** HTTP only: Streamable HTTP (default, with an SSE fallback when the server does not speak it) or SSE. */
    transport: z.preprocess((v) => (typeof v === 'string' ? (TRANSPORTS[v.trim().toLowerCase().replace(/-/g, '_')] ?? v) : v), z.enum(['stdio', 'streamable_http', 'http', 'sse'])).optional(),
    enabled: z.boolean().default(true),
    /** Per tool call, seconds (Hermes's default 120). */
    timeout: seconds(120),
    /** Connecting, initializing and listing tools, seconds (Hermes's default 60). */
    connect_timeout: seconds(60),
    supports_parallel_tool_calls: z.boolean().default(false),
    tools: z.preprocess((v) => v ?? {}, McpToolsFilter),
    trusted: z.boolean().default(false),
    auto_approve: strings().default([]),
  })
  .superRefine((s, ctx) => {
    if (!s.command && !s.url) ctx.addIssue({ code: 'custom', path: ['command'], message: 'a server needs `command` (stdio) or `url` (HTTP)' });
    if (s.command && s.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'set either `command` (stdio) or `url` (HTTP), not both' });
    if (s.url) {
      try {
        const u = new URL(s.url.replace(/\$\{[^}]+\}/g, 'x'));
        if (!/^https?:$/.test(u.protocol)) throw new Error();
      } catch {
        ctx.addIssue({ code: 'custom', path: ['url'], message: `not an http(s) URL: ${s.url}` });
      }
    }
    if (s.transport === 'stdio' && s.url) ctx.addIssue({ code: 'custom', path: ['transport'], message: 'transport stdio needs `command`, not `url`' });
  });

export type McpServerConfig = z.infer<typeof McpServerConfig>;

/** The whole `mcp_servers:` section (Hermes may leave it, or a server, as null). */
export const McpServersConfig = z.preprocess(
  (v) => (v == null ? {} : v),
  z.record(z.string().min(1), McpServerConfig),
);

/** Settings Hermes reads for a server that this host does not implement: they load, and say so. */
const NOT_HERE: Record<string, string> = {
  auth: 'OAuth for MCP servers is not implemented here; send a token with `headers` instead',
  sampling: 'server-initiated sampling is not implemented here; sampling requests are refused',
  ssl_verify: 'custom TLS verification is not implemented here; the system CAs are used',
  client_cert: 'client certificates (mTLS) are not implemented here',
  client_key: 'client certificates (mTLS) are not implemented here',
};

export function mcpConfigWarnings(raw: unknown): { path: (string | number)[]; message: string }[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const [name, server] of Object.entries(raw as Record<string, unknown>)) {
    if (!server || typeof server !== 'object') continue;
    for (const k of Object.keys(server)) {
      if (NOT_HERE[k] && (server as Record<string, unknown>)[k] != null) out.push({ path: ['mcp_servers', name, k], message: NOT_HERE[k] });
    }
  }
  return out;
}

const VAR = /\$\{([^}]+)\}/g;

/** Replaces `${VAR}` in `text`; names that are not set are collected in `missing`. */
export function interpolate(text: string, env: Record<string, string | undefined>, missing: Set<string>, used?: Set<string>): string {
  return text.replace(VAR, (_m, name: string) => {
    const v = env[name.trim()];
    if (v === undefined) {
      missing.add(name.trim());
      return '';
    }
    used?.add(v);
    return v;
  });
}

/** The transport a server's config asks for. */
export function transportOf(s: McpServerConfig): 'stdio' | 'http' | 'sse' {
  if (s.command) return 'stdio';
  return s.transport === 'sse' ? 'sse' : 'http';
}
