// A built host started with --gateway against the fake Telegram Bot API and the scripted model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { E2EEnv } from './e2e-env';
import type { FakeTelegram } from './fake-telegram';
import { connectSocket, tempHome, writeTestConfig, type HostProcess, type RpcClient } from './host-process';

export interface GatewayHost {
  host: HostProcess;
  home: string;
  socket: string;
}

export const GATEWAY_TEST_CONFIG = `gateway:\n  edit_interval_ms: 200\n  drain_timeout: 3\n  telegram:\n    poll_timeout: 1\n`;

export async function startGateway(env: E2EEnv, tg: FakeTelegram, opts: { home?: string; extra?: string; env?: Record<string, string> } = {}): Promise<GatewayHost> {
  const home = opts.home ?? tempHome();
  if (!opts.home) writeTestConfig(home, env.model.baseURL, GATEWAY_TEST_CONFIG + (opts.extra ?? ''));
  const setBefore = tg.calls.filter((c) => c.method === 'getMe').length;
  const host = env.start({
    home,
    args: ['--gateway'],
    env: { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, ...opts.env },
  });
  const socket = join(home, 'host.sock');
  await tg.waitFor(() => tg.calls.filter((c) => c.method === 'getMe').length > setBefore, 60_000, 'the gateway to connect');
  await tg.waitFor(() => existsSync(socket), 10_000, 'the socket');
  return { host, home, socket };
}

export async function attach(g: GatewayHost): Promise<RpcClient> {
  const c = await connectSocket(g.socket);
  await c.initialize({ name: 'vscode-test' });
  return c;
}

/** The last user message the model saw in a request. */
export function lastUserText(body: { messages: { role: string; content: unknown }[] }): string {
  const m = [...body.messages].reverse().find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

/** A Telegram user asks for a `/link` code; returns the code and the message that showed it. */
export async function telegramLinkCode(tg: FakeTelegram, userId: number): Promise<{ code: string; text: string }> {
  tg.userSends({ userId, text: '/link' });
  const msg = await tg.waitFor(() => tg.sentTo(userId).find((m) => /link code is ([A-Z2-9]{8})/.test(m.text)), 15_000, 'the link code');
  return { code: /link code is ([A-Z2-9]{8})/.exec(msg.text)![1], text: msg.text };
}
