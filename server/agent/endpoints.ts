// Which OpenAI-compatible endpoint a turn talks to, resolved from config.yaml, .env, the process environment and
// secrets a client handed over in `initialize`. Keys are looked up here and nowhere else.
//
// The key is chosen the way the Hermes agent chooses it (hermes_cli/runtime_provider.py): a named provider uses its
// own variables; an endpoint given only by URL gets the key that belongs to that URL's host (openrouter.ai →
// OPENROUTER_API_KEY, api.openai.com → OPENAI_API_KEY, api.deepseek.com → DEEPSEEK_API_KEY, …) and never another
// host's key; a local server with no matching key gets none.
import type { HermesConfig } from '../config/schema';
import { normalizeProvider, PROVIDERS, supportedProviderNames, type ProviderInfo } from '../config/providers';
import { HostError } from '../util/errors';

export interface Endpoint {
  label: 'primary' | 'fallback';
  model: string;
  baseURL: string;
  apiKey: string;
  /** Where the key came from: an environment variable's name, `model.api_key`, or undefined for none (local). */
  keySource?: string;
  /** Canonical provider name (auto resolved). */
  provider: string;
}

type Env = Record<string, string | undefined>;

const NO_KEY = 'no-key';

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** Exact host or a subdomain of it: `openrouter.ai.example.com` is not openrouter.ai. */
export function hostMatches(url: string, domain: string): boolean {
  const h = hostOf(url);
  return h === domain || h.endsWith('.' + domain);
}

/** `<VENDOR>_API_KEY` from the registrable label of the host (api.groq.com → GROQ_API_KEY); none for IPs/localhost. */
function hostDerivedKeyVar(url: string): string | undefined {
  const h = hostOf(url);
  if (!h || h === 'localhost' || h.includes(':') || /\d$/.test(h.split('.').pop() ?? '')) return undefined;
  const labels = h.split('.').filter(Boolean);
  while (labels.length && (labels[0] === 'api' || labels[0] === 'www')) labels.shift();
  if (labels.length < 2) return undefined;
  const vendor = labels[labels.length - 2].replace(/[^a-z0-9]/g, '_').toUpperCase();
  return vendor ? `${vendor}_API_KEY` : undefined;
}

const keyVarsCache = new Map<string, string[]>();

/** Key variables that belong to the host of `url`, most specific first (a pure function of the URL, kept: it parses
 * every provider's URL and runs for every turn). */
function keyVarsForHost(url: string): string[] {
  let vars = keyVarsCache.get(url);
  if (!vars) {
    if (keyVarsCache.size > 64) keyVarsCache.clear();
    keyVarsCache.set(url, (vars = findKeyVarsForHost(url)));
  }
  return [...vars];
}

function findKeyVarsForHost(url: string): string[] {
  const out: string[] = [];
  if (hostMatches(url, 'openrouter.ai')) out.push('OPENROUTER_API_KEY', 'OPENAI_API_KEY');
  if (hostMatches(url, 'openai.com') || hostMatches(url, 'openai.azure.com')) out.push('OPENAI_API_KEY');
  for (const p of Object.values(PROVIDERS)) {
    const ph = p.baseURL && hostOf(p.baseURL);
    if (ph && hostOf(url) === ph && !ph.startsWith('127.')) out.push(...p.keyVars);
  }
  const derived = hostDerivedKeyVar(url);
  if (derived) out.push(derived);
  return [...new Set(out)];
}

function firstSet(env: Env, vars: string[]): { key: string; source: string } | undefined {
  for (const v of vars) {
    const k = env[v]?.trim();
    if (k) return { key: k, source: v };
  }
  return undefined;
}

/** `auto` without a URL: the provider whose key is present, OpenRouter first as in Hermes. */
function autoProvider(env: Env): string {
  if (env.OPENAI_BASE_URL) return 'custom';
  if (env.OPENROUTER_API_KEY && !env.OPENAI_API_KEY) return 'openrouter';
  if (env.OPENAI_API_KEY) return 'openai';
  for (const p of Object.values(PROVIDERS)) {
    if (!p.unsupported && p.baseURL && !p.keyless && firstSet(env, p.keyVars)) return p.name;
  }
  return 'openai';
}

interface Resolved {
  provider: string;
  baseURL: string;
  apiKey: string;
  keySource?: string;
}

