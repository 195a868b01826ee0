// Hermes's TERMINAL_* variables (set in .env or the environment) configure the terminal backend, as they do in the
// Hermes agent (tools/terminal_tool.py reads them; cli.py bridges config.yaml into them). Precedence follows Hermes:
// a key written in config.yaml's `terminal:` section wins; otherwise the variable applies; otherwise the default.
import type { HermesConfig } from './schema';
import { settleBackend } from './compat';

type Parse = (v: string) => unknown;
const str: Parse = (v) => v;
const int: Parse = (v) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined);
const num: Parse = (v) => (/^\d+(?:\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : undefined);
const BACKENDS = ['local', 'docker', 'ssh', 'modal', 'managed_modal', 'daytona', 'singularity', 'vercel_sandbox'];
const backend: Parse = (v) => (BACKENDS.includes(v.trim().toLowerCase()) ? v.trim().toLowerCase() : undefined);

/** variable → [terminal key, parser]. TERMINAL_BACKEND is accepted as another name for Hermes's TERMINAL_ENV. */
const VARS: [string, keyof HermesConfig['terminal'], Parse][] = [
  ['TERMINAL_ENV', 'backend', backend],
  ['TERMINAL_BACKEND', 'backend', backend],
  ['TERMINAL_CWD', 'cwd', str],
  ['TERMINAL_TIMEOUT', 'timeout', int],
  ['TERMINAL_MAX_FOREGROUND_TIMEOUT', 'max_foreground_timeout', int],
  ['TERMINAL_SSH_HOST', 'ssh_host', str],
  ['TERMINAL_SSH_USER', 'ssh_user', str],
  ['TERMINAL_SSH_PORT', 'ssh_port', int],
  ['TERMINAL_SSH_KEY', 'ssh_key', str],
  ['TERMINAL_DOCKER_IMAGE', 'docker_image', str],
  ['TERMINAL_CONTAINER_CPU', 'container_cpu', num],
  ['TERMINAL_CONTAINER_MEMORY', 'container_memory', int],
];

/**
 * The configuration with TERMINAL_* applied (a copy; `config` is not changed), and a warning for each variable whose
 * value cannot be used (named, with what was expected).
 */
export function withTerminalEnv(
  config: HermesConfig,
  writtenKeys: readonly string[],
  env: Record<string, string | undefined>,
): { config: HermesConfig; warnings: string[]; applied: string[] } {
  const written = new Set(writtenKeys);
  const terminal = { ...config.terminal } as Record<string, unknown>;
  const warnings: string[] = [];
  const applied: string[] = [];
  const done = new Set<string>();
  for (const [name, key, parse] of VARS) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '' || written.has(key) || done.has(key)) continue;
    const v = parse(raw);
    if (v === undefined) {
      warnings.push(
        `${name}=${key === 'backend' ? raw : '…'} is not usable for terminal.${key}` +
          (key === 'backend' ? ` (one of: ${BACKENDS.join(', ')})` : parse === str ? '' : ' (expected a number)') +
          '; ignored',
      );
      continue;
    }
    terminal[key] = v;
    done.add(key);
    applied.push(name);
  }
  const out = { ...config, terminal: terminal as HermesConfig['terminal'] };
  if (done.has('backend')) {
    const w = settleBackend(out);
    if (w) warnings.push(`${w} (from TERMINAL_ENV)`);
  }
  return { config: out, warnings, applied };
}
