// Slack payloads → the gateway's InboundEnvelope. Pure functions, so the mapping rules are tested without a socket.
//
// Conversations: a DM is one conversation (a thread inside a DM is its own); in a channel every conversation is a
// thread — a top-level message that mentions the bot starts one rooted at that message, and the reply goes into it.
// The message id is the message's `ts`, unique per channel: the gateway's inbound log dedupes on it, so Slack's
// retries of an unacked envelope and the `message` + `app_mention` pair one mention produces run once.
import type { ChatType, InboundEnvelope } from '../adapter';

export interface SlackIdentity {
  botUserId: string;
  botId?: string;
}

export function chatTypeOf(channelType: string | undefined, channel: string): ChatType {
  if (channelType === 'im' || (!channelType && channel.startsWith('D'))) return 'dm';
  if (channelType === 'channel' || (!channelType && channel.startsWith('C'))) return 'channel';
  return 'group'; // private channels ("group") and group DMs ("mpim")
}

/** Slack rewrites a mention as `<@U123>`; ours is removed from the text, others stay as they are. */
export function stripMention(text: string, botUserId: string): { text: string; mentioned: boolean } {
  const tag = new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g');
  const mentioned = tag.test(text);
  return { text: mentioned ? text.replace(tag, '').replace(/^[\s,:]+/, '').trim() : text, mentioned };
}

/** Slack's `&amp;` `&lt;` `&gt;` back to the characters the user typed. */
export function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Message subtypes that are someone saying something; the rest (edits, joins, bot posts) are not for the agent. */
const SPOKEN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

export interface MessageEvent {
  type: 'message' | 'app_mention';
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: { id: string; name?: string; mimetype?: string; size?: number; url_private_download?: string; url_private?: string }[];
}

/**
 * A message or app_mention event as an envelope, or undefined when it is not someone talking (the bot itself, an
 * edit, a join). `knownThread` says whether the bot already takes part in a channel thread (answering there
 * needs no new mention).
 */
export function messageEnvelope(ev: MessageEvent, me: SlackIdentity, cursor: number, knownThread: (channel: string, threadTs: string) => boolean): InboundEnvelope | undefined {
  if (!SPOKEN_SUBTYPES.has(ev.subtype) || !ev.user || ev.bot_id || ev.user === me.botUserId) return undefined;
  const chatType = ev.type === 'app_mention' ? chatTypeOf(undefined, ev.channel) : chatTypeOf(ev.channel_type, ev.channel);
  const stripped = stripMention(ev.text ?? '', me.botUserId);
  const mentioned = stripped.mentioned || ev.type === 'app_mention';
  const inThread = !!ev.thread_ts && ev.thread_ts !== ev.ts;
  // In a channel the conversation is the thread: an existing one, or the one this message starts.
  const threadId = chatType === 'dm' ? (inThread ? ev.thread_ts : undefined) : (ev.thread_ts ?? ev.ts);
  const following = chatType !== 'dm' && inThread && knownThread(ev.channel, ev.thread_ts!);
  return {
    platform: 'slack',
    cursor,
    chatId: ev.channel,
    chatType,
    userId: ev.user,
    userName: ev.user,
    messageId: ev.ts,
    ...(threadId ? { threadId } : {}),
    text: unescapeSlack(stripped.text),
    attachments: (ev.files ?? []).map((f) => ({
      kind: /^image\//.test(f.mimetype ?? '') ? ('photo' as const) : /^audio\//.test(f.mimetype ?? '') ? ('audio' as const) : ('document' as const),
      fileId: f.url_private_download ?? f.url_private ?? f.id,
      ...(f.name ? { fileName: f.name } : {}),
      ...(f.mimetype ? { mimeType: f.mimetype } : {}),
      ...(f.size !== undefined ? { size: f.size } : {}),
    })),
    ...(following ? { replyTo: { messageId: ev.thread_ts!, fromBot: true } } : {}),
    mentioned,
  };
}

export interface BlockActionsBody {
  type: 'block_actions';
  trigger_id: string;
  user: { id: string; name?: string; username?: string };
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string; thread_ts?: string };
  message?: { ts: string; thread_ts?: string };
  actions: { action_id: string; value?: string; action_ts?: string }[];
}

/**
 * A button tap. The callback id carries what answering it needs (Slack has no "answer this tap" call: the answer
 * is an ephemeral message to that user in that channel), so a tap recorded before a restart can still be answered.
 */
export function tapEnvelope(body: BlockActionsBody, cursor: number): InboundEnvelope | undefined {
  const action = body.actions?.[0];
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  if (!action?.value || !channel || !messageTs) return undefined;
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
  return {
    platform: 'slack',
    cursor,
    chatId: channel,
    chatType: chatTypeOf(undefined, channel),
    userId: body.user.id,
    userName: body.user.name ?? body.user.username ?? body.user.id,
    messageId: messageTs,
    ...(threadTs ? { threadId: threadTs } : {}),
    text: '',
    attachments: [],
    mentioned: true,
    callback: { id: encodeCallbackId({ trigger: body.trigger_id, channel, user: body.user.id, threadTs }), data: action.value, messageId: messageTs },
  };
}

export function encodeCallbackId(c: { trigger: string; channel: string; user: string; threadTs?: string }): string {
  return [c.trigger, c.channel, c.user, c.threadTs ?? ''].join('|');
}

export function decodeCallbackId(id: string): { trigger: string; channel: string; user: string; threadTs?: string } | undefined {
  const [trigger, channel, user, threadTs] = id.split('|');
  if (!trigger || !channel || !user) return undefined;
  return { trigger, channel, user, ...(threadTs ? { threadTs } : {}) };
}

export interface SlashCommandBody {
  command: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  trigger_id: string;
}

/**
 * `/hermes <command> [args]` → the text `/<command> [args]`, handled like the same command typed on any other
 * platform (Slack keeps messages that start with `/` for its own commands, so this is the way in). Bare
 * `/hermes` is `/help`. It answers in the channel it was typed in, outside any thread (Slack sends no thread).
 */
export function slashEnvelope(body: SlashCommandBody, cursor: number): InboundEnvelope {
  const args = (body.text ?? '').trim().replace(/^\//, '');
  return {
    platform: 'slack',
    cursor,
    chatId: body.channel_id,
    chatType: chatTypeOf(undefined, body.channel_id),
    userId: body.user_id,
    userName: body.user_name ?? body.user_id,
    // A slash command has no message of its own; its trigger id is unique.
    messageId: `cmd:${body.trigger_id}`,
    text: args ? `/${unescapeSlack(args)}` : '/help',
    attachments: [],
    mentioned: true,
  };
}
