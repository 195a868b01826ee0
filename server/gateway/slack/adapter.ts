// Slack through @slack/bolt in Socket Mode. Inbound: bolt's SocketModeReceiver and listeners; outbound: a Web API
// client of our own (sends work while the socket is down). The Web API base is configurable (SLACK_API_URL or
// gateway.slack.api_url) for tests and Slack-compatible servers; it also carries apps.connections.open, which
// hands out the WebSocket URL.
//
// Acks: Slack drops an event once it is acked, so an ack must mean "recorded". Bolt acks events before its
// listeners run; the receiver is therefore given a thin wrapper (durableProcess) whose ack is deferred until
// bolt's listeners — which only record the event in the gateway's inbound log — have finished. If recording
// fails, nothing is acked and Slack sends the envelope again (the log dedupes it). Turns run later, from the log,
// so acks stay far inside Slack's 3 s.
//
// Reconnects: bolt 5.1's own reconnect loop, checked against the fake, recovers from drops and missed pongs, but an
// apps.connections.open that fails during that loop (a 502 once its WebClient retries are used up) ends in an
// unhandled promise rejection — fatal for a Node 20 process — and a client that never connects again (the zombie
// Hermes users report). So bolt's auto-reconnect is off: any lost
// connection — dropped, a `disconnect` request, pongs stopped (bolt's ping monitor notices) — ends run(), and the
// gateway's supervisor builds a fresh App after its backoff, reporting the state on the way.
import { App, LogLevel, SocketModeReceiver, webApi, type Logger as SlackLogger, type ReceiverEvent } from '@slack/bolt';
import { PlatformError, type InboundEnvelope, type PlatformAdapter, type SendOptions } from '../adapter';
import type { Logger } from '../../util/log';
import { markdownToMrkdwn, escapeSlack } from './format';
import { classifySlack } from './errors';
import { decodeCallbackId, messageEnvelope, slashEnvelope, tapEnvelope, type BlockActionsBody, type MessageEvent, type SlashCommandBody } from './events';

/** Slack accepts 40,000 characters of text; Hermes keeps a margin below it. */
export const SLACK_MAX_LENGTH = 39_000;
/** A Block Kit section's text is limited to 3,000 characters. */
const SECTION_LIMIT = 3000;
const NAME_LOOKUP_MS = 1500;
const MAX_THREADS = 10_000;

