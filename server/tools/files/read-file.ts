// `read_file`: numbered lines (`N|text`) of a text file in the sandbox, a window at a time. A read returns at most
// `limit` lines and about 100,000 characters; the footer says where to continue. Binary files are refused with
// their type and size; a missing path gets suggestions from the nearest directory.
import { z } from 'zod';
import { capLine, formatBytes, formatCount } from '../output';
import { errorResult, type Tool } from '../types';
import {
  binaryKind,
  decodeText,
  displayPath,
  errorMessage,
  resolveIn,
  type FileToolDeps,
} from './common';
import { fileSandboxFor } from './editor-fs';
import { suggestPaths } from './suggest';

export const READ_MAX_LINES = 2000;
export const READ_DEFAULT_LINES = 500;
export const READ_LINE_MAX_CHARS = 2000;
export const READ_MAX_CHARS = 100_000;
/** Beyond this the whole file is not loaded; the model is pointed to terminal tools instead. */
export const READ_MAX_FILE_BYTES = 50 * 1024 * 1024;

const ReadFileArgs = z.object({
  path: z.string().min(1).describe('File to read; relative to the current directory, or absolute.'),
  offset: z.number().int().min(1).optional().describe('First line to read, 1-based (default 1).'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(READ_MAX_LINES)
    .optional()
    .describe(`Number of lines to read (default ${READ_DEFAULT_LINES}, max ${READ_MAX_LINES}).`),
});
export type ReadFileArgs = z.infer<typeof ReadFileArgs>;

export function createReadFileTool(deps: FileToolDeps): Tool<ReadFileArgs> {
  return {
    name: 'read_file',
    toolset: 'file',
    description:
      'Read a text file as numbered lines ("N|text"). Long files are read in windows: pass offset/limit to page. ' +
      'Use this instead of cat/head/tail.',
    schema: ReadFileArgs,
    parallelSafe: true,
    // A full window is up to READ_MAX_CHARS; it must reach the model whole, not as a stored preview.
    maxResultChars: READ_MAX_CHARS + 1_000,
    async run(args, ctx) {
      const sandbox = await fileSandboxFor(deps, ctx);
      const abs = resolveIn(sandbox, args.path);
      const shown = displayPath(abs, sandbox.cwd());
      try {
        let st = await sandbox.stat(abs);
        if (st?.type === 'symlink') st = await sandbox.stat(await sandbox.realpath(abs));
        if (!st) {
          const similar = (await suggestPaths(sandbox, abs)).map((p) => displayPath(p, sandbox.cwd()));
          return errorResult(
            `file not found: ${shown}` + (similar.length ? `. Similar: ${similar.join(', ')}` : ''),
          );
        }
        if (st.type === 'dir') {
          const entries = await sandbox.readdir(abs);
          const names = entries
            .map((e) => (e.type === 'dir' ? `${e.name}/` : e.name))
            .sort()
            .slice(0, 50);
          return errorResult(
            `${shown} is a directory (${entries.length} entries${entries.length ? `: ${names.join(', ')}` : ''}` +
              `${entries.length > 50 ? ', …' : ''}). Read a file inside it, or use search_files.`,
          );
        }
        if (st.size > READ_MAX_FILE_BYTES) {
          return errorResult(
            `${shown} is ${formatBytes(st.size)}, too large to read whole; use search_files to find the part you ` +
              'need, or terminal with sed -n / head / tail.',
          );
        }
        const buf = await sandbox.readFile(abs);
        const kind = binaryKind(buf);
        if (kind) return errorResult(`${shown} is a binary file (${kind}, ${formatBytes(buf.length)}); read_file reads text only.`);
        const w = renderWindow(decodeText(buf), args.offset ?? 1, args.limit ?? READ_DEFAULT_LINES, shown);
        return 'text' in w ? { content: w.text } : errorResult(w.error);
      } catch (err) {
        return errorResult(`cannot read ${shown}: ${errorMessage(err)}`);
      }
    },
  };
}

/** Lines `offset..offset+limit-1`, numbered, stopping early at the character budget. */
export function renderWindow(
  text: string,
  offset: number,
  limit: number,
  shown: string,
): { text: string } | { error: string } {
  if (text === '') return { text: `(${shown} is empty)` };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  if (offset > total) return { error: `offset ${offset} is past the end of ${shown} (${formatCount(total)} lines)` };
  const out: string[] = [];
  let chars = 0;
  let i = offset - 1;
  const end = Math.min(total, offset - 1 + limit);
  for (; i < end; i++) {
    const line = `${i + 1}|${capLine(lines[i]!.replace(/\r$/, ''), READ_LINE_MAX_CHARS)}`;
    if (chars + line.length > READ_MAX_CHARS && out.length > 0) break;
    out.push(line);
    chars += line.length + 1;
  }
  if (i < total) {
    const why = i < end ? `character limit (${formatCount(READ_MAX_CHARS)})` : 'line limit';
    out.push(
      `\n[showing lines ${offset}-${i} of ${formatCount(total)} (${why}); continue with offset=${i + 1}]`,
    );
  } else if (offset > 1) {
    out.push(`\n[end of file: lines ${offset}-${total} of ${formatCount(total)}]`);
  }
  return { text: out.join('\n') };
}
