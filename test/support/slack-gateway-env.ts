// A built host started with --gateway against the fake Slack (Web API + Socket Mode) and the scripted model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeSlack } from './fake-slack';
import { startHost, tempHome, writeTestConfig, type HostProcess } from './host-process';

/** Short ping timeout and connect timeout, so lost sockets are noticed within seconds. */
export const SLACK_TEST_CONFIG = `gateway:\n  edit_interval_ms: 200\n  drain_timeout: 3\n  slack:\n    client_ping_timeout_ms: 1500\n    connect_timeout: 5\n`;

export interface SlackGateway {
  host: HostProcess;
  home: string;
  socket: string;
}

/**
 * Starts the gateway and waits until its Socket Mode connection said hello. `start` is the e2e env's (host killed
 * after the test) or startHost itself (the caller kills it).
 */
export async function startSlackGateway(
  slack: FakeSlack,
  model: { baseURL: string },
  opts: { home?: string; extra?: string; env?: Record<string, string>; start?: (o: Parameters<typeof startHost>[0]) => HostProcess } = {},
): Promise<SlackGateway> {
  const home = opts.home ?? tempHome();
  if (!opts.home) writeTestConfig(home, model.baseURL, SLACK_TEST_CONFIG + (opts.extra ?? ''));
  const before = slack.connections;
  const host = (opts.start ?? startHost)({
    home,
    args: ['--gateway'],
    env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl, ...opts.env },
  });
  const socket = join(home, 'host.sock');
  await slack.waitFor(() => slack.connections > before && slack.connected, 60_000, 'the gateway to connect');
  await slack.waitFor(() => existsSync(socket), 10_000, 'the socket');
  return { host, home, socket };
}
