// The API key goes where Hermes sends it: a named provider's own variables; for an endpoint given by URL, the key of
// that URL's host and never another host's; no key for a local server. Never "no-key" when a matching key exists.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../server/config/load';
import { resolveEndpoints } from '../../../server/agent/endpoints';

const cfg = (model: string) => validateConfig('/h/config.yaml', `model:\n  default: m\n${model}`).config;
const primary = (model: string, env: Record<string, string>) => resolveEndpoints(cfg(model), env)[0];

describe('API key choice', () => {
  it('provider auto + an openrouter.ai base_url uses OPENROUTER_API_KEY (the example config)', () => {
    const ep = primary('  provider: auto\n  base_url: https://openrouter.ai/api/v1\n', { OPENROUTER_API_KEY: 'sk-or-1', OPENAI_API_KEY: 'sk-oa' });
    expect(ep).toMatchObject({ baseURL: 'https://openrouter.ai/api/v1', apiKey: 'sk-or-1', keySource: 'OPENROUTER_API_KEY' });
  });

  it('refuses to go to OpenRouter without a key instead of sending "no-key"', () => {
    expect(() => primary('  base_url: https://openrouter.ai/api/v1\n', {})).toThrow(/no API key for openrouter.ai: set OPENROUTER_API_KEY/);
  });

  it("never sends one host's key to another host", () => {
    const env = { OPENROUTER_API_KEY: 'sk-or-1', OPENAI_API_KEY: 'sk-oa', DEEPSEEK_API_KEY: 'ds-1' };
    expect(primary('  base_url: http://127.0.0.1:8080/v1\n', env)).toMatchObject({ apiKey: 'no-key', keySource: undefined });
    expect(primary('  base_url: https://api.deepseek.com/v1\n', env)).toMatchObject({ apiKey: 'ds-1', keySource: 'DEEPSEEK_API_KEY' });
    expect(primary('  base_url: https://api.groq.com/openai/v1\n', { ...env, GROQ_API_KEY: 'gq' })).toMatchObject({ keySource: 'GROQ_API_KEY' });
    // a look-alike host gets nothing
    expect(primary('  base_url: https://openrouter.ai.evil.test/v1\n', env)).toMatchObject({ apiKey: 'no-key' });
    expect(primary('  base_url: https://api.openai.com/v1\n', env)).toMatchObject({ keySource: 'OPENAI_API_KEY' });
  });

  it("named providers use their own variables and base URLs, even at a proxy URL", () => {
    expect(primary('  provider: anthropic\n', { ANTHROPIC_API_KEY: 'sk-ant-x' })).toMatchObject({ baseURL: 'https://api.anthropic.com/v1', keySource: 'ANTHROPIC_API_KEY' });
    expect(primary('  provider: gemini\n', { GEMINI_API_KEY: 'g' })).toMatchObject({ baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', keySource: 'GEMINI_API_KEY' });
    expect(primary('  provider: zai\n', { ZAI_API_KEY: 'z' })).toMatchObject({ baseURL: 'https://api.z.ai/api/paas/v4', keySource: 'ZAI_API_KEY' });
    expect(primary('  provider: glm\n', { GLM_API_KEY: 'z' })).toMatchObject({ keySource: 'GLM_API_KEY' });
    expect(primary('  provider: nous\n', { NOUS_API_KEY: 'n' })).toMatchObject({ baseURL: 'https://inference-api.nousresearch.com/v1' });
    expect(primary('  provider: openrouter\n  base_url: http://127.0.0.1:9/v1\n', { OPENROUTER_API_KEY: 'k' })).toMatchObject({ baseURL: 'http://127.0.0.1:9/v1', keySource: 'OPENROUTER_API_KEY' });
    expect(primary('  provider: openrouter\n', { OPENROUTER_API_KEY: 'k', OPENROUTER_BASE_URL: 'http://127.0.0.1:7/v1' })).toMatchObject({ baseURL: 'http://127.0.0.1:7/v1' });
    expect(() => primary('  provider: anthropic\n', {})).toThrow(/no API key: set ANTHROPIC_API_KEY or ANTHROPIC_TOKEN/);
  });

  it('local aliases map to custom at their default address; LM Studio needs no key', () => {
    expect(primary('  provider: ollama\n', { OPENAI_API_KEY: 'sk-oa' })).toMatchObject({ baseURL: 'http://127.0.0.1:11434/v1', apiKey: 'no-key', provider: 'custom' });
    expect(primary('  provider: vllm\n', {})).toMatchObject({ baseURL: 'http://127.0.0.1:8000/v1' });
    expect(primary('  provider: llamacpp\n', {})).toMatchObject({ baseURL: 'http://127.0.0.1:8080/v1' });
    expect(primary('  provider: lmstudio\n', {})).toMatchObject({ baseURL: 'http://127.0.0.1:1234/v1', apiKey: 'no-key' });
  });

  it('model.api_key and model.api_key_env are used as written; OPENAI_BASE_URL pairs with OPENAI_API_KEY', () => {
    expect(primary('  base_url: http://127.0.0.1:9/v1\n  api_key: inline-key\n', {})).toMatchObject({ apiKey: 'inline-key', keySource: 'model.api_key' });
    expect(primary('  base_url: http://127.0.0.1:9/v1\n  api_key_env: MY_KEY\n', { MY_KEY: 'mine' })).toMatchObject({ keySource: 'MY_KEY' });
    expect(primary('', { OPENAI_BASE_URL: 'http://127.0.0.1:5/v1', OPENAI_API_KEY: 'paired' })).toMatchObject({ apiKey: 'paired', keySource: 'OPENAI_API_KEY' });
    expect(primary('', { OPENROUTER_API_KEY: 'k' })).toMatchObject({ baseURL: 'https://openrouter.ai/api/v1', keySource: 'OPENROUTER_API_KEY' });
  });

  it('an OAuth-only provider is refused at turn time with the reason and the usable ones', () => {
    expect(() => primary('  provider: openai-codex\n', {})).toThrow(/signs in with OAuth.*set model.provider to one of: auto, openrouter/);
  });
});
