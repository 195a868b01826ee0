// Slash commands: one set, defined in the host, offered to every surface (editor, terminal, chat apps).
import { z } from 'zod';
import { Id } from './common';
import { Thread, Turn } from './thread';

export const CommandInfo = z.object({
  /** Without the slash, e.g. `new`, `compress`, or a skill's name. */
  name: z.string(),
  description: z.string(),
  /** Shown after the name in menus, e.g. `<model id>`. */
  args: z.string().optional(),
  source: z.enum(['host', 'skill']),
});
export type CommandInfo = z.infer<typeof CommandInfo>;
export const CommandListResult = z.object({ commands: z.array(CommandInfo) });

export const CommandRunParams = z.object({
  /** The thread the command acts on; `/new` and `/help` need none. */
  threadId: Id.optional(),
  /** The whole line as typed, e.g. `/model gpt-4.1` or `/review-pr 12`. */
  text: z.string().min(1).max(100_000),
});
export const CommandRunResult = z.object({
  /** False when the text is not a known command (the caller sends it as a message). */
  handled: z.boolean(),
  /** What to tell the user. */
  message: z.string().optional(),
  /** The thread to show now (`/new`, or the thread a command moved to). */
  thread: Thread.optional(),
  /** A turn the command started (`/retry`, a skill command). */
  turn: Turn.optional(),
  /** Text given back to the user to edit (`/undo` returns the message it took back). */
  restoredInput: z.string().optional(),
});
