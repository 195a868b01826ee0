// The chat platforms the gateway can run, one entry each: given the environment (.env + process) and the gateway
// config, an entry returns its adapter when the platform is configured, or undefined. Adding a platform is one
// line here plus its folder.
import type { PlatformAdapter } from './adapter';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import { addSecretValue } from '../util/redact';
import { TelegramAdapter } from './telegram/adapter';
import { SlackAdapter } from './slack/adapter';

export interface PlatformContext {
  env: Record<string, string | undefined>;
  config: HermesConfig['gateway'];
  log: Logger;
}

export type PlatformFactory = (c: PlatformContext) => PlatformAdapter | undefined;

function telegram({ env, config }: PlatformContext): PlatformAdapter | undefined {
  const token = env.TELEGRAM_BOT_TOKEN;
  if (!token || !config.telegram.enabled) return undefined;
  addSecretValue(token); // the token is part of every Bot API URL: never let it reach a log or a transcript
  return new TelegramAdapter({ token, apiRoot: env.TELEGRAM_API_ROOT || config.telegram.api_root || undefined, pollTimeout: config.telegram.poll_timeout });
}

function slack({ env, config, log }: PlatformContext): PlatformAdapter | undefined {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  const appToken = env.SLACK_APP_TOKEN?.trim();
  const cfg = config.slack;
  if (!cfg.enabled || !botToken) return undefined;
  if (!appToken) {
    // Socket Mode needs the app-level token; say so instead of silently not starting.
    log.error('SLACK_BOT_TOKEN is set but SLACK_APP_TOKEN (xapp-…, Socket Mode) is not: Slack stays off');
    return undefined;
  }
  addSecretValue(botToken);
  addSecretValue(appToken);
  return new SlackAdapter({
    botToken,
    appToken,
    apiUrl: env.SLACK_API_URL || cfg.api_url || undefined,
    command: cfg.command,
    requireMention: cfg.require_mention,
    clientPingTimeoutMs: cfg.client_ping_timeout_ms,
    connectTimeoutMs: cfg.connect_timeout * 1000,
    log: log.child('slack'),
  });
}

export const PLATFORMS: PlatformFactory[] = [telegram, slack];
