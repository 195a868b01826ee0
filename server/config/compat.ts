// What a Hermes config.yaml says that needs more than a schema: names checked against Hermes's own lists (providers,
// toolsets), Hermes's key names mapped to ours (agent.max_turns), and settings that load but cannot take effect
// here (an OAuth-only provider, a terminal backend we do not implement), which become warnings, not refusals.
import type { HermesConfig } from './schema';
import { normalizeProvider, PROVIDERS, supportedProviderNames } from './providers';
import { toolsetProblem } from './toolsets';
import { mcpConfigWarnings } from '../mcp/config';
import { applyGatewayCompat } from './gateway-compat';

export interface CompatNote {
  path: (string | number)[];
  message: string;
}

const IMPLEMENTED_BACKENDS = ['local', 'docker', 'ssh'];
const WEB_NOT_HERE: Record<string, true> = { parallel: true, exa: true, xai: true };

/**
 * A terminal backend Hermes has and we do not (modal, daytona, singularity, …): with `terminal.fallback: local` the
 * host runs commands locally; without it commands are refused with this message. Returns the warning, if any.
 */
export function settleBackend(config: HermesConfig): string | undefined {
  const t = config.terminal;
  if (IMPLEMENTED_BACKENDS.includes(t.backend)) return undefined;
  const what = `terminal backend '${t.backend}' is not implemented here (implemented: ${IMPLEMENTED_BACKENDS.join(', ')})`;
  if (t.fallback === 'local') {
    t.backend = 'local';
    return `${what}; running commands locally because terminal.fallback is local`;
  }
  return `${what}; commands will be refused until terminal.backend is one of those, or set terminal.fallback: local`;
}

/** Adjusts `config` in place; returns problems (the file is refused) and warnings (it loads). */
export function applyHermesCompat(raw: Record<string, any>, config: HermesConfig): { problems: CompatNote[]; warnings: CompatNote[] } {
  const problems: CompatNote[] = [];
  const warnings: CompatNote[] = [];

  const agentRaw = raw.agent && typeof raw.agent === 'object' ? raw.agent : {};
  if (agentRaw.max_iterations == null && typeof config.agent.max_turns === 'number') {
    config.agent.max_iterations = config.agent.max_turns;
  }

  const rawProvider = raw.model && typeof raw.model === 'object' ? raw.model.provider : undefined;
  if (rawProvider != null && rawProvider !== '') {
    const n = normalizeProvider(String(rawProvider));
    if (!n) {
      problems.push({
        path: ['model', 'provider'],
        message: `unknown provider '${rawProvider}'; known providers: ${supportedProviderNames().join(', ')} (and ${Object.values(PROVIDERS)
          .filter((p) => p.unsupported)
          .map((p) => p.name)
          .join(', ')}, which this host cannot use)`,
      });
    } else {
      const info = PROVIDERS[n.provider];
      if (info?.unsupported) {
        warnings.push({
          path: ['model', 'provider'],
          message: `provider '${rawProvider}' ${info.unsupported}; turns will fail until model.provider is one of: ${supportedProviderNames().join(', ')}`,
        });
      }
    }
  }

  const b = settleBackend(config);
  if (b) warnings.push({ path: ['terminal', 'backend'], message: b });

  const rawWeb = raw.web && typeof raw.web === 'object' ? String(raw.web.backend ?? '').trim().toLowerCase() : '';
  if (WEB_NOT_HERE[rawWeb]) {
    warnings.push({ path: ['web', 'backend'], message: `web backend '${rawWeb}' is not implemented here; using auto (the first keyed API with a key, else DuckDuckGo)` });
  }

  config.toolsets.forEach((name, i) => {
    const p = toolsetProblem(name);
    if (p) problems.push({ path: ['toolsets', i], message: p });
  });
  config.agent.disabled_toolsets.forEach((name, i) => {
    const p = toolsetProblem(name);
    if (p) problems.push({ path: ['agent', 'disabled_toolsets', i], message: p });
  });
  warnings.push(...mcpConfigWarnings(raw.mcp_servers));
  applyGatewayCompat(raw, config);
  return { problems, warnings };
}