export interface SlackOptions {
  botToken: string;
  appToken: string;
  /** Web API base, e.g. https://slack.com/api/ (a trailing slash is added). */
  apiUrl?: string;
  /** The slash command that carries the gateway's commands. */
  command?: string;
  /** In channels, answer only when mentioned (or in a thread the bot is already in). */
  requireMention?: boolean;
  /** Missing pongs for this long close the socket (bolt's clientPingTimeout). */
  clientPingTimeoutMs?: number;
  /** Giving up on a connection attempt that has not said hello after this long. */
  connectTimeoutMs?: number;
  maxMessageLength?: number;
  log?: Logger;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as Logger;

/** bolt and socket-mode log through this; their info lines ("Now connected") are debug for us. */
function boltLogger(log: Logger): SlackLogger {
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

export class SlackAdapter implements PlatformAdapter {
  readonly id = 'slack';
  readonly capabilities = { edit: true, delete: true, buttons: true, typing: false, files: true, commandMenu: false };
  readonly maxMessageLength: number;
  private readonly web: InstanceType<typeof webApi.WebClient>;
  private readonly apiUrl: string;
  private readonly log: Logger;
  private me: { botUserId: string; botId?: string } | undefined;
  private readonly names = new Map<string, string>();
  /** Channel threads the bot takes part in: a message there needs no new mention. */
  private readonly threads = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  private lastCursor = 0;

  constructor(private readonly opts: SlackOptions) {
    this.apiUrl = (opts.apiUrl || 'https://slack.com/api/').replace(/\/*$/, '/');
    this.log = opts.log ?? silent;
    this.maxMessageLength = opts.maxMessageLength ?? SLACK_MAX_LENGTH;
    this.web = new webApi.WebClient(opts.botToken, {
      slackApiUrl: this.apiUrl,
      // Retries belong to the outbox (durable, Retry-After honoured), not to a call sleeping in memory.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 30_000,
      logger: boltLogger(this.log),
    });
  }

  measure(text: string): number {
    return text.length;
  }

  format(markdown: string): string {
    return markdownToMrkdwn(markdown);
  }

  /** Slack keeps no stream position we could resume from: unacked envelopes are simply sent again. */
  setCursor(): void {}

  /** A cursor for the inbound log: increasing, so the gateway's offset bookkeeping stays meaningful. */
  private cursor(): number {
    this.lastCursor = Math.max(this.lastCursor + 1, Date.now());
    return this.lastCursor;
  }

  private async identity(): Promise<{ botUserId: string; botId?: string }> {
    try {
      const r = await this.web.auth.test();
      this.me = { botUserId: String(r.user_id), ...(r.bot_id ? { botId: String(r.bot_id) } : {}) };
      return this.me;
    } catch (e) {
      const err = classifySlack(e);
      // A revoked or wrong bot token does not get better by retrying.
      if (/invalid_auth|not_authed|account_inactive|token_revoked/.test(err.message)) throw new PlatformError(`SLACK_BOT_TOKEN refused: ${err.message}`, 'permanent');
      throw err;
    }
  }

  /** The user's display name (cached); the id when Slack does not answer quickly — the ack must not wait. */
  private async userName(id: string): Promise<string> {
    const hit = this.names.get(id);
    if (hit) return hit;
    const lookup = this.web.users
      .info({ user: id })
      .then((r) => {
        const u = r.user as { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } } | undefined;
        const name = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || id;
        this.names.set(id, name);
        return name;
      })
      .catch(() => id);
    return Promise.race([lookup, new Promise<string>((r) => setTimeout(() => r(id), NAME_LOOKUP_MS).unref())]);
  }

  async run(signal: AbortSignal, onInbound: (batch: InboundEnvelope[], next: number) => Promise<void>, onReady: () => void): Promise<void> {
    const me = await this.identity();
    const logger = boltLogger(this.log);
    const receiver = new SocketModeReceiver({
      appToken: this.opts.appToken,
      logger,
      autoReconnectEnabled: false,
      clientPingTimeout: this.opts.clientPingTimeoutMs ?? 5000,
      installerOptions: { clientOptions: { slackApiUrl: this.apiUrl, retryConfig: { retries: 0 }, timeout: 15_000 } },
      // A listener failed (the event could not be recorded): no ack, so Slack sends it again.
      processEventErrorHandler: async ({ error }) => {
        this.log.warn('a Slack event could not be recorded; leaving it unacked so Slack sends it again', { error: error.message });
        return false;
      },
    });
    const app = new App({
      receiver,
      token: this.opts.botToken,
      botUserId: me.botUserId,
      ...(me.botId ? { botId: me.botId } : {}),
      tokenVerificationEnabled: false,
      clientOptions: { slackApiUrl: this.apiUrl, retryConfig: { retries: 0 } },
      logger,
    });
    // Envelopes are built at once (name lookups run side by side, so one slow lookup does not delay the acks of
    // the others) and recorded one at a time, in arrival order.
    const record = (make: () => Promise<InboundEnvelope | undefined>): Promise<void> => {
      const made = make();
      const next = this.chain.then(async () => {
        const e = await made;
        if (e) await onInbound([e], e.cursor + 1);
      });
      this.chain = next.catch(() => {});
      return next;
    };
    app.event('message', async ({ event }) => record(() => this.fromMessage(event as unknown as MessageEvent)));
    app.event('app_mention', async ({ event }) => record(() => this.fromMessage(event as unknown as MessageEvent)));
    app.action({ type: 'block_actions' }, async ({ body, ack }) => {
      await record(async () => {
        const e = tapEnvelope(body as unknown as BlockActionsBody, this.cursor());
        return e && { ...e, userName: await this.userName(e.userId) };
      });
      await ack();
    });
    app.command(this.opts.command ?? '/hermes', async ({ body, ack }) => {
      await record(async () => {
        const e = slashEnvelope(body as unknown as SlashCommandBody, this.cursor());
        return { ...e, userName: await this.userName(e.userId) };
      });
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
    client.on('disconnected', (err?: Error) => lost?.(new PlatformError(`Slack socket closed${asked}${err ? `: ${err.message}` : ''}`, 'transient')));
    try {
      const connectMs = this.opts.connectTimeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        app.start().catch((e: unknown) => {
          throw this.startError(e);
        }),
        closed,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new PlatformError(`no hello from Slack within ${connectMs} ms`, 'transient')), connectMs))),
      ]).finally(() => clearTimeout(timer));
      if (signal.aborted) return;
      onReady();
      await Promise.race([closed, new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))]);
    } finally {
      lost = undefined;
      // Bounded: a peer that never completes the close handshake must not hold up a reconnect or a shutdown.
      await Promise.race([client.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
      client.removeAllListeners();
    }
  }

  private startError(e: unknown): PlatformError {
    const err = classifySlack(e);
    if (/invalid_auth|not_authed|not_allowed_token_type|token_revoked/.test(err.message)) return new PlatformError(`SLACK_APP_TOKEN refused: ${err.message}`, 'permanent');
    // apps.connections.open failing, or the WebSocket refusing: worth another try after the backoff.
    return new PlatformError(`Slack Socket Mode connect failed: ${err.message}`, 'transient', err.retryAfter);
  }

  /** Remembers a thread the bot is in (the oldest are forgotten past a bound: a mention brings one back). */
  private joinThread(chatId: string, threadTs: string): void {
    const key = `${chatId}:${threadTs}`;
    this.threads.delete(key);
    this.threads.add(key);
    if (this.threads.size > MAX_THREADS) this.threads.delete(this.threads.values().next().value!);
  }

  private async fromMessage(ev: MessageEvent): Promise<InboundEnvelope | undefined> {
    const e = messageEnvelope(ev, this.me ?? { botUserId: '' }, this.cursor(), (c, t) => this.threads.has(`${c}:${t}`));
    if (!e) return undefined;
    if (this.opts.requireMention === false && e.chatType !== 'dm') e.mentioned = true;
    // A mention in a channel starts (or joins) the bot's thread there.
    if (e.chatType !== 'dm' && e.threadId && (e.mentioned || e.replyTo?.fromBot)) this.joinThread(e.chatId, e.threadId);
    e.userName = await this.userName(e.userId);
    return e;
  }

  /** Text and Block Kit for a message: buttons become an actions block under the text's sections. */
  private payload(text: string, opts?: SendOptions): Record<string, unknown> {
    // Slack reads & < > as markup everywhere; formatted text was escaped by format(), plain text is escaped here.
    const body = opts?.formatted ? text : escapeSlack(text);
    const out: Record<string, unknown> = { text: body, mrkdwn: !!opts?.formatted };
    if (opts?.buttons?.length) {
      // Plain text goes into plain_text sections as is (Slack shows it literally there); mrkdwn as formatted.
      const src = opts.formatted ? body : text;
      const sections: unknown[] = [];
      for (let i = 0; i < src.length && sections.length < 40; i += SECTION_LIMIT) {
        const part = src.slice(i, i + SECTION_LIMIT);
        sections.push({ type: 'section', text: opts.formatted ? { type: 'mrkdwn', text: part } : { type: 'plain_text', text: part, emoji: true } });
      }
      const elements = opts.buttons.flat().map((b, i) => ({
        type: 'button',
        action_id: `hermes_${i}`,
        text: { type: 'plain_text', text: b.text.slice(0, 75), emoji: true },
        value: b.data,
        ...(/deny/i.test(b.text) ? { style: 'danger' } : i === 0 ? { style: 'primary' } : {}),
      }));
      out.blocks = [...sections, { type: 'actions', block_id: 'hermes_actions', elements }];
    }
    return out;
  }

  async send(chatId: string, text: string, opts?: SendOptions): Promise<{ messageId: string }> {
    try {
      const r = await this.web.chat.postMessage({
        channel: chatId,
        ...(this.payload(text, opts) as { text: string }),
        ...(opts?.threadId ? { thread_ts: opts.threadId } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (opts?.threadId) this.joinThread(chatId, opts.threadId);
      return { messageId: String(r.ts) };
    } catch (e) {
      throw classifySlack(e);
    }
  }

  async edit(chatId: string, messageId: string, text: string, opts?: SendOptions): Promise<void> {
    try {
      // Without buttons the blocks are cleared: an answered approval loses its buttons.
      await this.web.chat.update({ channel: chatId, ts: messageId, blocks: [], ...(this.payload(text, opts) as { text: string }) });
    } catch (e) {
      throw classifySlack(e);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    try {
      await this.web.chat.delete({ channel: chatId, ts: messageId });
    } catch (e) {
      throw classifySlack(e);
    }
  }

  /** Slack's upload flow: files.getUploadURLExternal, the bytes to that URL, files.completeUploadExternal. */
  async sendFile(chatId: string, name: string, data: Buffer, opts?: { threadId?: string; caption?: string }): Promise<{ messageId: string }> {
    try {
      const r = await this.web.filesUploadV2({
        channel_id: chatId,
        file: data,
        filename: name,
        ...(opts?.threadId ? { thread_ts: opts.threadId } : {}),
        ...(opts?.caption ? { initial_comment: escapeSlack(opts.caption) } : {}),
      } as Parameters<typeof this.web.filesUploadV2>[0]);
      // A file share has no message ts of its own in the answer; the file id names it.
      const done = (r as { files?: { files?: { id?: string }[] }[] }).files?.[0]?.files?.[0]?.id;
      return { messageId: done ?? name };
    } catch (e) {
      throw classifySlack(e);
    }
  }

  /** Bots cannot show "typing…" in Slack (that was the retired RTM API). */
  async typing(): Promise<void> {}

  /** Slack has no answer to a tap: the answer goes to the user who tapped, as a message only they see. */
  async answerCallback(callbackId: string, text: string): Promise<void> {
    const c = decodeCallbackId(callbackId);
    if (!c) return;
    try {
      await this.web.chat.postEphemeral({ channel: c.channel, user: c.user, text: escapeSlack(text), ...(c.threadTs ? { thread_ts: c.threadTs } : {}) });
    } catch (e) {
      throw classifySlack(e);
    }
  }

  /** Slack's slash commands live in the app's manifest; the gateway's commands ride on one of them (`/hermes`). */
  async setCommands(): Promise<void> {}

  async downloadFile(url: string): Promise<Buffer> {
    // The bot token goes only to Slack's own file hosts (or the configured API server), never to any URL a
    // message happens to carry.
    const u = new URL(url);
    const api = new URL(this.apiUrl);
    if (!(u.origin === api.origin || /^files(-[a-z]+)?\.slack\.com$/.test(u.hostname)) || (u.protocol !== 'https:' && u.origin !== api.origin))
      throw new PlatformError(`refusing to fetch ${u.origin} with the bot token`, 'permanent');
    const res = await fetch(u, { headers: { authorization: `Bearer ${this.opts.botToken}` } });
    if (!res.ok) throw new PlatformError(`Slack file download failed: HTTP ${res.status}`, res.status >= 500 ? 'transient' : 'permanent');
    return Buffer.from(await res.arrayBuffer());
  }
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
