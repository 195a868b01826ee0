// The model providers a Hermes config.yaml may name (`model.provider`), and what each means here. Facts (base URLs,
// key variables, aliases) follow the Hermes agent's provider registry (hermes_cli/auth.py PROVIDER_REGISTRY and
// resolve_provider's alias table) so a Hermes user's config and .env keep working. Every provider here is reached
// through an OpenAI-compatible chat-completions endpoint; the ones that only speak another protocol or need an
// OAuth login are known (the config loads) but refused when a turn needs them, with the reason.

export interface ProviderInfo {
  /** Canonical name (Hermes's). */
  name: string;
  /** OpenAI-compatible base URL; '' for `custom`, which takes model.base_url. */
  baseURL: string;
  /** Environment variables holding the key, in the order Hermes tries them. */
  keyVars: string[];
  /** Environment variable that overrides the base URL. */
  baseURLVar?: string;
  /** Local servers: no key needed. */
  keyless?: boolean;
  /** Set when this host cannot talk to it: why. */
  unsupported?: string;
}

const P = (name: string, baseURL: string, keyVars: string[], baseURLVar?: string, extra: Partial<ProviderInfo> = {}): ProviderInfo => ({
  name,
  baseURL,
  keyVars,
  ...(baseURLVar ? { baseURLVar } : {}),
  ...extra,
});

const OAUTH = 'signs in with OAuth through the Hermes CLI, which this host does not do';

