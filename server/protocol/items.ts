import { z } from 'zod';
// Image formats the host takes as model input (what vision models accept), and the largest image one input part
// may carry (decoded bytes): in a zod-free module, for the webview.
import { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES } from './image-limits';

export { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES };
export const ImageMimeType = z.enum(IMAGE_MIME_TYPES);
export type ImageMimeType = z.infer<typeof ImageMimeType>;
/** `data` of that size as base64, with room for a `data:image/…;base64,` prefix. */
export const MAX_IMAGE_DATA_CHARS = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 64;
/** A stored image's id: the SHA-256 of its bytes (the store keeps each image once). */
export const AttachmentId = z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a stored image id (64 lowercase hex characters)' });

/**
 * An image the user sends. In `turn/start` it carries the bytes (`data`: base64, or a `data:image/…;base64,` URL);
 * the host keeps them once, content-addressed, and every transcript (`thread/read`, notifications) shows the image by
 * `attachmentId` with its type and size only — read the bytes with `thread/attachment`. A turn may also name an image
 * already stored (`attachmentId` alone), as `/retry` does.
 */
export const ImageInput = z
  .object({
    type: z.literal('image'),
    data: z
      .string()
      .min(1)
      .max(MAX_IMAGE_DATA_CHARS, { message: `image is larger than the limit of ${MAX_IMAGE_BYTES} bytes` })
      .optional(),
    attachmentId: AttachmentId.optional(),
    /** Set by the host from the bytes; a client may leave it out. */
    mimeType: ImageMimeType.optional(),
    /** Bytes, set by the host. */
    size: z.number().int().nonnegative().optional(),
    /** The file name the user gave it, shown and told to the model. */
    name: z.string().max(255).optional(),
  })
  .refine((p) => (p.data === undefined) !== (p.attachmentId === undefined), { message: 'an image needs exactly one of `data` or `attachmentId`' });
export type ImageInput = z.infer<typeof ImageInput>;

/** What a user sends in a turn. `mention` asks the host to inline a workspace file; `image` is a picture for the model. */
export const UserInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('mention'), path: z.string().min(1) }),
  ImageInput,
]);
export type UserInput = z.infer<typeof UserInput>;

/** One input part as a line of plain text: the text itself, `@path` for a mention, `[image: name]` for an image. */
export function inputPartText(p: UserInput): string {
  if (p.type === 'text') return p.text;
  if (p.type === 'mention') return `@${p.path}`;
  return p.name ? `[image: ${p.name}]` : '[image]';
}

export const ItemStatus = z.enum(['inProgress', 'completed', 'failed', 'declined', 'interrupted']);
export type ItemStatus = z.infer<typeof ItemStatus>;

const base = { id: z.string(), turnId: z.string().optional() };

export const UserMessageItem = z.object({
  ...base,
  type: z.literal('userMessage'),
  content: z.array(UserInput),
});

export const AgentMessageItem = z.object({
  ...base,
  type: z.literal('agentMessage'),
  text: z.string(),
  status: ItemStatus.optional(),
});

export const ReasoningItem = z.object({
  ...base,
  type: z.literal('reasoning'),
  text: z.string(),
});

/** One subagent of a `delegate_task` call: its own thread (open it to see what it did) and how it ended. */
export const DelegateChild = z.object({
  threadId: z.string(),
  goal: z.string(),
  status: z.enum(['running', 'completed', 'failed', 'interrupted', 'timeout', 'error']),
  summary: z.string().optional(),
  /** Background delegations: the id the completion notice names. */
  delegationId: z.string().optional(),
  durationMs: z.number().optional(),
});
export type DelegateChild = z.infer<typeof DelegateChild>;

/** A generic tool call; tools with richer views use the item types below. */
export const ToolCallItem = z.object({
  ...base,
  type: z.literal('toolCall'),
  tool: z.string(),
  arguments: z.unknown(),
  status: ItemStatus,
  result: z.string().optional(),
  durationMs: z.number().optional(),
  /** delegate_task: the subagents it started, updated as they run and end. */
  children: z.array(DelegateChild).optional(),
});

export const CommandExecutionItem = z.object({
  ...base,
  type: z.literal('commandExecution'),
  tool: z.string(),
  command: z.string(),
  cwd: z.string().optional(),
  status: ItemStatus,
  output: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  durationMs: z.number().optional(),
  /** Set when the command keeps running in the background. */
  processId: z.string().optional(),
  backend: z.string().optional(),
});

export const FileChange = z.object({
  path: z.string(),
  kind: z.enum(['add', 'update', 'delete']),
  diff: z.string(),
});
export type FileChange = z.infer<typeof FileChange>;

export const FileChangeItem = z.object({
  ...base,
  type: z.literal('fileChange'),
  tool: z.string(),
  changes: z.array(FileChange),
  status: ItemStatus,
  result: z.string().optional(),
  durationMs: z.number().optional(),
});

export const CompactionMethod = z.enum(['model', 'fallback']);
export type CompactionMethod = z.infer<typeof CompactionMethod>;

/**
 * Where context compression replaced the middle of a thread with a summary. It opens the compacted thread (the
 * child of `parentThreadId`); `method` says whether the model wrote the summary or the deterministic fallback did.
 */
export const ContextCompactionItem = z.object({
  ...base,
  type: z.literal('contextCompaction'),
  /** The summary as the model sees it (between the reference-only markers), todo list and current goal included. */
  summary: z.string(),
  parentThreadId: z.string(),
  method: CompactionMethod,
});

export const Item = z.discriminatedUnion('type', [
  UserMessageItem,
  AgentMessageItem,
  ReasoningItem,
  ToolCallItem,
  CommandExecutionItem,
  FileChangeItem,
  ContextCompactionItem,
]);
export type Item = z.infer<typeof Item>;
export type UserMessageItem = z.infer<typeof UserMessageItem>;
export type AgentMessageItem = z.infer<typeof AgentMessageItem>;
export type ReasoningItem = z.infer<typeof ReasoningItem>;
export type ToolCallItem = z.infer<typeof ToolCallItem>;
export type CommandExecutionItem = z.infer<typeof CommandExecutionItem>;
export type FileChangeItem = z.infer<typeof FileChangeItem>;
export type ContextCompactionItem = z.infer<typeof ContextCompactionItem>;
/** The items a tool can be shown as. */
export type ToolItem = ToolCallItem | CommandExecutionItem | FileChangeItem;

export const TodoItem = z.object({
  id: z.string(),
  content: z.string(),
  status: z.enum(['pending', 'in_progress', 'completed', 'cancelled']),
});
export type TodoItem = z.infer<typeof TodoItem>;
