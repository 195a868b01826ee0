import { z } from 'zod';
import { AttachmentId, ImageMimeType, Item } from './items';
import { ErrorInfo, Id, Usage } from './common';

export const TurnStatus = z.enum(['inProgress', 'completed', 'interrupted', 'failed']);
export type TurnStatus = z.infer<typeof TurnStatus>;

export const Turn = z.object({
  id: z.string(),
  threadId: z.string(),
  status: TurnStatus,
  error: ErrorInfo.optional(),
  usage: Usage.optional(),
  model: z.string().optional(),
  startedAt: z.number(),
  completedAt: z.number().optional(),
});
export type Turn = z.infer<typeof Turn>;

/** fork: a copy; compression: the same conversation continued; delegate: a subagent's thread (delegate_task). */
export const ParentKind = z.enum(['fork', 'compression', 'delegate']);

export const Thread = z.object({
  id: z.string(),
  title: z.string(),
  cwd: z.string(),
  model: z.string(),
  source: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  archived: z.boolean(),
  status: z.enum(['idle', 'active']),
  parentId: z.string().optional(),
  parentKind: ParentKind.optional(),
  /**
   * The conversation this thread belongs to: the first thread of its compression chain. It stays the same when
   * context compression continues a conversation on a new thread, so surfaces can key on it.
   */
  conversationId: z.string().optional(),
  usage: Usage,
  turnCount: z.number().int(),
});
export type Thread = z.infer<typeof Thread>;

const ThreadRef = z.object({ threadId: Id });
const ThreadResult = z.object({ thread: Thread });

export const ThreadStartParams = z.object({
  cwd: z.string().optional(),
  model: z.string().optional(),
  title: z.string().optional(),
  /** Where the thread comes from (vscode, cli, telegram, …); shown in lists and search. */
  source: z.string().optional(),
  /** The workspace root whose context files (AGENTS.md, …) apply; defaults to the client's workspace folder. A client
   * serving several projects (the ACP adapter) names each session's. */
  workspaceRoot: z.string().optional(),
});
export const ThreadResumeParams = ThreadRef;
export const ThreadListParams = z.object({
  archived: z.boolean().optional(),
  limit: z.number().int().positive().max(500).optional(),
  /** Opaque cursor from a previous page. */
  cursor: z.string().optional(),
});
export const ThreadListResult = z.object({ threads: z.array(Thread), nextCursor: z.string().optional() });
export const ThreadReadParams = ThreadRef;
export const ThreadReadResult = z.object({
  thread: Thread,
  turns: z.array(Turn),
  /** Every item of every active turn in order; each carries its turnId. */
  items: z.array(Item),
});
export const ThreadForkParams = z.object({
  threadId: Id,
  /** Fork after this turn; defaults to the last turn. */
  turnId: z.string().optional(),
});
export const ThreadRollbackParams = z.object({
  threadId: Id,
  /** How many of the latest turns to drop (kept in the store, hidden from the model and the view). */
  turns: z.number().int().positive().default(1),
});
export const ThreadRollbackResult = z.object({ thread: Thread, removedTurnIds: z.array(z.string()) });
export const ThreadSearchParams = z.object({
  query: z.string().min(1),
  limit: z.number().int().positive().max(100).optional(),
  threadId: z.string().optional(),
});
export const SearchHit = z.object({
  threadId: z.string(),
  threadTitle: z.string(),
  turnId: z.string().nullable(),
  messageId: z.number().int(),
  role: z.string(),
  snippet: z.string(),
  createdAt: z.number(),
});
export const ThreadSearchResult = z.object({ hits: z.array(SearchHit) });
export const ThreadArchiveParams = z.object({ threadId: Id, archived: z.boolean().default(true) });
export const ThreadRenameParams = z.object({ threadId: Id, title: z.string().min(1).max(200) });
export const ThreadDeleteParams = ThreadRef;
/**
 * Which threads a client follows. A client gets the streamed items of the threads it subscribed to (starting,
 * resuming, reading or running a turn on a thread subscribes to it) and answers approval, clarify and secret requests
 * for them; `all` follows every thread's stream without answering for it (a history or dashboard view).
 */
export const ThreadSubscribeParams = z.object({ threadId: Id.optional(), all: z.boolean().optional() });
export const ThreadSubscribeResult = z.object({ threadIds: z.array(z.string()), all: z.boolean() });

/** An image a thread's transcript shows (by `attachmentId`), read back as base64 bytes for display. */
export const ThreadAttachmentParams = z.object({ threadId: Id, attachmentId: AttachmentId });
export const ThreadAttachmentResult = z.object({
  attachmentId: z.string(),
  mimeType: ImageMimeType,
  size: z.number().int().nonnegative(),
  /** The bytes, base64. */
  data: z.string(),
});

export { ThreadResult };
