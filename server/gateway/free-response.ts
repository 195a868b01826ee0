// Where a bot answers in groups and channels without being mentioned. Everywhere, when the owner turned mentions off
// (`<PLATFORM>_REQUIRE_MENTION=false`, as Hermes reads it, or `gateway.<platform>.require_mention: false`); otherwise
// only in the chats named free (`<PLATFORM>_FREE_RESPONSE_CHANNELS` / `_CHATS`, `gateway.<platform>.free_response_chats`).
// The environment wins over config.yaml, as in Hermes. Adapters ask it per message; DMs never need a mention.

import { ids } from './routing';

/** Whether a message in `chatId` (or, for a thread, its channel `parentId`) is for the bot without a mention. */
export type FreeResponse = (chatId: string, parentId?: string) => boolean;

export function flag(v: string | undefined): boolean | undefined {
  const s = v?.trim().toLowerCase();
  if (!s) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return undefined;
}

export function freeResponse(
  platform: string,
  env: Record<string, string | undefined>,
  configured: { require_mention?: boolean; free_response_chats?: (string | number)[] },
): FreeResponse {
  const P = platform.toUpperCase();
  if ((flag(env[`${P}_REQUIRE_MENTION`]) ?? configured.require_mention ?? true) === false) return () => true;
  const listed = (configured.free_response_chats ?? []).map((c) => String(c).trim()).filter(Boolean);
  const free = new Set(ids(env[`${P}_FREE_RESPONSE_CHANNELS`], env[`${P}_FREE_RESPONSE_CHATS`]).concat(listed));
  if (free.size === 0) return () => false;
  return (chatId, parentId) => free.has(chatId) || (!!parentId && free.has(parentId));
}
