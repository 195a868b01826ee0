// Receiving from Slack: one Socket Mode connection through @slack/bolt (SocketModeReceiver + App listeners), from
// hello until it is lost or the gateway stops.
//
// Acks: Slack drops an event once it is acked, so an ack must mean "recorded". Bolt acks events before its
// listeners run; the receiver is therefore given a thin wrapper (durableProcess) whose ack is held back until
// bolt's listeners — which only record the event in the gateway's inbound log — have finished. If recording fails,
// nothing is acked and Slack sends the envelope again (the log dedupes it). Turns run later, from the log, so acks
// stay far inside Slack's 3 s.
//
// Reconnects: bolt 5.1's own reconnect loop, checked against the fake, recovers from drops and missed pongs, but an
// apps.connections.open that fails during that loop (a 502 once its WebClient retries are used up) ends in an
// unhandled promise rejection — fatal for a Node 20 process — and a client that never connects again (the zombie
// Hermes users report). So bolt's auto-reconnect is off: any lost connection — dropped, a `disconnect` request,
// pongs stopped (bolt's ping monitor notices) — ends runSocketMode, and the gateway's supervisor opens a fresh one
// after its backoff, reporting the state on the way.
import { App, LogLevel, SocketModeReceiver, type Logger as SlackLogger, type ReceiverEvent } from '@slack/bolt';
import { PlatformError, type InboundEnvelope } from '../adapter';
import type { Logger } from '../../util/log';
import { classifySlack } from './errors';
import type { BlockActionsBody, MessageEvent, SlashCommandBody } from './events';

