// The JSON schema the model sees is derived from each tool's zod schema: every argument needs a description.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPatchTool } from '../../../server/tools/files/patch';
import { createReadFileTool } from '../../../server/tools/files/read-file';
import { createSearchFilesTool } from '../../../server/tools/files/search-files';
import { createWriteFileTool } from '../../../server/tools/files/write-file';
import { createProcessTool } from '../../../server/tools/process';
import { ProcessRegistry } from '../../../server/tools/process-registry';
import { createTerminalTool } from '../../../server/tools/terminal';
import type { Tool } from '../../../server/tools/types';
import { createWebExtractTool } from '../../../server/tools/web/web-extract';
import { createWebSearchTool } from '../../../server/tools/web/web-search';
import { RecordingGate } from './helpers/context';
import { TestSandboxManager } from './helpers/test-sandbox';

const sandboxes = new TestSandboxManager();
const approvals = new RecordingGate();
const processes = new ProcessRegistry();
const tools: Tool[] = [
  createTerminalTool({ sandboxes, approvals, processes }),
  createProcessTool({ processes, approvals }),
  createReadFileTool({ sandboxes }),
  createWriteFileTool({ sandboxes, approvals }),
  createPatchTool({ sandboxes, approvals }),
  createSearchFilesTool({ sandboxes }),
  createWebSearchTool({ env: {} }),
  createWebExtractTool({ env: {} }),
];

describe('tool schemas', () => {
  it.each(tools.map((t) => [t.name, t] as const))('%s: every argument is described, descriptions are short', (_n, tool) => {
    const json = z.toJSONSchema(tool.schema, { io: 'input' }) as { properties: Record<string, { description?: string }> };
    const props = Object.entries(json.properties);
    expect(props.length).toBeGreaterThan(0);
    for (const [key, p] of props) {
      expect(p.description, `${tool.name}.${key}`).toBeTruthy();
      expect(p.description!.length, `${tool.name}.${key}`).toBeLessThanOrEqual(260);
    }
    expect(tool.description.length).toBeLessThanOrEqual(400);
  });

  it('names, toolsets and parallel safety', () => {
    expect(tools.map((t) => [t.name, t.toolset])).toEqual([
      ['terminal', 'terminal'],
      ['process', 'terminal'],
      ['read_file', 'file'],
      ['write_file', 'file'],
      ['patch', 'file'],
      ['search_files', 'file'],
      ['web_search', 'web'],
      ['web_extract', 'web'],
    ]);
    const safe = tools.filter((t) => t.parallelSafe === true).map((t) => t.name);
    expect(safe).toEqual(['read_file', 'write_file', 'patch', 'search_files', 'web_search', 'web_extract']);
    expect(tools.filter((t) => t.paths).map((t) => t.name)).toEqual(['write_file', 'patch']);
  });
});
