// Hermes's composite toolsets expand to our tools: the default `toolsets: [hermes-cli]` offers every tool we have,
// postures (coding, safe, debugging) offer their subsets, and disabled_toolsets takes composites too.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../server/config/load';
import { expandToolsets, HERMES_TOOLSETS } from '../../../server/config/toolsets';
import { ToolRegistry } from '../../../server/tools/registry';
import type { Tool } from '../../../server/tools/types';
import { z } from 'zod';

const OURS: [string, string][] = [
  ['terminal', 'terminal'], ['process', 'terminal'], ['read_file', 'file'], ['write_file', 'file'], ['patch', 'file'],
  ['search_files', 'file'], ['web_search', 'web'], ['web_extract', 'web'], ['memory', 'memory'], ['todo', 'todo'],
  ['session_search', 'session_search'], ['clarify', 'clarify'], ['skills_list', 'skills'], ['skill_view', 'skills'],
  ['skill_manage', 'skills'], ['read_result', 'core'],
];

function registry(): ToolRegistry {
  const r = new ToolRegistry();
  for (const [name, toolset] of OURS) r.register({ name, toolset, description: name, schema: z.object({}), handler: async () => '' } as unknown as Tool);
  return r;
}
const offered = (yaml: string) =>
  registry()
    .active({ config: validateConfig('/h/config.yaml', yaml).config, env: {} } as any)
    .tools.map((t) => t.name)
    .sort();

describe('toolsets', () => {
  it("hermes-cli (Hermes's default) offers every tool we have", () => {
    expect(offered('toolsets: [hermes-cli]\n')).toEqual(OURS.map(([n]) => n).sort());
    expect(offered('toolsets: [hermes-telegram]\n')).toEqual(offered('toolsets: [hermes-cli]\n'));
    expect(offered('')).toEqual(OURS.map(([n]) => n).sort());
  });

  it('postures offer their own subsets', () => {
    expect(offered('toolsets: [safe]\n')).toEqual(['read_result', 'web_extract', 'web_search']);
    expect(offered('toolsets: [debugging]\n')).toEqual(['patch', 'process', 'read_file', 'read_result', 'search_files', 'terminal', 'web_extract', 'web_search', 'write_file']);
    expect(offered('toolsets: [coding]\n')).toEqual(OURS.map(([n]) => n).sort()); // coding drops only tools we do not have
    expect(offered('toolsets: [hermes-webhook]\n')).toEqual(['clarify', 'read_result', 'web_extract', 'web_search']);
    expect(offered('toolsets: [file, memory]\n')).toEqual(['memory', 'patch', 'read_file', 'read_result', 'search_files', 'write_file']);
  });

  it('disabled_toolsets takes plain and composite names', () => {
    expect(offered('toolsets: [hermes-cli]\nagent:\n  disabled_toolsets: [web, debugging]\n')).toEqual(
      ['clarify', 'memory', 'read_result', 'session_search', 'skill_manage', 'skill_view', 'skills_list', 'todo'],
    );
  });

  it('composites resolve through other toolsets (hermes-gateway includes every platform bundle)', () => {
    const gw = expandToolsets(['hermes-gateway']).tools;
    expect(gw.has('discord_admin')).toBe(true);
    expect(gw.has('terminal')).toBe(true);
    expect(Object.keys(HERMES_TOOLSETS)).toEqual(expect.arrayContaining(['hermes-cli', 'coding', 'safe', 'debugging', 'hermes-acp', 'hermes-api-server', 'hermes-cron', 'hermes-slack']));
  });
});
