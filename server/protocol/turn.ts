import { z } from 'zod';
import { Id } from './common';
import { UserInput, type ImageInput } from './items';
import { Turn } from './thread';

/**
 * What to do when the thread is already running a turn (Hermes's busy_input_mode): `refuse` answers TurnInProgress
 * (the default), `queue` runs this turn after the running one, `interrupt` stops the running turn and then runs this
 * one, `steer` hands the text to the running turn, which sees it before its next model call.
 */
export const BusyMode = z.enum(['refuse', 'queue', 'interrupt', 'steer']);
export type BusyMode = z.infer<typeof BusyMode>;
/** Largest user input one turn takes, in characters (all text parts together). Any input within it fits in a
 *  frame of the host's default rpc.max_message_bytes (16 MiB) even with every character escaped. */
export const MAX_TURN_INPUT_CHARS = 1_000_000;
/** Most input parts (text and mentions) in one turn. */
export const MAX_TURN_INPUT_PARTS = 256;
/** Most images in one turn. */
export const MAX_TURN_IMAGES = 8;
/** All image data of one turn together, in characters: with the text it stays inside a 16 MiB frame. */
export const MAX_TURN_IMAGE_CHARS = 12 * 1024 * 1024;

const textChars = (p: UserInput) => (p.type === 'text' ? p.text.length : p.type === 'mention' ? p.path.length : (p.name?.length ?? 0));
const images = (parts: UserInput[]) => parts.filter((p): p is ImageInput => p.type === 'image');

export const TurnStartParams = z.object({
  threadId: Id,
  input: z
    .array(UserInput)
    .min(1)
    .max(MAX_TURN_INPUT_PARTS, { message: `at most ${MAX_TURN_INPUT_PARTS} input parts per turn` })
    .refine((parts) => parts.reduce((n, p) => n + textChars(p), 0) <= MAX_TURN_INPUT_CHARS, {
      message: `input is longer than the limit of ${MAX_TURN_INPUT_CHARS} characters per turn`,
    })
    .refine((parts) => images(parts).length <= MAX_TURN_IMAGES, { message: `at most ${MAX_TURN_IMAGES} images per turn` })
    .refine((parts) => images(parts).reduce((n, p) => n + (p.data?.length ?? 0), 0) <= MAX_TURN_IMAGE_CHARS, {
      message: `the images of one turn are larger than the limit of ${MAX_TURN_IMAGE_CHARS} base64 characters together`,
    }),
  /** Overrides the thread's model for this turn only. */
  model: z.string().optional(),
  busy: BusyMode.optional(),
  /** Stricter approvals for this turn only: `deny` refuses whatever would ask, without asking (a client whose user
   * stepped away). Never looser than config.yaml's approvals.mode. */
  approvalMode: z.enum(['manual', 'deny']).optional(),
});
export const TurnStartResult = z.object({
  /** The turn that runs (started), will run (queued), or is running and took the input (steered). */
  turn: Turn,
  disposition: z.enum(['started', 'queued', 'steered']).optional(),
});
export const TurnInterruptParams = z.object({
  threadId: Id,
  /** Only this turn: stopped when it is the one running, taken out of the queue when it waits; any other turn runs on. */
  turnId: z.string().optional(),
});
export const TurnInterruptResult = z.object({ interrupted: z.boolean(), turnId: z.string().optional() });
