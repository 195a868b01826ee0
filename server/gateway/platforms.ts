// The chat platforms the gateway can run, one entry each: when its token is set (and it is not disabled in config)
// the entry builds the adapter. Adding a platform is one folder and one line here.
import type { PlatformAdapter } from './adapter';
import type { HermesConfig } from '../config/schema';
import type { GatewayStore } from './store';
import { TelegramAdapter } from './telegram/adapter';
import { DiscordAdapter } from './discord/adapter';
import { addSecretValue } from '../util/redact';

export interface PlatformContext {
  env: Record<string, string | undefined>;
  config: HermesConfig['gateway'];
  store: GatewayStore;
}

type Factory = (ctx: PlatformContext) => PlatformAdapter | undefined;

/** A secret the adapter needs: registered for redaction so it never reaches a log or a transcript. */
function secret(v: string | undefined): string | undefined {
  const s = v?.trim();
  if (s) addSecretValue(s);
  return s || undefined;
}

export const PLATFORMS: Factory[] = [
  ({ env, config }) => {
    const token = secret(env.TELEGRAM_BOT_TOKEN);
    if (!token || !config.telegram.enabled) return undefined;
    return new TelegramAdapter({ token, apiRoot: env.TELEGRAM_API_ROOT || config.telegram.api_root || undefined, pollTimeout: config.telegram.poll_timeout });
  },
  ({ env, config, store }) => {
    const token = secret(env.DISCORD_BOT_TOKEN);
    if (!token || !config.discord.enabled) return undefined;
    return new DiscordAdapter({
      token,
      apiRoot: env.DISCORD_API_ROOT || config.discord.api_root || undefined,
      autoThread: config.discord.auto_thread,
      backfillPages: config.discord.backfill_pages,
      state: store.channelState('discord'),
    });
  },
];

export function configuredAdapters(ctx: PlatformContext): PlatformAdapter[] {
  return PLATFORMS.map((f) => f(ctx)).filter((a): a is PlatformAdapter => !!a);
}
