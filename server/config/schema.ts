// config.yaml, validated. Key names follow the Hermes agent's config where it has one, so a Hermes user can point
// HERMES_HOME at an existing folder. Objects are loose: keys we do not know are kept and reported as warnings,
// never rejected, because a Hermes config carries many of them.
import { z } from 'zod';
import { McpServersConfig } from '../mcp/config';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
/** A list Hermes may leave as null. */
const list = () => z.preprocess((v) => v ?? [], z.array(z.string()));
/** An enum setting Hermes may leave as '' (meaning its default). */
const blankIs = <T extends string>(fallback: T, map: Record<string, string> = {}) => (v: unknown) => {
  if (v === '' || v == null) return fallback;
  if (typeof v !== 'string') return v;
  const k = v.trim().toLowerCase();
  return map[k] ?? k;
};

export const ModelEndpoint = z.looseObject({
  model: z.string().min(1),
  base_url: z.string().url().optional(),
  /** Name of the environment variable (in .env or the process) that holds this endpoint's API key. */
  api_key_env: z.string().optional(),
});

export const ModelConfig = z.looseObject({
  /** Model id sent to the endpoint, e.g. `gpt-4.1-mini` or `anthropic/claude-sonnet-4`. */
  default: z.string().default(''),
  /** Any provider name Hermes accepts (see providers.ts); checked and mapped in compat.ts. */
  provider: z.preprocess(blankIs('auto'), z.string()).default('auto'),
  base_url: z.string().default(''),
  api_key_env: z.string().default(''),
  /** Hermes's inline key (`model.api_key`); a key in .env is better, but one written here is used. */
  api_key: z.string().default(''),
  context_window: int(1024).default(128_000),
  fallback: ModelEndpoint.nullable().default(null),
  max_retries: int(0, 20).default(3),
  retry_base_ms: int(0).default(1000),
  retry_max_ms: int(0).default(30_000),
  /** A stream that sends nothing for this long is treated as stalled and retried. */
  stream_idle_timeout_ms: int(100).default(120_000),
  temperature: z.number().min(0).max(2).optional(),
});

export const AgentConfig = z.looseObject({
  /** Tool-calling steps per turn. Hermes calls it `max_turns`; that name is read when this one is not written. */
  max_iterations: int(1, 10_000).default(60),
  max_turns: int(1, 10_000).optional(),
  /** The same failing call this many times in a turn ends the turn. */
  loop_guard_stop_after: int(2, 50).default(3),
  tool_result_max_chars: int(1000).default(50_000),
  disabled_toolsets: list().default([]),
  clarify_timeout: int(1).default(600),
  /** Images users send (Hermes's key): `native` sends the pixels to the model, `text` only says where each image is
   * saved, `auto` sends them until the model refuses images (then text for that model). */
  image_input_mode: z.preprocess(blankIs('auto'), z.enum(['auto', 'native', 'text'])).default('auto'),
  /** Only the latest this-many images of a thread go to the model as pictures; older ones as their text line. */
  max_inline_images: int(0, 64).default(4),
});

export const TerminalConfig = z.looseObject({
  /** Every backend Hermes knows is accepted; the ones not implemented here are reported (compat.ts). */
  backend: z
    .preprocess(blankIs('local'), z.enum(['local', 'docker', 'ssh', 'modal', 'managed_modal', 'daytona', 'singularity', 'vercel_sandbox']))
    .default('local'),
  /** What to run on when `backend` is not implemented here: '' refuses to run commands, 'local' runs them locally. */
  fallback: z.preprocess(blankIs(''), z.enum(['', 'local'])).default(''),
  cwd: z.string().default(''),
  timeout: int(1).default(180),
  max_foreground_timeout: int(1).default(600),
  output_max_chars: int(1000).default(50_000),
  env_passthrough: list().default([]),
  shell: z.string().default('bash'),
  /** OS sandbox under local commands: auto = bwrap when it works here, else unconfined with a loud warning;
   * bwrap = required (commands refuse to run without it); off = unconfined. */
  sandbox: z.enum(['auto', 'bwrap', 'off']).default('auto'),
  /** Network inside the local sandbox. On by default so package installs work; false gives each command an empty
   * network namespace (no loopback shared with the host). */
  sandbox_network: z.boolean().default(true),
  /** Extra paths local commands may write, besides the workspace and a private /tmp (absolute or ~/…). */
  sandbox_writable: z.array(z.string()).default([]),
  docker_image: z.string().default('debian:bookworm-slim'),
  docker_scope: z.enum(['thread', 'host']).default('thread'),
  docker_network: z.boolean().default(false),
  docker_socket: z.string().default(''),
  docker_user: z.string().default('1000:1000'),
  docker_pids_limit: int(16).default(256),
  container_cpu: z.number().positive().default(1),
  container_memory: int(64).default(2048),
  ssh_host: z.string().default(''),
  ssh_port: int(1, 65535).default(22),
  ssh_user: z.string().default(''),
  ssh_key: z.string().default(''),
  ssh_known_hosts: z.string().default(''),
});

