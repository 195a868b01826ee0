// `write_file`: creates or replaces a whole file in the sandbox (parent directories included) after the approval
// gate has cleared the path. The item carries a unified diff against the previous content.
import { z } from 'zod';
import { formatCount } from '../output';
import { errorResult, type Tool } from '../types';
import {
  binaryKind,
  checkWrites,
  decodeText,
  displayPath,
  errorMessage,
  resolveIn,
  resolvePath,
  unifiedDiff,
  type FileWriteToolDeps,
} from './common';
import { fileSandboxFor } from './editor-fs';

const WriteFileArgs = z.object({
  path: z.string().min(1).describe('File to write; relative to the current directory, or absolute. Parents are created.'),
  content: z.string().describe('The complete new content of the file.'),
});
export type WriteFileArgs = z.infer<typeof WriteFileArgs>;

export function createWriteFileTool(deps: FileWriteToolDeps): Tool<WriteFileArgs> {
  return {
    name: 'write_file',
    toolset: 'file',
    description:
      'Create a file or replace its whole content. For small changes to an existing file use patch instead.',
    schema: WriteFileArgs,
    parallelSafe: true,
    paths: (args, cwd) => [resolvePath(args.path, cwd)],
    item: (args) => ({ type: 'fileChange', changes: [{ path: args.path, kind: 'update', diff: '' }] }),
    async run(args, ctx) {
      const sandbox = await fileSandboxFor(deps, ctx);
      const abs = resolveIn(sandbox, args.path);
      const shown = displayPath(abs, sandbox.cwd());
      const refused = await checkWrites(deps.approvals, ctx, sandbox, [abs], 'write_file');
      if (refused) return refused;
      try {
        const st = await sandbox.stat(abs);
        if (st?.type === 'dir') return errorResult(`${shown} is a directory`);
        let before: string | null = null;
        if (st) {
          const old = await sandbox.readFile(abs);
          before = binaryKind(old) ? '' : decodeText(old);
        }
        await sandbox.writeFile(abs, args.content, st && st.type === 'file' ? { mode: st.mode & 0o7777 } : undefined);
        const bytes = Buffer.byteLength(args.content);
        const kind = st ? 'update' : 'add';
        return {
          content: `Wrote ${formatCount(bytes)} bytes to ${shown} (${st ? 'replaced' : 'new file'}).`,
          item: { changes: [{ path: abs, kind, diff: unifiedDiff(shown, before, args.content) }] },
        };
      } catch (err) {
        return errorResult(`cannot write ${shown}: ${errorMessage(err)}`);
      }
    },
  };
}
