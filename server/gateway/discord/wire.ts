// Discord's wire shapes as the adapter reads them (raw gateway dispatches and REST message objects share one
// shape), what a failure means for delivery, and snowflake ordering. Kept apart from the adapter so the mapping
// rules can be read (and unit-tested) without a connection.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { PlatformError, type Attachment } from '../adapter';

export const DISCORD_MAX_LENGTH = 2000;
/** Discord invalidates an interaction's token 15 minutes after the click or command. */
export const INTERACTION_TTL_MS = 15 * 60_000;

export interface WireUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

export interface WireMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: WireUser;
  content: string;
  mentions?: WireUser[];
  attachments?: { id: string; filename: string; size: number; url: string; content_type?: string; flags?: number }[];
  referenced_message?: { author?: WireUser } | null;
  message_reference?: { message_id?: string };
  type?: number;
  /** The author as a member of the message's guild (guild messages only). */
  member?: { roles?: string[] };
}

export interface WireInteraction {
  id: string;
  token: string;
  type: number; // 2 application command, 3 message component
  channel_id?: string;
  guild_id?: string;
  user?: WireUser;
  member?: { user: WireUser; roles?: string[] };
  message?: { id: string };
  data?: { name?: string; custom_id?: string; options?: { name: string; value?: unknown }[] };
}

/** Snowflakes are 64-bit: compare them as BigInts (a string comparison breaks when the length changes). */
export function newer(a: string, b: string | undefined): boolean {
  return b === undefined || BigInt(a) > BigInt(b);
}

export function displayName(u: WireUser | undefined): string {
  return u?.global_name || u?.username || u?.id || 'unknown';
}

/** `<@id>` / `<@!id>` mentions of the bot removed, so the agent sees what the user wrote to it. */
export function stripMention(text: string, botId: string): string {
  return text.replace(new RegExp(`<@!?${botId}>`, 'g'), '').replace(/^\s+/, '').trim();
}

export function mentionsBot(m: WireMessage, botId: string): boolean {
  return !!m.mentions?.some((u) => u.id === botId) || new RegExp(`<@!?${botId}>`).test(m.content);
}

export function attachmentsOf(m: WireMessage): Attachment[] {
  return (m.attachments ?? []).map((a) => {
    const type = a.content_type ?? '';
    // Discord marks voice messages with flag 1 << 13 on the message; an ogg audio attachment is treated the same.
    const kind: Attachment['kind'] = type.startsWith('image/') ? 'photo' : type.startsWith('audio/ogg') ? 'voice' : type.startsWith('audio/') ? 'audio' : type.startsWith('video/') ? 'video' : 'document';
    return { kind, fileId: a.url, fileName: a.filename, mimeType: type || undefined, size: a.size };
  });
}

/**
 * Maps a discord.js REST failure onto delivery semantics. Sends carry a nonce with enforce_nonce, so Discord itself
 * drops a repeated send: a connection lost mid-request is safe to retry (transient), unlike on Telegram.
 */
export function classify(e: unknown): PlatformError {
  if (e instanceof RateLimitError) return new PlatformError(`Discord rate limit on ${e.route}${e.global ? ' (global)' : ''}`, 'transient', Math.max(1, Math.ceil(e.retryAfter / 1000)));
  if (e instanceof DiscordAPIError) {
    if (e.status === 429) return new PlatformError(`Discord 429: ${e.message}`, 'transient', 1);
    if (e.status >= 500) return new PlatformError(`Discord ${e.status}: ${e.message}`, 'transient');
    return new PlatformError(`Discord ${e.status} (code ${e.code}): ${e.message}`, 'permanent');
  }
  if (e instanceof HTTPError) return new PlatformError(`Discord HTTP ${e.status}: ${e.message}`, e.status >= 500 || e.status === 429 ? 'transient' : 'permanent');
  const err = e as Error & { code?: string };
  if (/TokenInvalid|An invalid token was provided/i.test(`${err?.name} ${err?.message} ${err?.code}`)) return new PlatformError('Discord refused the bot token', 'permanent');
  return new PlatformError(err?.message ?? String(e), 'transient');
}

/** Discord command names: lowercase letters, digits, '-' and '_', 1–32; descriptions 1–100 characters. */
export function applicationCommands(menu: { command: string; description: string }[]): unknown[] {
  return menu
    .filter((c) => /^[-_a-z0-9]{1,32}$/.test(c.command))
    .slice(0, 100)
    .map((c) => ({
      name: c.command,
      description: (c.description || c.command).slice(0, 100),
      type: 1,
      // One free-text option carries the arguments (`/model gpt-4.1`, `/approve session`, `/link CODE`).
      options: [{ type: 3, name: 'args', description: 'arguments', required: false }],
    }));
}
