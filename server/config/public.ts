import type { HermesConfig } from './schema';

/** The configuration as clients may see it. config.yaml holds no secrets by policy, but a user may have put one
 * there; any key that looks like it names a secret is masked. */
export function publicConfig(config: HermesConfig): Record<string, unknown> {
  const mask = (v: unknown, key: string): unknown => {
    if (/(^|_)(api_?key|token|secret|password|authorization)$/i.test(key) && typeof v === 'string' && v && !key.endsWith('_env')) return '********';
    if (Array.isArray(v)) return v.map((x) => mask(x, ''));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x, k)]));
    return v;
  };
  return mask(config, '') as Record<string, unknown>;
}
