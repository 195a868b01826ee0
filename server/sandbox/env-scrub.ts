// The environment handed to sandboxed commands. Provider keys, tokens and other secrets of the host process must not
// reach commands the model runs (they could print them into the transcript), so anything that looks like one is
// dropped unless the user lists it in `terminal.env_passthrough`.

const SECRET_WORDS = [
  'KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'AUTH', 'COOKIE', 'SESSION', 'DSN',
  'WEBHOOK',
];

const SECRET_PREFIXES = [
  'OPENAI_', 'OPENROUTER_', 'ANTHROPIC_', 'AWS_', 'AZURE_', 'GOOGLE_', 'GEMINI_', 'GCP_', 'GCLOUD_', 'VERTEX_',
  'GITHUB_TOKEN', 'GH_TOKEN', 'GITLAB_', 'HF_', 'HUGGING', 'TELEGRAM_', 'DISCORD_', 'SLACK_', 'MISTRAL_', 'GROQ_',
  'COHERE_', 'DEEPSEEK_', 'XAI_', 'TOGETHER_', 'FIREWORKS_', 'PERPLEXITY_', 'REPLICATE_', 'NOUS_', 'FIRECRAWL_',
  'TAVILY_', 'BRAVE_', 'SERPAPI_', 'EXA_', 'BROWSERBASE_', 'MODAL_', 'DAYTONA_', 'E2B_', 'STRIPE_', 'TWILIO_',
  'SENDGRID_', 'NPM_TOKEN', 'NODE_AUTH', 'PYPI_', 'DOCKER_AUTH', 'DOCKER_PASS', 'VAULT_', 'DATABASE_URL',
  'REDIS_URL', 'MONGO', 'POSTGRES_PASSWORD', 'PGPASSWORD', 'MYSQL_PWD', 'SSH_AUTH_SOCK', 'GPG_', 'KUBECONFIG',
];

/** Host-process variables that are about the host itself, not for commands. */
const HERMES_PRIVATE = /^HERMES_(?!HOME$|SANDBOX$)/;

/** True when `name` looks like a credential (provider key, token, password…). */
export function isCredentialEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_PREFIXES.some((p) => upper.startsWith(p)) || SECRET_WORDS.some((w) => upper.includes(w));
}

/**
 * Moves credential-looking variables out of `env` (normally process.env): returns the full copy taken first and
 * deletes them from `env`, so children spawned later without an explicit environment (git, MCP servers, anything
 * that inherits process.env) never get them. The host keeps the copy for model endpoints and keyed tools.
 * Note: /proc/<pid>/environ still shows the environment the process started with — that is why local commands run
 * in a PID namespace of their own (bwrap.ts).
 */
export function takeCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const k of Object.keys(env)) if (isCredentialEnvName(k)) delete env[k];
  return copy;
}

/** True when `name` looks like it holds a secret (or host-private state) and must not be handed to commands. */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_PREFIXES.some((p) => upper.startsWith(p))) return true;
  if (HERMES_PRIVATE.test(upper)) return true;
  return SECRET_WORDS.some((w) => upper.includes(w));
}

/**
 * Copy of `env` without secret-looking variables; names in `passthrough` are kept as they are. Variables whose value
 * is undefined are dropped.
 */
export function scrubEnv(env: NodeJS.ProcessEnv, passthrough: readonly string[] = []): Record<string, string> {
  const keep = new Set(passthrough);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (keep.has(k) || !isSecretEnvName(k)) out[k] = v;
  }
  return out;
}

/** The listed passthrough variables that are set in `env` (what remote backends forward into the sandbox). */
export function passthroughEnv(env: NodeJS.ProcessEnv, passthrough: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of passthrough) if (env[k] !== undefined) out[k] = env[k]!;
  return out;
}
