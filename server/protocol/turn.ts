import { z } from 'zod';
import { Id } from './common';
import { UserInput } from './items';
import { Turn } from './thread';

/** Largest user input one turn takes, in characters (all text parts together). Any input within it fits in a
 *  frame of the host's default rpc.max_message_bytes (16 MiB) even with every character escaped. */
export const MAX_TURN_INPUT_CHARS = 1_000_000;
/** Most input parts (text and mentions) in one turn. */
export const MAX_TURN_INPUT_PARTS = 256;

export const TurnStartParams = z.object({
  threadId: Id,
  input: z
    .array(UserInput)
    .min(1)
    .max(MAX_TURN_INPUT_PARTS, { message: `at most ${MAX_TURN_INPUT_PARTS} input parts per turn` })
    .refine((parts) => parts.reduce((n, p) => n + (p.type === 'text' ? p.text.length : p.path.length), 0) <= MAX_TURN_INPUT_CHARS, {
      message: `input is longer than the limit of ${MAX_TURN_INPUT_CHARS} characters per turn`,
    }),
  /** Overrides the thread's model for this turn only. */
  model: z.string().optional(),
});
export const TurnStartResult = z.object({ turn: Turn });
export const TurnInterruptParams = z.object({ threadId: Id });
export const TurnInterruptResult = z.object({ interrupted: z.boolean(), turnId: z.string().optional() });
