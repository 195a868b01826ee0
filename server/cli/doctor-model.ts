// doctor's model checks: the endpoint answers, and it accepts our key. A models list is often public (OpenRouter's
// is), so the key is proven with a 1-token completion. The check names the variable the key came from, never the key.
import OpenAI from 'openai';
import { listEndpointModels } from '../agent/model-client';
import type { Check, DoctorInput } from './doctor';
import { noModelMessage } from './model-offer';

export async function modelChecks(host: Pick<DoctorInput, 'config' | 'env' | 'log'>): Promise<Check[]> {
  let endpoint;
  let models: { id: string }[] = [];
  try {
    ({ endpoint, models } = await listEndpointModels(host.config, host.env, host.log));
  } catch (e) {
    return [{ name: 'model endpoint', ok: false, detail: (e as Error).message }];
  }
  if (!host.config.model.default) {
    return [
      { name: 'model endpoint', ok: true, detail: `${endpoint.baseURL} answers (${models.length} models)` },
      { name: 'model', ok: false, detail: noModelMessage(models.map((m) => m.id), endpoint.baseURL).replace(/\n/g, ' ') },
    ];
  }
  const known = models.some((m) => m.id === endpoint.model);
  const out: Check[] = [
    {
      name: 'model endpoint',
      ok: true,
      detail: `${endpoint.baseURL} answers (${models.length} models)${known ? `, ${endpoint.model} available` : `; ${endpoint.model} not in its list`}`,
    },
  ];
  const keyFrom = endpoint.keySource ? `the key from ${endpoint.keySource}` : 'no key (none configured for this endpoint)';
  try {
    const client = new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, maxRetries: 0, timeout: 20_000 });
    await client.chat.completions.create({ model: endpoint.model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
    out.push({ name: 'model key', ok: true, detail: `a 1-token completion with ${endpoint.model} succeeded using ${keyFrom}` });
  } catch (e) {
    const status = (e as { status?: number }).status;
    const why =
      status === 401 || status === 403
        ? `the endpoint refused ${keyFrom} (HTTP ${status})${endpoint.keySource ? `; check ${endpoint.keySource}` : '; set the provider\'s API key in HERMES_HOME/.env'}`
        : `a 1-token completion with ${endpoint.model} using ${keyFrom} failed: ${(e as Error).message}`;
    out.push({ name: 'model key', ok: false, detail: why });
  }
  return out;
}