export const PROVIDERS: Record<string, ProviderInfo> = Object.fromEntries(
  [
    P('openrouter', 'https://openrouter.ai/api/v1', ['OPENROUTER_API_KEY'], 'OPENROUTER_BASE_URL'),
    P('openai', 'https://api.openai.com/v1', ['OPENAI_API_KEY'], 'OPENAI_BASE_URL'),
    P('custom', '', [], 'CUSTOM_BASE_URL'),
    P('nous', 'https://inference-api.nousresearch.com/v1', ['NOUS_API_KEY'], 'NOUS_BASE_URL'),
    // Anthropic serves an OpenAI-compatible chat-completions endpoint under /v1.
    P('anthropic', 'https://api.anthropic.com/v1', ['ANTHROPIC_API_KEY', 'ANTHROPIC_TOKEN'], 'ANTHROPIC_BASE_URL'),
    P('gemini', 'https://generativelanguage.googleapis.com/v1beta/openai', ['GOOGLE_API_KEY', 'GEMINI_API_KEY'], 'GEMINI_BASE_URL'),
    P('lmstudio', 'http://127.0.0.1:1234/v1', ['LM_API_KEY'], 'LM_BASE_URL', { keyless: true }),
    P('zai', 'https://api.z.ai/api/paas/v4', ['GLM_API_KEY', 'ZAI_API_KEY', 'Z_AI_API_KEY'], 'GLM_BASE_URL'),
    P('copilot', 'https://api.githubcopilot.com', ['COPILOT_GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN'], 'COPILOT_API_BASE_URL'),
    P('kimi-coding', 'https://api.moonshot.ai/v1', ['KIMI_API_KEY', 'KIMI_CODING_API_KEY'], 'KIMI_BASE_URL'),
    P('kimi-coding-cn', 'https://api.moonshot.cn/v1', ['KIMI_CN_API_KEY']),
    P('stepfun', 'https://api.stepfun.ai/step_plan/v1', ['STEPFUN_API_KEY'], 'STEPFUN_BASE_URL'),
    P('arcee', 'https://api.arcee.ai/api/v1', ['ARCEEAI_API_KEY'], 'ARCEE_BASE_URL'),
    P('gmi', 'https://api.gmi-serving.com/v1', ['GMI_API_KEY'], 'GMI_BASE_URL'),
    P('alibaba', 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', ['DASHSCOPE_API_KEY'], 'DASHSCOPE_BASE_URL'),
    P('alibaba-coding-plan', 'https://coding-intl.dashscope.aliyuncs.com/v1', ['ALIBABA_CODING_PLAN_API_KEY', 'DASHSCOPE_API_KEY'], 'ALIBABA_CODING_PLAN_BASE_URL'),
    P('deepseek', 'https://api.deepseek.com/v1', ['DEEPSEEK_API_KEY'], 'DEEPSEEK_BASE_URL'),
    P('xai', 'https://api.x.ai/v1', ['XAI_API_KEY'], 'XAI_BASE_URL'),
    P('nvidia', 'https://integrate.api.nvidia.com/v1', ['NVIDIA_API_KEY'], 'NVIDIA_BASE_URL'),
    P('opencode-zen', 'https://opencode.ai/zen/v1', ['OPENCODE_ZEN_API_KEY'], 'OPENCODE_ZEN_BASE_URL'),
    P('opencode-go', 'https://opencode.ai/zen/go/v1', ['OPENCODE_GO_API_KEY'], 'OPENCODE_GO_BASE_URL'),
    P('kilocode', 'https://api.kilo.ai/api/gateway', ['KILOCODE_API_KEY'], 'KILOCODE_BASE_URL'),
    P('huggingface', 'https://router.huggingface.co/v1', ['HF_TOKEN'], 'HF_BASE_URL'),
    P('xiaomi', 'https://api.xiaomimimo.com/v1', ['XIAOMI_API_KEY'], 'XIAOMI_BASE_URL'),
    P('tencent-tokenhub', 'https://tokenhub.tencentmaas.com/v1', ['TOKENHUB_API_KEY'], 'TOKENHUB_BASE_URL'),
    P('ollama-cloud', 'https://ollama.com/v1', ['OLLAMA_API_KEY'], 'OLLAMA_BASE_URL'),
    P('novita', 'https://api.novita.ai/openai/v1', ['NOVITA_API_KEY'], 'NOVITA_BASE_URL'),
    P('azure-foundry', '', ['AZURE_FOUNDRY_API_KEY'], 'AZURE_FOUNDRY_BASE_URL'),
    P('minimax', '', ['MINIMAX_API_KEY'], undefined, { unsupported: 'is reached through an Anthropic-messages endpoint, not an OpenAI-compatible one' }),
    P('minimax-cn', '', ['MINIMAX_CN_API_KEY'], undefined, { unsupported: 'is reached through an Anthropic-messages endpoint, not an OpenAI-compatible one' }),
    P('openai-codex', '', [], undefined, { unsupported: OAUTH }),
    P('xai-oauth', '', [], undefined, { unsupported: OAUTH }),
    P('qwen-oauth', '', [], undefined, { unsupported: OAUTH }),
    P('google-gemini-cli', '', [], undefined, { unsupported: OAUTH }),
    P('minimax-oauth', '', [], undefined, { unsupported: OAUTH }),
    P('copilot-acp', '', [], undefined, { unsupported: 'runs the Copilot CLI as an external process, which this host does not do' }),
    P('bedrock', '', [], undefined, { unsupported: 'uses the AWS SDK, not an OpenAI-compatible endpoint' }),
  ].map((p) => [p.name, p]),
);

/** Local servers Hermes maps to `custom`, with the address they listen on by default. */
export const LOCAL_ALIASES: Record<string, string> = {
  ollama: 'http://127.0.0.1:11434/v1',
  vllm: 'http://127.0.0.1:8000/v1',
  llamacpp: 'http://127.0.0.1:8080/v1',
  'llama.cpp': 'http://127.0.0.1:8080/v1',
  'llama-cpp': 'http://127.0.0.1:8080/v1',
};

/** Other spellings Hermes accepts for the same providers. */
const ALIASES: Record<string, string> = {
  'openai-api': 'openai',
  glm: 'zai', 'z-ai': 'zai', 'z.ai': 'zai', zhipu: 'zai',
  google: 'gemini', 'google-gemini': 'gemini', 'google-ai-studio': 'gemini',
  'x-ai': 'xai', 'x.ai': 'xai', grok: 'xai',
  'x-ai-oauth': 'xai-oauth', 'grok-oauth': 'xai-oauth', 'xai-grok-oauth': 'xai-oauth',
  kimi: 'kimi-coding', 'kimi-for-coding': 'kimi-coding', moonshot: 'kimi-coding',
  'kimi-cn': 'kimi-coding-cn', 'moonshot-cn': 'kimi-coding-cn',
  step: 'stepfun', 'stepfun-coding-plan': 'stepfun',
  'arcee-ai': 'arcee', arceeai: 'arcee',
  'gmi-cloud': 'gmi', gmicloud: 'gmi',
  'minimax-china': 'minimax-cn', minimax_cn: 'minimax-cn',
  'minimax-portal': 'minimax-oauth', 'minimax-global': 'minimax-oauth', minimax_oauth: 'minimax-oauth',
  alibaba_coding: 'alibaba-coding-plan', 'alibaba-coding': 'alibaba-coding-plan', alibaba_coding_plan: 'alibaba-coding-plan',
  claude: 'anthropic', 'claude-code': 'anthropic',
  github: 'copilot', 'github-copilot': 'copilot', 'github-models': 'copilot', 'github-model': 'copilot',
  'github-copilot-acp': 'copilot-acp', 'copilot-acp-agent': 'copilot-acp',
  opencode: 'opencode-zen', zen: 'opencode-zen',
  'qwen-portal': 'qwen-oauth', 'qwen-cli': 'qwen-oauth',
  'gemini-cli': 'google-gemini-cli', 'gemini-oauth': 'google-gemini-cli',
  hf: 'huggingface', 'hugging-face': 'huggingface', 'huggingface-hub': 'huggingface',
  mimo: 'xiaomi', 'xiaomi-mimo': 'xiaomi',
  tencent: 'tencent-tokenhub', tokenhub: 'tencent-tokenhub', 'tencent-cloud': 'tencent-tokenhub', tencentmaas: 'tencent-tokenhub',
  aws: 'bedrock', 'aws-bedrock': 'bedrock', 'amazon-bedrock': 'bedrock', amazon: 'bedrock',
  go: 'opencode-go', 'opencode-go-sub': 'opencode-go',
  kilo: 'kilocode', 'kilo-code': 'kilocode', 'kilo-gateway': 'kilocode',
  'lm-studio': 'lmstudio', lm_studio: 'lmstudio',
  ollama_cloud: 'ollama-cloud',
  'novita-ai': 'novita', novitaai: 'novita',
};

export interface NormalizedProvider {
  /** 'auto', or a key of PROVIDERS. */
  provider: string;
  /** Default base URL an alias brings (ollama → its local address). */
  aliasBaseURL?: string;
  /** The name as written, when it was an alias. */
  alias?: string;
}

/** Maps what config.yaml says to a canonical provider, or null when the name is unknown. */
export function normalizeProvider(raw: string | null | undefined): NormalizedProvider | null {
  const name = String(raw ?? '').trim().toLowerCase();
  if (!name || name === 'auto') return { provider: 'auto' };
  if (PROVIDERS[name]) return { provider: name };
  if (LOCAL_ALIASES[name]) return { provider: 'custom', aliasBaseURL: LOCAL_ALIASES[name], alias: name };
  // `custom:<name>` picks one of Hermes's named custom_providers; here it is a custom endpoint at model.base_url.
  if (name.startsWith('custom:')) return { provider: 'custom', alias: name };
  const a = ALIASES[name];
  return a ? { provider: a, alias: name } : null;
}

export function knownProviderNames(): string[] {
  return ['auto', ...Object.keys(PROVIDERS), ...Object.keys(LOCAL_ALIASES)];
}

/** Providers a turn can use here (for messages that name them). */
export function supportedProviderNames(): string[] {
  return ['auto', ...Object.values(PROVIDERS).filter((p) => !p.unsupported).map((p) => p.name), ...Object.keys(LOCAL_ALIASES)];
}
