// Reads the rest of a tool result that was too large to hand to the model in one piece.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Tool } from './types';

const Args = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/).describe('The result id given in the truncated result.'),
  offset: z.number().int().min(0).default(0).describe('Character offset to start reading at.'),
  limit: z.number().int().min(100).max(40_000).default(20_000).describe('How many characters to read.'),
});

export function createReadResultTool(deps: { resultsDir: string }): Tool<z.infer<typeof Args>> {
  return {
    name: 'read_result',
    toolset: 'core',
    description: 'Read part of a stored tool result that was too large to show in full.',
    schema: Args,
    parallelSafe: true,
    maxResultChars: 45_000,
    async run(args) {
      const path = join(deps.resultsDir, `${args.id}.txt`);
      if (!existsSync(path)) return { content: `Error: no stored result with id ${args.id}.`, isError: true };
      const text = readFileSync(path, 'utf8');
      const part = text.slice(args.offset, args.offset + args.limit);
      const end = args.offset + part.length;
      return { content: `[chars ${args.offset}-${end} of ${text.length}${end < text.length ? `; next offset ${end}` : '; end'}]\n${part}` };
    },
  };
}
