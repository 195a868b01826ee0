// read_file, write_file and patch through the editor that started the turn, when it offers file access (an ACP
// client such as Zed advertising fs.readTextFile / fs.writeTextFile). The editor then sees the agent read its open
// buffers, unsaved changes included, and applies the agent's writes to them (its undo history and "file changed on
// disk" handling stay right). Only for the local backend: a Docker or SSH sandbox's files are not the editor's.
// Everything else — stat, realpath, directories, the approval gate's checks — still goes to the sandbox, so what a
// tool may touch does not change; only who performs the read or write of the content.
import { posix } from 'node:path';
import { EDITOR_FS_READ, EDITOR_FS_WRITE } from '../../protocol';
import type { Sandbox } from '../../sandbox/types';
import { SandboxFsError } from '../../sandbox/errors';
import type { ToolContext } from '../types';
import { sandboxFor, type FileToolDeps } from './common';

/** How long the editor has to answer one file request. */
export const EDITOR_FS_TIMEOUT_MS = 30_000;

function editorCan(ctx: ToolContext, method: typeof EDITOR_FS_READ | typeof EDITOR_FS_WRITE): boolean {
  const routing = { answerers: 'origin' as const, origin: ctx.policy.origin.surfaceId, threadId: ctx.threadId };
  return ctx.clients.answerers(method, routing) > 0;
}

async function ask<M extends typeof EDITOR_FS_READ | typeof EDITOR_FS_WRITE>(
  ctx: ToolContext,
  method: M,
  params: { path: string; content?: string },
): Promise<{ content?: string }> {
  const answer = await ctx.clients.request(method, { threadId: ctx.threadId, ...params } as never, {
    timeoutMs: EDITOR_FS_TIMEOUT_MS,
    signal: ctx.signal,
    routing: { answerers: 'origin', origin: ctx.policy.origin.surfaceId },
  });
  if (!answer.ok) throw new SandboxFsError('EIO', params.path, `the editor did not answer (${answer.reason})`);
  const result = answer.result as { content?: string; error?: string };
  if (result.error) throw new SandboxFsError('EIO', params.path, `the editor refused: ${result.error}`);
  return result;
}

/** The thread's sandbox, with file content read and written by the turn's editor when it offers that. */
export async function fileSandboxFor(deps: FileToolDeps, ctx: ToolContext): Promise<Sandbox> {
  const sandbox = await sandboxFor(deps, ctx);
  if (sandbox.kind !== 'local') return sandbox;
  const read = editorCan(ctx, EDITOR_FS_READ);
  const write = editorCan(ctx, EDITOR_FS_WRITE);
  if (!read && !write) return sandbox;
  const abs = (p: string) => posix.resolve(sandbox.cwd(), p);
  return new Proxy(sandbox, {
    get(target, prop) {
      if (prop === 'readFile' && read) {
        return async (path: string) => {
          const r = await ask(ctx, EDITOR_FS_READ, { path: abs(path) });
          return Buffer.from(r.content ?? '', 'utf8');
        };
      }
      if (prop === 'writeFile' && write) {
        return async (path: string, data: Buffer | string, opts?: { mode?: number }) => {
          const p = abs(path);
          // The editor writes text; binary content and a requested mode stay with the sandbox.
          if (typeof data !== 'string' && !isUtf8(data)) return target.writeFile(path, data, opts);
          // Parents first, as the sandbox's own writeFile would; an editor may not create folders.
          await target.mkdir(posix.dirname(p), { recursive: true });
          await ask(ctx, EDITOR_FS_WRITE, { path: p, content: typeof data === 'string' ? data : data.toString('utf8') });
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function isUtf8(buf: Buffer): boolean {
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}
