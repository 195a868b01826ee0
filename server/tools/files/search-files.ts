// `search_files`: regex search in file contents, or file-name search by glob. Uses ripgrep when the sandbox has
// it and the built-in walker otherwise; both feed the same formatter, so results do not depend on which ran.
import { z } from 'zod';
import { errorResult, type Tool } from '../types';
import { displayPath, errorMessage, resolveIn, sandboxFor, type FileToolDeps } from './common';
import { hasGlobChars } from './glob';
import { formatResults } from './search-format';
import { hasRipgrep, searchWithRipgrep } from './search-rg';
import type { SearchRequest } from './search-types';
import { searchWithWalker } from './search-walk';

export interface SearchFilesToolDeps extends FileToolDeps {
  /** `never` forces the built-in walker (tests, or sandboxes where rg misbehaves). Default `auto`. */
  ripgrep?: 'auto' | 'never';
}

const SearchFilesArgs = z.object({
  pattern: z
    .string()
    .min(1)
    .describe('content: a regular expression. files: a file-name glob like "*.ts" or "src/**/test_*.py".'),
  target: z.enum(['content', 'files']).optional().describe('content (default): search inside files. files: find files by name.'),
  path: z.string().optional().describe('Directory or file to search (default: current directory).'),
  file_glob: z.string().optional().describe('content: only search files matching this glob, e.g. "*.{ts,tsx}".'),
  limit: z.number().int().min(1).max(500).optional().describe('Maximum results to return (default 50).'),
  offset: z.number().int().min(0).optional().describe('Results to skip, for paging (default 0).'),
  output_mode: z
    .enum(['content', 'files_only', 'count'])
    .optional()
    .describe('content (default): matching lines; files_only: file paths; count: matches per file.'),
  context: z.number().int().min(0).max(10).optional().describe('content: lines of context around each match (default 0).'),
});
export type SearchFilesArgs = z.infer<typeof SearchFilesArgs>;

export function createSearchFilesTool(deps: SearchFilesToolDeps): Tool<SearchFilesArgs> {
  return {
    name: 'search_files',
    toolset: 'file',
    description:
      'Search file contents with a regex (results "path:line:text") or find files by name glob (newest first). ' +
      'Honours .gitignore and skips .git, node_modules and binary files. Use instead of grep/find.',
    schema: SearchFilesArgs,
    parallelSafe: true,
    maxResultChars: 100_000,
    async run(args, ctx) {
      const sandbox = await sandboxFor(deps, ctx);
      const root = resolveIn(sandbox, args.path ?? '.');
      const shownRoot = displayPath(root, sandbox.cwd());
      const target = args.target ?? 'content';
      try {
        let st = await sandbox.stat(root);
        if (st?.type === 'symlink') st = await sandbox.stat(await sandbox.realpath(root));
        if (!st) return errorResult(`path not found: ${shownRoot}`);
        // A bare word as a file pattern means "names containing it".
        const pattern = target === 'files' && !hasGlobChars(args.pattern) ? `*${args.pattern}*` : args.pattern;
        const context = args.output_mode && args.output_mode !== 'content' ? 0 : (args.context ?? 0);
        const req: SearchRequest = {
          root,
          rootIsFile: st.type !== 'dir',
          target,
          pattern,
          fileGlob: args.file_glob,
          context,
          signal: ctx.signal,
        };
        const useRg = deps.ripgrep !== 'never' && (await hasRipgrep(sandbox));
        const data = useRg ? await searchWithRipgrep(sandbox, req) : await searchWithWalker(sandbox, req);
        const page = { offset: args.offset ?? 0, limit: args.limit ?? 50 };
        return {
          content: formatResults(data, args.output_mode ?? 'content', page, context, (p) => displayPath(p, sandbox.cwd())),
        };
      } catch (err) {
        return errorResult(`search failed: ${errorMessage(err)}`);
      }
    },
  };
}
