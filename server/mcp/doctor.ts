// `hermes-host doctor` on MCP servers, without starting any: a stdio command that does not resolve on PATH and
// `${VAR}`s that are not set are the usual reasons a server never comes up (Hermes issues #50394, #19179).
// `hermes-host mcp test <server>` is the full check; doctor only reads.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { HermesConfig } from '../config/schema';
import { interpolate } from './config';

function resolvable(command: string, path: string | undefined, cwd: string): boolean {
  const runnable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return runnable(isAbsolute(command) ? command : resolve(cwd, command));
  return (path ?? '').split(delimiter).some((d) => d && runnable(join(d, command)));
}

export function mcpDoctorCheck(config: HermesConfig, env: Record<string, string | undefined>): { name: string; ok: boolean; detail: string; advisory: boolean } | null {
  const servers = Object.entries(config.mcp_servers);
  if (!servers.length) return null;
  const problems: string[] = [];
  for (const [name, s] of servers) {
    if (!s.enabled) continue;
    const missing = new Set<string>();
    const fill = (v: string) => interpolate(v, env, missing);
    if (s.command) {
      const command = fill(s.command);
      s.args.forEach(fill);
      Object.values(s.env).forEach(fill);
      if (!resolvable(command, env.PATH, s.cwd ? fill(s.cwd) : process.cwd())) problems.push(`${name}: command ${command} is not found on PATH or not executable`);
    } else {
      fill(s.url ?? '');
      Object.values(s.headers).forEach(fill);
    }
    if (missing.size) problems.push(`${name}: ${[...missing].join(', ')} not set`);
  }
  const enabled = servers.filter(([, s]) => s.enabled).length;
  return {
    name: 'MCP servers',
    ok: !problems.length,
    advisory: true,
    detail: problems.length
      ? `${problems.join('; ')} (hermes-host mcp test <server> starts one and shows why it fails)`
      : `${enabled} enabled server(s) configured; commands resolve (hermes-host mcp test <server> connects to one)`,
  };
}