function resolvePrimary(config: HermesConfig, env: Env): Resolved {
  const m = config.model;
  const norm = normalizeProvider(m.provider);
  if (!norm) throw new HostError('ModelUnavailable', `unknown model.provider '${m.provider}'; use one of: ${supportedProviderNames().join(', ')}`);
  const info: ProviderInfo | undefined = PROVIDERS[norm.provider];
  if (info?.unsupported) {
    throw new HostError(
      'ModelUnavailable',
      `model.provider '${m.provider}' ${info.unsupported}; set model.provider to one of: ${supportedProviderNames().join(', ')}`,
    );
  }
  let provider = norm.provider;
  const cfgURL = m.base_url.trim();
  // auto with a URL in config is "that endpoint", keyed by its host (Hermes: config base_url wins under auto).
  const byURL = provider === 'custom' || (provider === 'auto' && !!cfgURL);
  if (provider === 'auto' && !cfgURL) provider = autoProvider(env);
  const p = PROVIDERS[provider === 'auto' ? 'custom' : provider];
  // OPENAI_BASE_URL and OPENAI_API_KEY are set as a pair (the OpenAI SDK's convention): that URL gets that key.
  const fromOpenAIEnv = !cfgURL && provider === 'custom' && !!env.OPENAI_BASE_URL?.trim();
  let baseURL =
    cfgURL ||
    (p?.baseURLVar ? env[p.baseURLVar]?.trim() : '') ||
    (provider === 'custom' ? env.OPENAI_BASE_URL?.trim() || norm.aliasBaseURL : '') ||
    p?.baseURL ||
    '';
  if (!baseURL) {
    throw new HostError('ModelUnavailable', `model.provider is ${m.provider || 'custom'} but model.base_url is not set`);
  }
  baseURL = baseURL.replace(/\/+$/, '');

  const candidates: { key: string; source: string } | undefined = (() => {
    if (m.api_key_env) return firstSet(env, [m.api_key_env]);
    if (m.api_key.trim()) return { key: m.api_key.trim(), source: 'model.api_key' };
    // A named provider keeps its own key even at another URL (a proxy or mirror of it).
    if (!byURL && p && p.keyVars.length) return firstSet(env, p.keyVars);
    return firstSet(env, [...(fromOpenAIEnv ? ['OPENAI_API_KEY'] : []), ...keyVarsForHost(baseURL)]);
  })();
  if (candidates) return { provider: byURL ? 'custom' : provider, baseURL, apiKey: candidates.key, keySource: candidates.source };
  const hosted = !byURL && p && !p.keyless && p.keyVars.length;
  if (hosted) {
    const vars = m.api_key_env ? [m.api_key_env] : p!.keyVars;
    throw new HostError('ModelUnavailable', `no API key: set ${vars.join(' or ')} in HERMES_HOME/.env or the environment`);
  }
  const wanted = keyVarsForHost(baseURL);
  if (wanted.length && (hostMatches(baseURL, 'openrouter.ai') || hostMatches(baseURL, 'openai.com'))) {
    throw new HostError('ModelUnavailable', `no API key for ${hostOf(baseURL)}: set ${wanted.slice(0, 2).join(' or ')} in HERMES_HOME/.env or the environment`);
  }
  // Local servers (Ollama, llama.cpp, vLLM, LM Studio) usually need no key.
  return { provider: byURL ? 'custom' : provider, baseURL, apiKey: NO_KEY };
}

export function resolveEndpoints(config: HermesConfig, env: Env, modelOverride?: string): Endpoint[] {
  const m = config.model;
  const model = modelOverride || m.default;
  if (!model) {
    throw new HostError(
      'ModelUnavailable',
      'no model configured: set model.default in config.yaml (hermes-host config set model.default <model-id>)',
    );
  }
  const r = resolvePrimary(config, env);
  const out: Endpoint[] = [{ label: 'primary', model, baseURL: r.baseURL, apiKey: r.apiKey, keySource: r.keySource, provider: r.provider }];
  if (m.fallback) {
    const fbURL = (m.fallback.base_url || r.baseURL).replace(/\/+$/, '');
    const fk = m.fallback.api_key_env
      ? firstSet(env, [m.fallback.api_key_env])
      : fbURL === r.baseURL
        ? r.keySource
          ? { key: r.apiKey, source: r.keySource }
          : undefined
        : firstSet(env, keyVarsForHost(fbURL));
    out.push({ label: 'fallback', model: m.fallback.model, baseURL: fbURL, apiKey: fk?.key || NO_KEY, keySource: fk?.source, provider: 'custom' });
  }
  return out;
}
