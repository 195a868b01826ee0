// One line per MCP server's state, for `hermes-host mcp list` and the `/mcp` slash command.
import type { McpServerStatus } from '../protocol/mcp';

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

export function describeStatus(st: McpServerStatus, now = Date.now()): string {
  const parts = [`${st.state} for ${ago(st.since, now)}`, `${st.tools} tool(s)`];
  if (st.resources) parts.push('resources');
  if (st.prompts) parts.push('prompts');
  if (st.restarts) parts.push(`${st.restarts} restart(s)`);
  if (st.retryAt && st.retryAt > now) parts.push(`retry in ${Math.ceil((st.retryAt - now) / 1000)}s`);
  if (st.breakerUntil && st.breakerUntil > now) parts.push(`calls paused for ${Math.ceil((st.breakerUntil - now) / 1000)}s`);
  return parts.join(', ') + (st.lastError ? ` — last error: ${st.lastError}` : '');
}
