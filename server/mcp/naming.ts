// Model-facing names of MCP tools: `mcp_<server>_<tool>`, each part reduced to [A-Za-z0-9_] as Hermes does, capped
// at the 64 characters tool-calling APIs accept. Two different tools that reduce to the same name (`a-b`/`a_b`, or
// long names cut at the cap) keep apart by a short hash of the original pair instead of one shadowing the other.
import { createHash } from 'node:crypto';

export const MAX_TOOL_NAME = 64;

export function sanitizePart(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

function hash(server: string, tool: string): string {
  return createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 6);
}

/** The plain name, or null when it does not fit the cap. */
function plainName(server: string, tool: string): string | null {
  const n = `mcp_${sanitizePart(server)}_${sanitizePart(tool)}`;
  return n.length <= MAX_TOOL_NAME ? n : null;
}

function hashedName(server: string, tool: string): string {
  const suffix = `_${hash(server, tool)}`;
  return `mcp_${sanitizePart(server)}_${sanitizePart(tool)}`.slice(0, MAX_TOOL_NAME - suffix.length) + suffix;
}

/**
 * Names for one server's tools, given the names already taken (other servers' tools, built-ins). Stable: the same
 * server and tool get the same name as long as nothing else claims it first.
 */
export function assignNames(server: string, tools: string[], taken: (name: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  const free = (n: string) => !used.has(n) && !taken(n);
  // Names that are clean on their own go first, so a colliding neighbour gets the hash, not them.
  const plain = tools.map((t) => ({ t, n: plainName(server, t) }));
  const counts = new Map<string, number>();
  for (const { n } of plain) if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
  for (const { t, n } of plain) {
    if (n && counts.get(n) === 1 && free(n)) {
      out.set(t, n);
      used.add(n);
    }
  }
  for (const t of tools) {
    if (out.has(t)) continue;
    let n = hashedName(server, t);
    for (let i = 2; !free(n); i++) n = hashedName(server, `${t}\0${i}`);
    out.set(t, n);
    used.add(n);
  }
  return out;
}

/** Names of the resource/prompt helper tools of a server. */
export function helperName(server: string, what: 'list_resources' | 'read_resource' | 'list_prompts' | 'get_prompt'): string {
  const n = `mcp_${sanitizePart(server)}_${what}`;
  return n.length <= MAX_TOOL_NAME ? n : hashedName(server, `\0${what}`);
}
