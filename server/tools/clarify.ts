// Asks the user a question mid-turn and waits for the answer from whichever client answers first.
import { z } from 'zod';
import type { Tool } from './types';

const Args = z.object({
  question: z.string().min(1).describe('One clear question for the user.'),
  choices: z.array(z.string().min(1)).max(4).optional().describe('Up to 4 suggested answers; the user may also answer freely.'),
});

export function createClarifyTool(): Tool<z.infer<typeof Args>> {
  return {
    name: 'clarify',
    toolset: 'clarify',
    description:
      'Ask the user a question when you cannot proceed without their decision (ambiguous request, risky choice). Do not use it for things you can find out yourself.',
    schema: Args,
    // Waits on a human: never alongside other calls.
    parallelSafe: false,
    async run(args, ctx) {
      const routing = { answerers: ctx.policy.answerers, origin: ctx.policy.origin.surfaceId };
      if (ctx.clients.answerers('clarify/request', { ...routing, threadId: ctx.threadId }) === 0) {
        return { content: 'No user is attached who can answer right now. Proceed with your best judgement and state the assumption you made.' };
      }
      const timeoutS = ctx.config.agent.clarify_timeout;
      const res = await ctx.clients.request(
        'clarify/request',
        { threadId: ctx.threadId, turnId: ctx.turnId, itemId: ctx.itemId, question: args.question, choices: args.choices },
        { timeoutMs: timeoutS * 1000, signal: ctx.signal, routing },
      );
      if (res.ok) return { content: `The user answered: ${res.result.answer}` };
      if (res.reason === 'noAnswerer') return { content: 'No user is attached who can answer right now. Proceed with your best judgement and state the assumption you made.' };
      if (res.reason === 'timeout') return { content: `[the user did not answer within ${timeoutS} s] Proceed with your best judgement and state your assumption.` };
      return { content: 'The question was cancelled.', isError: true };
    },
  };
}
