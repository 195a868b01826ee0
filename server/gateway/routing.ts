// Who may talk to the gateway, and which conversation (session key → thread) a message belongs to.
import type { ChatType, InboundEnvelope } from './adapter';

export interface AccessPolicy {
  allowAll: boolean;
  allowedUsers: Set<string>;
  /** Users allowed in groups, forums and channels but not in DMs (`<PLATFORM>_GROUP_ALLOWED_USERS`). */
  groupUsers: Set<string>;
  /** Group chats where everyone may talk to the bot (`<PLATFORM>_GROUP_ALLOWED_CHATS`; `*` for every group). */
  groupChats: Set<string>;
  /** Server roles whose holders may talk to the bot there (`DISCORD_ALLOWED_ROLES`). */
  allowedRoles: Set<string>;
  /** Where outside DMs the bot listens at all: only these chats or channels, when any are named; never the ignored. */
  chats: { allowed: Set<string>; ignored: Set<string> };
  /** An unknown user in a DM: given a pairing code, or ignored. */
  strangers: DmBehavior;
}

export type DmBehavior = 'pair' | 'ignore';

function truthy(v: string | undefined): boolean {
  return !!v && /^(1|true|yes|on)$/i.test(v.trim());
}

/** Comma lists as the environment spells them, trimmed, blanks dropped. */
export function ids(...values: (string | undefined)[]): string[] {
  return values
    .flatMap((v) => (v ?? '').split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Default deny: a user is allowed by `<PLATFORM>_ALLOWED_USERS` / `GATEWAY_ALLOWED_USERS` (comma lists, `*` for
 * everyone), config `gateway.<platform>.allowed_users`, an explicit `GATEWAY_ALLOW_ALL_USERS` /
 * `<PLATFORM>_ALLOW_ALL_USERS` opt-in, Hermes's group lists, or pairing (checked separately, it lives in the database).
 *
 * Unknown users in a DM get a pairing code unless `unauthorized_dm_behavior` says `ignore` (per platform, then for
 * all); with neither set, an allow list means the owner chose who may talk, so strangers are ignored rather than
 * handed codes (Hermes #9337: codes DM'd to strangers despite allow lists).
 */
export function accessPolicy(
  platform: string,
  env: Record<string, string | undefined>,
  configured: {
    allow_all_users?: boolean;
    allowed?: (string | number)[];
    dm_behavior?: DmBehavior;
    global_dm_behavior?: DmBehavior;
    allowed_chats?: (string | number)[];
    ignored_chats?: (string | number)[];
  },
): AccessPolicy {
  const P = platform.toUpperCase();
  const list = ids(env[`${P}_ALLOWED_USERS`], env.GATEWAY_ALLOWED_USERS).concat((configured.allowed ?? []).map(String));
  const groupList = ids(env[`${P}_GROUP_ALLOWED_USERS`]);
  // Hermes once documented chat ids in the _USERS list; negative (Telegram group) ids there still name chats.
  const groupChats = ids(env[`${P}_GROUP_ALLOWED_CHATS`]).concat(groupList.filter((v) => v.startsWith('-')));
  const anyList = list.length > 0 || groupList.length > 0 || groupChats.length > 0;
  return {
    allowAll: truthy(env.GATEWAY_ALLOW_ALL_USERS) || truthy(env[`${P}_ALLOW_ALL_USERS`]) || !!configured.allow_all_users || list.includes('*'),
    allowedUsers: new Set(list),
    groupUsers: new Set(groupList.filter((v) => !v.startsWith('-'))),
    groupChats: new Set(groupChats),
    allowedRoles: new Set(ids(env[`${P}_ALLOWED_ROLES`])),
    // Hermes names them per platform: TELEGRAM_ALLOWED_CHATS, DISCORD_/SLACK_ALLOWED_CHANNELS, DISCORD_IGNORED_CHANNELS.
    chats: {
      allowed: new Set(ids(env[`${P}_ALLOWED_CHATS`], env[`${P}_ALLOWED_CHANNELS`]).concat((configured.allowed_chats ?? []).map(String))),
      ignored: new Set(ids(env[`${P}_IGNORED_CHATS`], env[`${P}_IGNORED_CHANNELS`]).concat((configured.ignored_chats ?? []).map(String))),
    },
    strangers: configured.dm_behavior ?? configured.global_dm_behavior ?? (anyList ? 'ignore' : 'pair'),
  };
}

/**
 * Whether the bot listens where the message was said. DMs always; elsewhere, when chats are listed, only in those (a
 * thread counts as its channel), and never in an ignored one, even when it is also listed.
 */
export function inScope(policy: AccessPolicy, e: { chatId: string; chatType: ChatType; parentChatId?: string }): boolean {
  if (e.chatType === 'dm') return true;
  const where = e.parentChatId ? [e.chatId, e.parentChatId] : [e.chatId];
  const { allowed, ignored } = policy.chats;
  if (ignored.has('*') || where.some((c) => ignored.has(c))) return false;
  return allowed.size === 0 || allowed.has('*') || where.some((c) => allowed.has(c));
}

export function isAllowed(policy: AccessPolicy, e: { userId: string; chatId: string; chatType: ChatType; roles?: string[] }, paired: (userId: string) => boolean): boolean {
  if (policy.allowAll || policy.allowedUsers.has(e.userId)) return true;
  if (e.chatType !== 'dm' && (policy.groupChats.has('*') || policy.groupChats.has(e.chatId) || policy.groupUsers.has('*') || policy.groupUsers.has(e.userId))) return true;
  // Roles come with the message from its own server (never in DMs), so they are scoped to where it was said.
  if (e.chatType !== 'dm' && e.roles?.some((r) => policy.allowedRoles.has(r))) return true;
  return paired(e.userId);
}

/**
 * The conversation a message continues. A DM is one conversation per chat (per topic when the DM has topics);
 * in a group each user has their own by default (`group_sessions_per_user`); a forum topic, or a thread in a group or
 * channel, is shared by everyone in it.
 */
export function sessionKey(e: InboundEnvelope, opts: { groupSessionsPerUser: boolean }): string {
  const base = `${e.platform}:${e.chatType}:${e.chatId}`;
  if (e.chatType === 'dm') return e.threadId ? `${base}:${e.threadId}` : base;
  if (e.chatType === 'forum') return `${base}:${e.threadId ?? 'general'}`;
  // A thread in a group or channel (Slack thread_ts) is one conversation, shared like a forum topic.
  if (e.threadId) return `${base}:${e.threadId}`;
  return opts.groupSessionsPerUser ? `${base}:u${e.userId}` : base;
}

/** In groups the bot answers only when addressed: @mentioned, or a reply to one of its messages. */
export function addressed(e: InboundEnvelope): boolean {
  return e.chatType === 'dm' || e.mentioned || !!e.replyTo?.fromBot;
}

/**
 * The chat a stored session key points at (the inverse of sessionKey, given the row's platform and chat id): its
 * chat type and the topic/thread replies go to. A linked person's key (`person:…:dm`) is a direct message.
 */
export function sessionChat(key: string, platform: string, chatId: string): { chatType: ChatType; topicId?: string } {
  if (key.startsWith('person:')) return { chatType: 'dm' };
  const m = /^[^:]+:(dm|group|channel|forum):/.exec(key);
  const chatType = (m?.[1] ?? 'group') as ChatType;
  const prefix = `${platform}:${chatType}:${chatId}`;
  const rest = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : '';
  // Group keys end in `u<user id>` when each user has their own conversation there; that is not a topic.
  if (!rest || (chatType === 'forum' && rest === 'general') || ((chatType === 'group' || chatType === 'channel') && /^u/.test(rest))) return { chatType };
  return { chatType, topicId: rest };
}
