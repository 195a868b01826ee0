// With no model.default, an endpoint that lists its models is the answer to "which model?": interactive surfaces
// offer the list, non-interactive ones name it in the error instead of a bare "no model configured".
import type { HostConnection } from './rpc-client';

/** How many model ids an error message names before it says "and N more". */
const NAMED = 12;

export function noModelMessage(models: string[], where?: string): string {
  const base = 'no model configured: set model.default in config.yaml (hermes-host config set model.default <model-id>)';
  if (!models.length) return base;
  const shown = models.slice(0, NAMED).join(', ') + (models.length > NAMED ? `, and ${models.length - NAMED} more` : '');
  return `no model configured. ${where ? `The endpoint ${where}` : 'The endpoint'} offers: ${shown}.\nPick one: hermes-host config set model.default ${models[0]}`;
}

/**
 * When the host has no model.default (and the caller named none), the models its endpoint lists; null when a model
 * is configured. An endpoint that cannot be asked yields an empty list (the host's own error then explains why).
 */
export async function modelsToOffer(host: HostConnection, explicit?: string): Promise<string[] | null> {
  if (explicit) return null;
  const cfg = await host.request('config/read', {});
  const model = (cfg.config.model ?? {}) as { default?: string };
  if (model.default) return null;
  const list = await host.request('model/list', {});
  return list.models.map((m) => m.id);
}
