// The chat platforms the gateway can run, one entry each: given the environment (.env + process) and the gateway
// config, an entry returns its adapter when the platform is configured (and not disabled), or undefined. Adding a
// platform is one folder and one line here.
import type { PlatformAdapter } from './adapter';
import type { HermesConfig } from '../config/schema';
import type { GatewayStore } from './store';
import type { Logger } from '../util/log';
import { addSecretValue } from '../util/redact';
import { TelegramAdapter } from './telegram/adapter';
import { DiscordAdapter } from './discord/adapter';
import { SlackAdapter } from './slack/adapter';
import { ThreadMembers } from './thread-members';

export interface PlatformContext {
  env: Record<string, string | undefined>;
  config: HermesConfig['gateway'];
  store: GatewayStore;
  log: Logger;
}

export type PlatformFactory = (ctx: PlatformContext) => PlatformAdapter | undefined;

/** A secret the adapter needs: registered for redaction so it never reaches a log or a transcript. */
function secret(v: string | undefined): string | undefined {
  const s = v?.trim();
  if (s) addSecretValue(s);
  return s || undefined;
}

function telegram({ env, config }: PlatformContext): PlatformAdapter | undefined {
  if (!config.telegram.enabled) return undefined;
  // The token is part of every Bot API URL.
  const token = secret(env.TELEGRAM_BOT_TOKEN);
  if (!token) return undefined;
  return new TelegramAdapter({ token, apiRoot: env.TELEGRAM_API_ROOT || config.telegram.api_root || undefined, pollTimeout: config.telegram.poll_timeout });
}

function discord({ env, config, store }: PlatformContext): PlatformAdapter | undefined {
  if (!config.discord.enabled) return undefined;
  const token = secret(env.DISCORD_BOT_TOKEN);
  if (!token) return undefined;
  return new DiscordAdapter({
    token,
    apiRoot: env.DISCORD_API_ROOT || config.discord.api_root || undefined,
    autoThread: config.discord.auto_thread,
    backfillPages: config.discord.backfill_pages,
    state: store.channelState('discord'),
  });
}

function slack({ env, config, store, log }: PlatformContext): PlatformAdapter | undefined {
  const cfg = config.slack;
  if (!cfg.enabled || !env.SLACK_BOT_TOKEN?.trim()) return undefined;
  if (!env.SLACK_APP_TOKEN?.trim()) {
    // Socket Mode needs the app-level token; say so instead of silently not starting.
    log.error('SLACK_BOT_TOKEN is set but SLACK_APP_TOKEN (xapp-…, Socket Mode) is not: Slack stays off');
    return undefined;
  }
  return new SlackAdapter({
    botToken: secret(env.SLACK_BOT_TOKEN)!,
    appToken: secret(env.SLACK_APP_TOKEN)!,
    apiUrl: env.SLACK_API_URL || cfg.api_url || undefined,
    command: cfg.command,
    requireMention: cfg.require_mention,
    clientPingTimeoutMs: cfg.client_ping_timeout_ms,
    connectTimeoutMs: cfg.connect_timeout * 1000,
    log: log.child('slack'),
    threads: new ThreadMembers(store.db, 'slack'),
  });
}

export const PLATFORMS: PlatformFactory[] = [telegram, discord, slack];

export function configuredAdapters(ctx: PlatformContext): PlatformAdapter[] {
  return PLATFORMS.map((f) => f(ctx)).filter((a): a is PlatformAdapter => !!a);
}
