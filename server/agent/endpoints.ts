// Which OpenAI-compatible endpoint a turn talks to, resolved from config.yaml, .env, the process environment and
// secrets a client handed over in `initialize`. Keys are looked up here and nowhere else.
import type { HermesConfig } from '../config/schema';
import { HostError } from '../util/errors';

export interface Endpoint {
  label: 'primary' | 'fallback';
  model: string;
  baseURL: string;
  apiKey: string;
}

const OPENAI = 'https://api.openai.com/v1';
const OPENROUTER = 'https://openrouter.ai/api/v1';

export function resolveEndpoints(config: HermesConfig, env: Record<string, string | undefined>, modelOverride?: string): Endpoint[] {
  const m = config.model;
  const model = modelOverride || m.default;
  if (!model) {
    throw new HostError(
      'ModelUnavailable',
      'no model configured: set model.default in config.yaml (hermes-host config set model.default <model-id>)',
    );
  }
  let provider = m.provider;
  let baseURL = m.base_url || '';
  if (provider === 'auto') {
    if (baseURL || env.OPENAI_BASE_URL) provider = 'custom';
    else if (env.OPENROUTER_API_KEY && !env.OPENAI_API_KEY) provider = 'openrouter';
    else provider = 'openai';
  }
  if (!baseURL) baseURL = provider === 'openrouter' ? OPENROUTER : provider === 'openai' ? env.OPENAI_BASE_URL || OPENAI : env.OPENAI_BASE_URL || '';
  if (!baseURL) throw new HostError('ModelUnavailable', 'model.provider is custom but model.base_url is not set');
  const keyVar = m.api_key_env || (provider === 'openrouter' ? 'OPENROUTER_API_KEY' : 'OPENAI_API_KEY');
  let apiKey = env[keyVar] || '';
  if (!apiKey) {
    // Local servers (Ollama, llama.cpp, vLLM) usually need no key; hosted APIs do.
    if (provider === 'custom') apiKey = 'no-key';
    else throw new HostError('ModelUnavailable', `no API key: set ${keyVar} in HERMES_HOME/.env or the environment`);
  }
  const out: Endpoint[] = [{ label: 'primary', model, baseURL: baseURL.replace(/\/+$/, ''), apiKey }];
  if (m.fallback) {
    const fk = m.fallback.api_key_env ? env[m.fallback.api_key_env] : apiKey;
    out.push({
      label: 'fallback',
      model: m.fallback.model,
      baseURL: (m.fallback.base_url || baseURL).replace(/\/+$/, ''),
      apiKey: fk || 'no-key',
    });
  }
  return out;
}
