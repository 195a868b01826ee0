// The ACP client's file methods as the host's editor file access (server/protocol/editor-fs.ts): when the client
// advertises fs.readTextFile / fs.writeTextFile, the adapter tells the host it answers fs/readTextFile /
// fs/writeTextFile, and the host's read_file, write_file and patch then read and write through the editor for the
// turns this adapter starts. A client's refusal comes back as an `error` answer, so the tool fails with its reason.
import * as acp from '@agentclientprotocol/sdk';
import { EDITOR_FS_READ, EDITOR_FS_WRITE } from '../protocol';
import type { ServerRequestHandlers } from '../cli/rpc-client';
import type { Sessions } from './sessions';

export function editorFsCapabilities(caps: acp.ClientCapabilities): string[] {
  return [...(caps.fs?.readTextFile ? [EDITOR_FS_READ] : []), ...(caps.fs?.writeTextFile ? [EDITOR_FS_WRITE] : [])];
}

const reason = (e: unknown) => (e as Error)?.message ?? String(e);

export function editorFsHandlers(client: () => acp.AgentContext, sessions: Sessions, caps: acp.ClientCapabilities): ServerRequestHandlers {
  const handlers: ServerRequestHandlers = {};
  if (caps.fs?.readTextFile) {
    handlers[EDITOR_FS_READ] = async (p) => {
      const s = sessions.ofThread(p.threadId);
      if (!s) return { error: 'no ACP session shows this thread' };
      try {
        const r = await client().request(acp.methods.client.fs.readTextFile, { sessionId: s.id, path: p.path });
        return { content: r.content };
      } catch (e) {
        return { error: reason(e) };
      }
    };
  }
  if (caps.fs?.writeTextFile) {
    handlers[EDITOR_FS_WRITE] = async (p) => {
      const s = sessions.ofThread(p.threadId);
      if (!s) return { error: 'no ACP session shows this thread' };
      try {
        await client().request(acp.methods.client.fs.writeTextFile, { sessionId: s.id, path: p.path, content: p.content });
        return {};
      } catch (e) {
        return { error: reason(e) };
      }
    };
  }
  return handlers;
}
