// Where a Hermes config.yaml says how its gateway behaves, and the key that says it here. Hermes reads a few gateway
// settings at the top level (`group_sessions_per_user`, `unauthorized_dm_behavior`) and per platform from a
// top-level `telegram:`/`discord:`/`slack:` block (or one under `platforms:` / `gateway.platforms:`). Our own key
// under `gateway:` wins when both are set. (Environment variables such as DISCORD_REQUIRE_MENTION are read where the
// gateway builds its adapters and access policy, and win over both.)
import type { HermesConfig } from './schema';

type Raw = Record<string, any>;
const PLATFORMS = ['telegram', 'discord', 'slack'] as const;

const isObject = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);

/** Hermes's reading: 'pair' or 'ignore' in any case; anything else is no setting. */
function dmBehavior(v: unknown): 'pair' | 'ignore' | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return s === 'pair' || s === 'ignore' ? s : undefined;
}

/** Hermes's per-platform `dm_policy`: `pairing` hands strangers codes; `allowlist` and `disabled` ignore them. */
function fromDmPolicy(v: unknown): 'pair' | 'ignore' | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return s === 'pairing' ? 'pair' : s === 'allowlist' || s === 'disabled' ? 'ignore' : undefined;
}

function idList(v: unknown): string[] {
  const parts = Array.isArray(v) ? v : typeof v === 'string' || typeof v === 'number' ? String(v).split(',') : [];
  return parts.map((x) => String(x).trim()).filter(Boolean);
}

/** The platform's block as Hermes finds it: top level first, then `platforms:`, then `gateway.platforms:`. */
function hermesBlock(raw: Raw, platform: string): Raw {
  for (const b of [raw[platform], raw.platforms?.[platform], raw.gateway?.platforms?.[platform]]) if (isObject(b)) return b;
  return {};
}

/** Telegram names its list of chats `allowed_chats`; Discord and Slack say `allowed_channels`. */
const ALLOWED_KEY = { telegram: 'allowed_chats', discord: 'allowed_channels', slack: 'allowed_channels' } as const;

export function applyGatewayCompat(raw: Raw, config: HermesConfig): void {
  const ours: Raw = isObject(raw.gateway) ? raw.gateway : {};
  const gw = config.gateway;
  if (ours.group_sessions_per_user === undefined && typeof raw.group_sessions_per_user === 'boolean') gw.group_sessions_per_user = raw.group_sessions_per_user;
  // Hermes takes its top-level value as an override only when it is not its default, `pair`: with an allow list set,
  // a top-level `pair` still ignores strangers there, so it does here. (Per platform, and under `gateway:`, it counts.)
  if (ours.unauthorized_dm_behavior === undefined && dmBehavior(raw.unauthorized_dm_behavior) === 'ignore') gw.unauthorized_dm_behavior = 'ignore';
  for (const p of PLATFORMS) {
    const block = hermesBlock(raw, p);
    const mine: Raw = isObject(ours[p]) ? ours[p] : {};
    const cfg = gw[p];
    if (mine.unauthorized_dm_behavior === undefined) {
      cfg.unauthorized_dm_behavior = dmBehavior(block.unauthorized_dm_behavior) ?? fromDmPolicy(block.dm_policy) ?? cfg.unauthorized_dm_behavior;
    }
    if (mine.require_mention === undefined && typeof block.require_mention === 'boolean') cfg.require_mention = block.require_mention;
    // Lists (a YAML list or a comma string, as Hermes takes them): where the bot listens outside DMs at all, where
    // it never does, and where it needs no mention.
    if (!cfg.allowed_chats.length) cfg.allowed_chats = idList(block[ALLOWED_KEY[p]]);
    if (!cfg.ignored_chats.length) cfg.ignored_chats = idList(block.ignored_channels);
    if (!cfg.free_response_chats.length) cfg.free_response_chats = idList(block.free_response_channels ?? block.free_response_chats);
  }
  const discord = hermesBlock(raw, 'discord');
  if ((!isObject(ours.discord) || ours.discord.auto_thread === undefined) && typeof discord.auto_thread === 'boolean') gw.discord.auto_thread = discord.auto_thread;
}