export const ApprovalsConfig = z.looseObject({
  /** manual: ask; off: never ask (explicit opt-in); deny: refuse every dangerous command (unattended runs).
   *  (Hermes' `smart` is not offered: an old config with it loads as manual with a warning, see load.ts.) */
  mode: z
    .preprocess((v) => (v === false ? 'off' : blankIs('manual')(v)), z.enum(['manual', 'off', 'deny']))
    .default('manual'),
  timeout: int(1).default(60),
});

export const MemoryConfig = z.looseObject({
  memory_enabled: z.boolean().default(true),
  user_profile_enabled: z.boolean().default(true),
  memory_char_limit: int(100).default(2200),
  user_char_limit: int(100).default(1375),
});

export const SkillsConfig = z.looseObject({
  external_dirs: list().default([]),
  trusted_sources: list().default([]),
  guard_agent_created: z.boolean().default(true),
});

export const CompressionConfig = z.looseObject({
  enabled: z.boolean().default(true),
  threshold: z.number().gt(0).max(1).default(0.85),
  target_ratio: z.number().gt(0).max(1).default(0.2),
  protect_first_n: int(0).default(2),
  protect_last_n: int(1).default(8),
});

export const WebConfig = z.looseObject({
  /** Hermes's names map to ours ('' = auto, ddgs, brave-free); backends not implemented here fall back to auto. */
  backend: z
    .preprocess(
      blankIs('auto', { ddgs: 'duckduckgo', 'brave-free': 'brave', parallel: 'auto', exa: 'auto', xai: 'auto' }),
      z.enum(['auto', 'duckduckgo', 'searxng', 'brave', 'tavily', 'firecrawl']),
    )
    .default('auto'),
  searxng_url: z.string().default(''),
  /** Base URLs of the keyed APIs, overridable for self-hosted instances and tests. */
  brave_url: z.string().default('https://api.search.brave.com'),
  tavily_url: z.string().default('https://api.tavily.com'),
  firecrawl_url: z.string().default('https://api.firecrawl.dev'),
  duckduckgo_url: z.string().default('https://html.duckduckgo.com'),
  allow_private_urls: z.boolean().default(false),
});

export const LoggingConfig = z.looseObject({
  /** Python's level names (INFO, WARNING, CRITICAL) in any case, as Hermes writes them. */
  level: z
    .preprocess(blankIs('info', { warning: 'warn', critical: 'error', fatal: 'error', notset: 'debug' }), z.enum(['debug', 'info', 'warn', 'error']))
    .default('info'),
});