/** bolt and socket-mode log through this; their info lines ("Now connected") are debug for us. */
export function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const text = (m: unknown[]) => m.map((x) => (x instanceof Error ? x.message : typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  return {
    debug: (...m) => log.debug(text(m)),
    info: (...m) => log.debug(text(m)),
    warn: (...m) => log.warn(text(m)),
    error: (...m) => log.warn(text(m)),
    setLevel: (l) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export interface SocketModeOptions {
  appToken: string;
  botToken: string;
  apiUrl: string;
  me: { botUserId: string; botId?: string };
  command: string;
  clientPingTimeoutMs: number;
  connectTimeoutMs: number;
  log: Logger;
  signal: AbortSignal;
  onReady: () => void;
  onInbound: (batch: InboundEnvelope[], next: number) => Promise<void>;
  /** Runs after every hello (it records through onInbound itself). The connection's events wait behind it for up to
   *  catchUpHoldMs, then go side by side with it; a failure ends the connection, so the next one tries again. */
  catchUp?: () => Promise<void>;
  catchUpHoldMs?: number;
  /** Payload → envelope (undefined: not for the gateway). Called in arrival order. */
  envelopes: {
    message(ev: MessageEvent): Promise<InboundEnvelope | undefined>;
    tap(body: BlockActionsBody): Promise<InboundEnvelope | undefined>;
    slash(body: SlashCommandBody): Promise<InboundEnvelope>;
  };
}

/**
 * Runs bolt's processing with the ack held back: listeners record the event, then the ack (with any response the
 * listener gave, e.g. for a slash command) goes out. A failure leaves the envelope unacked for Slack to resend.
 */
export async function durableProcess(app: App, ev: ReceiverEvent): Promise<void> {
  let response: unknown;
  await app.processEvent({
    ...ev,
    ack: async (r?: unknown) => {
      response = r;
    },
  });
  await ev.ack(response as any);
}

function startError(e: unknown): PlatformError {
  const err = classifySlack(e);
  if (/invalid_auth|not_authed|not_allowed_token_type|token_revoked/.test(err.message)) return new PlatformError(`SLACK_APP_TOKEN refused: ${err.message}`, 'permanent');
  // apps.connections.open failing, or the WebSocket refusing: worth another try after the backoff.
  return new PlatformError(`Slack Socket Mode connect failed: ${err.message}`, 'transient', err.retryAfter);
}

/** Connects, calls onReady after Slack's hello, and resolves when `signal` aborts; rejects when the socket is lost. */
export async function runSocketMode(o: SocketModeOptions): Promise<void> {
  const logger = boltLogger(o.log);
  const receiver = new SocketModeReceiver({
    appToken: o.appToken,
    logger,
    autoReconnectEnabled: false,
    clientPingTimeout: o.clientPingTimeoutMs,
    // A 429 on apps.connections.open (Tier 1: about one a minute) fails at once with its Retry-After, which the
    // supervisor waits out; without this the client sleeps it in memory, past the connect timeout, and the next
    // attempt can come before Slack allows it.
    installerOptions: { clientOptions: { slackApiUrl: o.apiUrl, retryConfig: { retries: 0 }, timeout: 15_000, rejectRateLimitedCalls: true } },
    // A listener failed (the event could not be recorded): no ack, so Slack sends it again.
    processEventErrorHandler: async ({ error }) => {
      o.log.warn('a Slack event could not be recorded; leaving it unacked so Slack sends it again', { error: error.message });
      return false;
    },
  });
  const app = new App({
    receiver,
    token: o.botToken,
    botUserId: o.me.botUserId,
    ...(o.me.botId ? { botId: o.me.botId } : {}),
    tokenVerificationEnabled: false,
    clientOptions: { slackApiUrl: o.apiUrl, retryConfig: { retries: 0 } },
    logger,
  });
  // Envelopes are built at once (name lookups run side by side, so one slow lookup does not delay the acks of the
  // others) and recorded one at a time, in arrival order.
  let chain: Promise<unknown> = Promise.resolve();
  const record = (made: Promise<InboundEnvelope | undefined>): Promise<void> => {
    const next = chain.then(async () => {
      const e = await made;
      if (e) await o.onInbound([e], e.cursor + 1);
    });
    chain = next.catch(() => {});
    return next;
  };
  app.event('message', async ({ event }) => record(o.envelopes.message(event as unknown as MessageEvent)));
  app.event('app_mention', async ({ event }) => record(o.envelopes.message(event as unknown as MessageEvent)));
  app.action({ type: 'block_actions' }, async ({ body, ack }) => {
    await record(o.envelopes.tap(body as unknown as BlockActionsBody));
    await ack();
  });
  app.command(o.command, async ({ body, ack }) => {
    await record(o.envelopes.slash(body as unknown as SlashCommandBody));
    await ack();
  });
  receiver.init({ processEvent: (ev: ReceiverEvent) => durableProcess(app, ev) } as unknown as App);

  const client = receiver.client;
  let lost: ((e: Error) => void) | undefined;
  const closed = new Promise<never>((_, reject) => (lost = reject));
  closed.catch(() => {});
  let asked = '';
  client.on('ws_message', (data: unknown) => {
    // Remember why Slack asked us to go, for the status line.
    try {
      const m = JSON.parse(String(data));
      if (m.type === 'disconnect') asked = ` (Slack asked to reconnect: ${m.reason})`;
    } catch {
      /* not JSON: bolt ignores it too */
    }
  });
  client.on('connected', () => {
    // Emitted on hello, before the frames after it are read: what the catch-up records comes before their events —
    // unless it takes longer than the hold. Held longer, their acks would pass Slack's 3 s and, after a few minutes of
    // resending, Slack would drop them; side by side, a message read back may land after a newer live one.
    if (!o.catchUp) return;
    const run = o.catchUp();
    chain = Promise.race([run.catch(() => {}), new Promise<void>((r) => setTimeout(r, o.catchUpHoldMs ?? 2000).unref())]);
    run.catch((e: unknown) => {
      const err = classifySlack(e);
      lost?.(new PlatformError(`reading Slack history after reconnecting failed: ${err.message}`, 'transient', err.retryAfter));
    });
  });
  client.on('disconnected', (err?: Error) => lost?.(new PlatformError(`Slack socket closed${asked}${err ? `: ${err.message}` : ''}`, 'transient')));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.start().catch((e: unknown) => {
        throw startError(e);
      }),
      closed,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new PlatformError(`no hello from Slack within ${o.connectTimeoutMs} ms`, 'transient')), o.connectTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (o.signal.aborted) return;
    o.onReady();
    await Promise.race([closed, new Promise<void>((r) => o.signal.addEventListener('abort', () => r(), { once: true }))]);
  } finally {
    clearTimeout(timer);
    lost = undefined;
    // Bounded: a peer that never completes the close handshake must not hold up a reconnect or a shutdown.
    await Promise.race([client.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    client.removeAllListeners();
  }
}
