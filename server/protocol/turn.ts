import { z } from 'zod';
import { Id } from './common';
import { UserInput } from './items';
import { Turn } from './thread';

export const TurnStartParams = z.object({
  threadId: Id,
  input: z.array(UserInput).min(1),
  /** Overrides the thread's model for this turn only. */
  model: z.string().optional(),
});
export const TurnStartResult = z.object({ turn: Turn });
export const TurnInterruptParams = z.object({ threadId: Id });
export const TurnInterruptResult = z.object({ interrupted: z.boolean(), turnId: z.string().optional() });
