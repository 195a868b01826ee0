// send_message: the agent sends a message to a chat through the gateway (and its outbox), or lists where it can.
// Replying into the chat the current turn came from is just talking to the user and needs no approval; any other
// target is an outward action and asks first, like a dangerous command (approvals.mode off/deny apply).
import { z } from 'zod';
import type { Tool } from './types';
import type { ApprovalGate } from '../approval/types';

export interface Messaging {
  targets(): { platform: string; chatId: string; topicId?: string; home: boolean }[];
  chatOfThread(threadId: string): { platform: string; chatId: string } | undefined;
  sendMessage(t: { platform: string; chatId?: string; topicId?: string; text: string }): Promise<{ state: string; chatId: string; error?: string }>;
}

const Args = z.object({
  action: z.enum(['send', 'list']).default('send'),
  target: z
    .string()
    .optional()
    .describe('A connected platform: "<platform>" (its home channel: "telegram", "discord", "slack"), "<platform>:<chat_id>" (a chat, channel, thread or DM) or "<platform>:<chat_id>:<topic or thread id>". Required for send.'),
  message: z.string().optional().describe('Markdown text to send. Required for send.'),
});

export function parseTarget(target: string): { platform: string; chatId?: string; topicId?: string } {
  const [platform, chatId, topicId] = target.split(':');
  return { platform: platform.toLowerCase(), ...(chatId ? { chatId } : {}), ...(topicId ? { topicId } : {}) };
}

export function createSendMessageTool(messaging: () => Messaging | undefined, approvals: ApprovalGate): Tool<z.infer<typeof Args>> {
  return {
    name: 'send_message',
    toolset: 'messaging',
    description: 'Send a message to any connected chat platform (Telegram, Discord, …: a home channel or a chat id) through the gateway, or list the targets.',
    schema: Args,
    parallelSafe: false,
    available: () => (messaging() ? true : 'the messaging gateway is not running (start the host with --gateway)'),
    async run(args, ctx) {
      const m = messaging();
      if (!m) return { content: 'The messaging gateway is not running.', isError: true };
      if (args.action === 'list') {
        const t = m.targets();
        if (!t.length) return { content: 'No targets yet: no home channel is set and no chat has talked to the gateway.' };
        return { content: t.map((x) => `${x.platform}:${x.chatId}${x.topicId ? `:${x.topicId}` : ''}${x.home ? ' (home)' : ''}`).join('\n') };
      }
      if (!args.target || !args.message) return { content: 'send needs both target and message.', isError: true };
      const target = parseTarget(args.target);
      const here = m.chatOfThread(ctx.threadId);
      const sameChat = !!here && here.platform === target.platform && !!target.chatId && here.chatId === target.chatId;
      if (!sameChat) {
        // The gate decides under the turn's policy, as for commands, and audits it: an unattended turn (cron) cannot
        // send elsewhere without an allowance.
        const gate = await approvals.checkAction(ctx, {
          tool: 'send_message',
          subject: `send to ${args.target}: ${args.message.slice(0, 200)}`,
          reason: `sends a message to ${args.target}, outside this conversation`,
        });
        if (!gate.allowed) return { content: gate.message, isError: true };
      }
      try {
        const r = await m.sendMessage({ ...target, text: args.message });
        if (r.state === 'sent') return { content: `Sent to ${target.platform}:${r.chatId}.` };
        if (r.state === 'pending') return { content: `Queued for ${target.platform}:${r.chatId}; the platform has not confirmed delivery yet (it is retried).` };
        return { content: `Not delivered to ${target.platform}:${r.chatId} (${r.state}): ${r.error ?? 'unknown error'}`, isError: true };
      } catch (e) {
        return { content: (e as Error).message, isError: true };
      }
    },
  };
}
