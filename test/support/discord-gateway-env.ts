// A built host started with --gateway against the fake Discord (and, when given, the fake Telegram too) and the
// scripted model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { E2EEnv } from './e2e-env';
import type { FakeDiscord } from './fake-discord';
import type { FakeTelegram } from './fake-telegram';
import { GATEWAY_TEST_CONFIG, type GatewayHost } from './gateway-env';
import { tempHome, writeTestConfig } from './host-process';

export async function startDiscordGateway(
  env: E2EEnv,
  dc: FakeDiscord,
  opts: { home?: string; extra?: string; env?: Record<string, string>; tg?: FakeTelegram } = {},
): Promise<GatewayHost> {
  const home = opts.home ?? tempHome();
  if (!opts.home) writeTestConfig(home, env.model.baseURL, GATEWAY_TEST_CONFIG + (opts.extra ?? ''));
  const identifies = dc.identifies;
  const setBefore = dc.calls.filter((c) => c.route.startsWith('PUT /applications')).length;
  const host = env.start({
    home,
    args: ['--gateway'],
    env: {
      DISCORD_BOT_TOKEN: dc.token,
      DISCORD_API_ROOT: dc.apiRoot,
      ...(opts.tg ? { TELEGRAM_BOT_TOKEN: opts.tg.token, TELEGRAM_API_ROOT: opts.tg.apiRoot } : {}),
      ...opts.env,
    },
  });
  // Ready once the command list is registered (that happens after READY and the guild have arrived).
  await dc.waitFor(() => dc.identifies > identifies && dc.calls.filter((c) => c.route.startsWith('PUT /applications')).length > setBefore, 60_000, 'the gateway to connect');
  await dc.waitFor(() => existsSync(join(home, 'host.sock')), 10_000, 'the socket');
  return { host, home, socket: join(home, 'host.sock') };
}