export const RpcConfig = z.looseObject({
  /** Largest JSON-RPC frame a client may send; bigger ones are refused before their body is buffered. */
  max_message_bytes: int(64 * 1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
});

export const GatewayConfig = z.looseObject({
  /** A message arriving while a turn runs: interrupt it (then answer the new message) or queue behind it. */
  busy_mode: z.enum(['interrupt', 'queue', 'steer']).default('interrupt'),
  group_sessions_per_user: z.boolean().default(true),
  /** On SIGTERM, how long running turns may finish and the outbox may flush (seconds). */
  drain_timeout: int(0).default(30),
  /** Least time between two edits of a streamed reply in one chat (Telegram penalises faster edits). */
  edit_interval_ms: int(100).default(1000),
  /** More parts than this and the reply is sent as a file instead. */
  max_parts: int(1, 50).default(8),
  /** Tool activity in chats: off, the first call of each tool (new), or every call (all). */
  tool_progress: z.enum(['off', 'new', 'all']).default('off'),
  allow_all_users: z.boolean().default(false),
  /** An unknown user in a DM: `pair` (a pairing code) or `ignore`. Unset: ignore when an allow list is set. */
  unauthorized_dm_behavior: z.enum(['pair', 'ignore']).optional(),
  telegram: z
    .looseObject({
      enabled: z.boolean().default(true),
      /** Bot API base URL (self-hosted Bot API servers, tests); TELEGRAM_API_ROOT overrides it. */
      api_root: z.string().default(''),
      poll_timeout: int(0, 50).default(30),
      /** In groups, answer only when mentioned or replied to; TELEGRAM_REQUIRE_MENTION overrides it. */
      require_mention: z.boolean().default(true),
      allowed_users: z.array(z.union([z.string(), z.number()])).default([]),
      unauthorized_dm_behavior: z.enum(['pair', 'ignore']).optional(),
      /** Outside DMs, only these chats/channels (empty: all); Hermes's allowed_chats / allowed_channels map here. */
      allowed_chats: z.array(z.union([z.string(), z.number()])).default([]),
      ignored_chats: z.array(z.union([z.string(), z.number()])).default([]),
      /** Groups/channels where the bot answers without a mention (Hermes's free_response_channels map here). */
      free_response_chats: z.array(z.union([z.string(), z.number()])).default([]),
    })
    .prefault({}),
  discord: z
    .looseObject({
      enabled: z.boolean().default(true),
      /** REST base URL (tests, proxies); DISCORD_API_ROOT overrides it. The gateway URL comes from GET /gateway/bot. */
      api_root: z.string().default(''),
      allowed_users: z.array(z.union([z.string(), z.number()])).default([]),
      unauthorized_dm_behavior: z.enum(['pair', 'ignore']).optional(),
      /** Outside DMs, only these chats/channels (empty: all); Hermes's allowed_chats / allowed_channels map here. */
      allowed_chats: z.array(z.union([z.string(), z.number()])).default([]),
      ignored_chats: z.array(z.union([z.string(), z.number()])).default([]),
      /** Groups/channels where the bot answers without a mention (Hermes's free_response_channels map here). */
      free_response_chats: z.array(z.union([z.string(), z.number()])).default([]),
      /** A mention in a guild channel starts a thread on that message, and the conversation continues there. */
      auto_thread: z.boolean().default(true),
      /** In guild channels, answer only when mentioned (or in its threads); DISCORD_REQUIRE_MENTION overrides it. */
      require_mention: z.boolean().default(true),
      /** After a reconnect, at most this many pages (100 messages) of each known channel's history are read. */
      backfill_pages: int(1, 100).default(10),
    })
    .prefault({}),
  slack: z
    .looseObject({
      enabled: z.boolean().default(true),
      /** Web API base URL (tests, Slack-compatible servers); SLACK_API_URL overrides it. */
      api_url: z.string().default(''),
      allowed_users: z.array(z.union([z.string(), z.number()])).default([]),
      unauthorized_dm_behavior: z.enum(['pair', 'ignore']).optional(),
      /** Outside DMs, only these chats/channels (empty: all); Hermes's allowed_chats / allowed_channels map here. */
      allowed_chats: z.array(z.union([z.string(), z.number()])).default([]),
      ignored_chats: z.array(z.union([z.string(), z.number()])).default([]),
      /** Groups/channels where the bot answers without a mention (Hermes's free_response_channels map here). */
      free_response_chats: z.array(z.union([z.string(), z.number()])).default([]),
      /** The slash command (from the app's manifest) that carries the gateway's commands: `/hermes status`. */
      command: z.string().regex(/^\/[a-z0-9_-]+$/).default('/hermes'),
      /** In channels, answer only when mentioned or in a thread the bot is in. */
      require_mention: z.boolean().default(true),
      /** Socket Mode: no pong for this long closes the socket and reconnects. */
      client_ping_timeout_ms: int(500, 120_000).default(5000),
      /** Socket Mode: a connection that has not said hello after this many seconds is retried. */
      connect_timeout: int(1, 300).default(30),
    })
    .prefault({}),
  transcription: z
    .looseObject({
      /** An OpenAI-compatible endpoint with POST /audio/transcriptions; empty = voice messages are not transcribed. */
      base_url: z.string().default(''),
      model: z.string().default('whisper-1'),
      api_key_env: z.string().default('OPENAI_API_KEY'),
    })
    .prefault({}),
});

/** The OpenAI-compatible HTTP API (server/api). Unset keys fall back to Hermes's API_SERVER_* variables, then defaults. */
export const ApiConfig = z.looseObject({
  enabled: z.boolean().optional(),
  /** Bind address; anything but loopback needs API_SERVER_KEY (>= 32 characters). */
  host: z.string().optional(),
  port: int(0, 65535).optional(),
  /** Browser origins allowed to call the API; requests from any other origin are refused. */
  cors_origins: list().optional(),
  max_request_bytes: int(1024, 100 * 1024 * 1024).default(10_000_000),
  /** Requests per minute per key (token bucket of `burst`). */
  rate_limit: z
    .looseObject({ per_minute: int(1).default(120), burst: int(1).default(60) })
    .prefault({}),
  /** Dangerous commands in API turns: deny at once, or forward to the thread's other surfaces (VS Code, a chat). */
  approvals: z.enum(['deny', 'forward']).default('deny'),
  /** The agent's id in /v1/models (Hermes: API_SERVER_MODEL_NAME). */
  model_name: z.string().optional(),
});

/** Subagents (`delegate_task`); Hermes's key names, plus `max_concurrent`/`max_depth` as shorter aliases. */
export const DelegationConfig = z.looseObject({
  /** Children of one call running at once. */
  max_concurrent_children: int(1, 64).default(3),
  max_concurrent: int(1, 64).optional(),
  /** Background delegations running at once per host; more are rejected, not queued. */
  max_async_children: int(1, 64).default(3),
  /** How deep delegation may nest: 1 = the agent's children cannot delegate. */
  max_spawn_depth: int(1, 10).default(1),
  max_depth: int(1, 10).optional(),
  /** Each child's own step budget. */
  max_iterations: int(1, 10_000).default(50),
  /** A child still running after this long is stopped and reported as timed out (0 = no limit). */
  child_timeout_seconds: int(0).default(600),
});

/** `execute_code`: a script calling the host's tools. */
export const CodeExecutionConfig = z.looseObject({
  mode: z.string().default('project'),
  timeout: int(1, 3600).default(300),
  max_tool_calls: int(1, 1000).default(50),
});

export const CronConfig = z.looseObject({
  /** The owning host runs the scheduler; false keeps jobs stored but never fired. */
  enabled: z.boolean().default(true),
  /** After downtime: run missed firings as one collapsed catch-up run (one), or record them as skipped (skip). */
  catch_up: z.enum(['one', 'skip']).default('one'),
  /** A firing this late (seconds) still counts as on time; later ones follow catch_up. */
  misfire_grace: int(0).default(120),
  /** Longest a run may take (seconds) before it is interrupted; a job can set its own. */
  timeout: int(1).default(600),
  /** Hermes writes null for "no limit"; we keep a bound. */
  max_parallel_jobs: z.preprocess((v) => (v == null ? undefined : v), int(1, 64).default(4)),
  /** Extra attempts of a failed one-shot job (with backoff). */
  retries: int(0, 10).default(2),
  /** Milliseconds to wait for the chat platform to confirm a delivery before recording it as pending. */
  delivery_wait_ms: int(0).default(60_000),
});

export const HermesConfigSchema = z.looseObject({
  model: z.preprocess((v) => (typeof v === 'string' ? { default: v } : v ?? {}), ModelConfig),
  agent: AgentConfig.prefault({}),
  /** Toolsets offered to the model; empty means all available ones. */
  toolsets: list().default([]),
  terminal: TerminalConfig.prefault({}),
  approvals: ApprovalsConfig.prefault({}),
  command_allowlist: list().default([]),
  memory: MemoryConfig.prefault({}),
  skills: SkillsConfig.prefault({}),
  compression: CompressionConfig.prefault({}),
  web: WebConfig.prefault({}),
  logging: LoggingConfig.prefault({}),
  rpc: RpcConfig.prefault({}),
  /** Hermes treats null or a non-positive value as its default. */
  context_file_max_chars: z.preprocess((v) => (v == null || (typeof v === 'number' && v <= 0) ? undefined : v), int(1000).default(20_000)),
  gateway: GatewayConfig.prefault({}),
  api: ApiConfig.prefault({}),
  delegation: DelegationConfig.prefault({}),
  code_execution: CodeExecutionConfig.prefault({}),
  cron: CronConfig.prefault({}),
  /** MCP servers by name (server/mcp/config.ts): stdio (`command`) or HTTP (`url`). */
  mcp_servers: McpServersConfig,
});

export type HermesConfig = z.infer<typeof HermesConfigSchema>;

/** Keys of each section that this version knows; anything else is kept but reported. */
export function knownKeys(): Map<string, Set<string> | null> {
  const out = new Map<string, Set<string> | null>();
  for (const [k, v] of Object.entries(HermesConfigSchema.shape)) {
    let inner: z.ZodType = v as z.ZodType;
    // unwrap default/prefault/pipe wrappers to reach an object shape
    for (let i = 0; i < 5; i++) {
      const def = (inner as any)._zod?.def;
      if (!def) break;
      if (def.type === 'object') break;
      inner = def.innerType ?? def.out ?? def.in ?? inner;
      if (!def.innerType && !def.out && !def.in) break;
    }
    const shape = (inner as any)?.shape;
    out.set(k, shape ? new Set(Object.keys(shape)) : null);
  }
  return out;
}

export function defaultConfig(): HermesConfig {
  return HermesConfigSchema.parse({});
}
