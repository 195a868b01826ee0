// The chat platforms the gateway can run, one entry each: given the environment (.env + process) and the gateway
// config, an entry returns its adapter when the platform is configured (and not disabled), or undefined. Adding a
// platform is one folder and one line here. Each adapter is imported only when its platform is configured:
// discord.js and @slack/bolt (with express) hold ~25 MiB of a host's memory, which a Telegram-only gateway need not pay.
import type { PlatformAdapter } from './adapter';
import type { HermesConfig } from '../config/schema';
import type { GatewayStore } from './store';
import type { Logger } from '../util/log';
import { addSecretValue } from '../util/redact';
import { ThreadMembers } from './thread-members';
import { flag, freeResponse } from './free-response';

export interface PlatformContext {
  env: Record<string, string | undefined>;
  config: HermesConfig['gateway'];
  store: GatewayStore;
  log: Logger;
}

export type PlatformFactory = (ctx: PlatformContext) => Promise<PlatformAdapter | undefined>;

/** A secret the adapter needs: registered for redaction so it never reaches a log or a transcript. */
function secret(v: string | undefined): string | undefined {
  const s = v?.trim();
  if (s) addSecretValue(s);
  return s || undefined;
}

async function telegram({ env, config }: PlatformContext): Promise<PlatformAdapter | undefined> {
  if (!config.telegram.enabled) return undefined;
  // The token is part of every Bot API URL.
  const token = secret(env.TELEGRAM_BOT_TOKEN);
  if (!token) return undefined;
  const { TelegramAdapter } = await import('./telegram/adapter');
  return new TelegramAdapter({
    token,
    apiRoot: env.TELEGRAM_API_ROOT || config.telegram.api_root || undefined,
    pollTimeout: config.telegram.poll_timeout,
    freeResponse: freeResponse('telegram', env, config.telegram),
  });
}

async function discord({ env, config, store }: PlatformContext): Promise<PlatformAdapter | undefined> {
  if (!config.discord.enabled) return undefined;
  const token = secret(env.DISCORD_BOT_TOKEN);
  if (!token) return undefined;
  const { DiscordAdapter } = await import('./discord/adapter');
  return new DiscordAdapter({
    token,
    apiRoot: env.DISCORD_API_ROOT || config.discord.api_root || undefined,
    autoThread: flag(env.DISCORD_AUTO_THREAD) ?? config.discord.auto_thread,
    freeResponse: freeResponse('discord', env, config.discord),
    backfillPages: config.discord.backfill_pages,
    state: store.channelState('discord'),
  });
}

async function slack({ env, config, store, log }: PlatformContext): Promise<PlatformAdapter | undefined> {
  const cfg = config.slack;
  if (!cfg.enabled || !env.SLACK_BOT_TOKEN?.trim()) return undefined;
  if (!env.SLACK_APP_TOKEN?.trim()) {
    // Socket Mode needs the app-level token; say so instead of silently not starting.
    log.error('SLACK_BOT_TOKEN is set but SLACK_APP_TOKEN (xapp-…, Socket Mode) is not: Slack stays off');
    return undefined;
  }
  const { SlackAdapter } = await import('./slack/adapter');
  return new SlackAdapter({
    botToken: secret(env.SLACK_BOT_TOKEN)!,
    appToken: secret(env.SLACK_APP_TOKEN)!,
    apiUrl: env.SLACK_API_URL || cfg.api_url || undefined,
    command: cfg.command,
    freeResponse: freeResponse('slack', env, cfg),
    clientPingTimeoutMs: cfg.client_ping_timeout_ms,
    connectTimeoutMs: cfg.connect_timeout * 1000,
    log: log.child('slack'),
    threads: new ThreadMembers(store.db, 'slack'),
    state: store.channelState('slack'),
  });
}

export const PLATFORMS: PlatformFactory[] = [telegram, discord, slack];

export async function configuredAdapters(ctx: PlatformContext): Promise<PlatformAdapter[]> {
  const all = await Promise.all(PLATFORMS.map((f) => f(ctx)));
  return all.filter((a): a is PlatformAdapter => !!a);
}
