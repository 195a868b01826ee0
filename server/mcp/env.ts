// The environment a stdio MCP server starts with: a short allowlist of the host's variables (enough to find
// programs and behave like the user's shell) plus what the server's own `env` names. Nothing else of the host's
// environment — provider keys, tokens, HERMES_* — reaches it unless the config says so by name.

const SAFE = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'XDG_RUNTIME_DIR'];

export function serverEnv(hostEnv: Record<string, string | undefined>, own: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(hostEnv)) {
    if (v === undefined) continue;
    if (SAFE.includes(k) || k.startsWith('LC_')) out[k] = v;
  }
  return { ...out, ...own };
}
