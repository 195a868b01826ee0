// File access through the editor that started a turn (an ACP client such as Zed advertises fs capabilities). The
// host asks the turn's origin surface, and only it, for a text file's content as the editor has it (unsaved changes
// included) or to write one (so the editor applies the edit to its open buffer). A client names the methods it
// answers in `hermesCapabilities.ide`. A failure is an answer (`error`), so a tool fails at once with the reason
// instead of waiting out the timeout.
import { z } from 'zod';

export const EDITOR_FS_READ = 'fs/readTextFile';
export const EDITOR_FS_WRITE = 'fs/writeTextFile';

export const FsReadTextFileParams = z.object({
  requestId: z.string(),
  threadId: z.string(),
  /** Absolute path on the host's machine. */
  path: z.string(),
  expiresAt: z.number().optional(),
});
export const FsReadTextFileResult = z.object({ content: z.string().optional(), error: z.string().optional() });

export const FsWriteTextFileParams = z.object({
  requestId: z.string(),
  threadId: z.string(),
  path: z.string(),
  content: z.string(),
  expiresAt: z.number().optional(),
});
export const FsWriteTextFileResult = z.object({ error: z.string().optional() });
