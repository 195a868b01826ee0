import { z } from 'zod';
import { CompactionMethod, Item, TodoItem } from './items';
import { Thread, Turn } from './thread';
import { Usage } from './common';

const ItemDelta = z.object({ threadId: z.string(), turnId: z.string(), itemId: z.string(), delta: z.string() });

export const ThreadStartedNotification = z.object({ thread: Thread });
export const ThreadUpdatedNotification = z.object({ thread: Thread });
export const ThreadDeletedNotification = z.object({ threadId: z.string() });
export const TurnStartedNotification = z.object({ threadId: z.string(), turn: Turn });
export const TurnCompletedNotification = z.object({ threadId: z.string(), turn: Turn });
export const ItemStartedNotification = z.object({ threadId: z.string(), turnId: z.string(), item: Item });
export const ItemCompletedNotification = ItemStartedNotification;
/** A started item changed before completing (e.g. a command moved to the background and got a process id). */
export const ItemUpdatedNotification = ItemStartedNotification;
export const AgentMessageDeltaNotification = ItemDelta;
export const ReasoningDeltaNotification = ItemDelta;
export const CommandOutputDeltaNotification = ItemDelta;
export const TokenUsageNotification = z.object({
  threadId: z.string(),
  turnId: z.string(),
  /** This turn so far. */
  turn: Usage,
  /** The whole thread, this turn included. */
  total: Usage,
});
export const TodoUpdatedNotification = z.object({ threadId: z.string(), todos: z.array(TodoItem) });

/** A background process started by a tool ended. The next turn of its thread is told too. */
export const ProcessExitedNotification = z.object({
  threadId: z.string(),
  processId: z.string(),
  command: z.string(),
  exitCode: z.number().int().nullable(),
  /** The last lines of its output. */
  tail: z.string(),
});

/**
 * Context compression moved the running turn of `threadId` to a new thread (`thread`, whose parentId is `threadId`
 * and parentKind 'compression'). Everything after this for the turn is sent with the new thread's id; a client
 * showing `threadId` should switch to `thread.id`. `turn/start` on the old id is redirected to the newest thread.
 */
export const ThreadCompactedNotification = z.object({
  threadId: z.string(),
  thread: Thread,
  turnId: z.string(),
  summaryChars: z.number().int(),
  method: CompactionMethod,
  /** Estimated prompt tokens before and after (gpt-tokenizer counts, or the provider's usage plus counts). */
  tokensBefore: z.number().int(),
  tokensAfter: z.number().int(),
});
