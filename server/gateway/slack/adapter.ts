// Slack through @slack/bolt in Socket Mode. Inbound: bolt's SocketModeReceiver and listeners; outbound: a Web API
// client of our own (sends work while the socket is down). The Web API base is configurable (SLACK_API_URL or
// gateway.slack.api_url) for tests and Slack-compatible servers; it also carries apps.connections.open, which
// hands out the WebSocket URL.
//
// Receiving (Socket Mode, acks, reconnects) lives in socket.ts, reading back what Slack never delivered in
// backfill.ts; this file is the Web API side and the mapping.
import type { FreeResponse } from '../free-response';
import { webApi } from '@slack/bolt';
import { PlatformError, type InboundEnvelope, type PlatformAdapter, type PlatformCapabilities, type SendOptions } from '../adapter';
import type { Logger } from '../../util/log';
import { keepAliveFetch } from '../../util/keep-alive-fetch';
import { markdownToMrkdwn, escapeSlack } from './format';
import { classifySlack } from './errors';
import { decodeCallbackId, messageEnvelope, slashEnvelope, tapEnvelope, type MessageEvent } from './events';
import { boltLogger, runSocketMode } from './socket';
import type { ThreadMembership } from '../thread-members';
import type { ChannelState } from '../store';
import { Marks, readMissed, type HistoryPage, type HistoryReader } from './backfill';

/** Slack accepts 40,000 characters of text; Hermes keeps a margin below it. */
export const SLACK_MAX_LENGTH = 39_000;
/** A Block Kit section's text is limited to 3,000 characters. */
const SECTION_LIMIT = 3000;
const NAME_LOOKUP_MS = 1500;

export interface SlackOptions {
  botToken: string;
  appToken: string;
  /** Web API base, e.g. https://slack.com/api/ (a trailing slash is added). */
  apiUrl?: string;
  /** The slash command that carries the gateway's commands. */
  command?: string;
  /** Channels where a message needs no mention (all of them when mentions are turned off); elsewhere a mention, or
   *  a thread the bot is already in. */
  freeResponse?: FreeResponse;
  /** Missing pongs for this long close the socket (bolt's clientPingTimeout). */
  clientPingTimeoutMs?: number;
  /** Giving up on a connection attempt that has not said hello after this long. */
  connectTimeoutMs?: number;
  log?: Logger;
  /** Channel threads the bot takes part in (a message there needs no new mention); persisted across restarts. */
  threads: ThreadMembership;
  /** Where each conversation was last read (see backfill.ts); persisted across restarts. */
  state: ChannelState;
  /** Most history pages (200 messages each) read per conversation after a reconnect. */
  backfillPages?: number;
}

const HISTORY_PAGE = 200;
/** Slack resends an unacked event for about five minutes: a connection back sooner than this needs no history read. */
const RESEND_WINDOW_MS = 4 * 60_000;
/** Longest Retry-After a history read waits out in place (longer ends the connection instead). */
const MAX_HISTORY_WAIT_S = 60;

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as Logger;

export class SlackAdapter implements PlatformAdapter {
  readonly id = 'slack';
  readonly capabilities: PlatformCapabilities;
  readonly maxMessageLength = SLACK_MAX_LENGTH;
  private readonly web: InstanceType<typeof webApi.WebClient>;
  private readonly apiUrl: string;
  private readonly log: Logger;
  private me: { botUserId: string; botId?: string } | undefined;
  private readonly names = new Map<string, string>();
  private lastCursor = 0;
  private readonly marks: Marks;
  /** A catch-up is owed: at start (nobody knows how long the gateway was away) and after one that failed. */
  private owed = true;
  /** When the last connection ended (a reconnect within Slack's resend window reads no history). */
  private lostAt = 0;

  constructor(private readonly opts: SlackOptions) {
    // Gateway commands ride on the app's slash command: `/hermes approve`, not `/approve` (Slack would refuse it).
    this.capabilities = { edit: true, delete: true, buttons: true, typing: false, files: true, commandMenu: false, commandPrefix: `${opts.command ?? '/hermes'} ` };
    this.apiUrl = (opts.apiUrl || 'https://slack.com/api/').replace(/\/*$/, '/');
    this.log = opts.log ?? silent;
    this.marks = new Marks(opts.state);
    this.web = new webApi.WebClient(opts.botToken, {
      slackApiUrl: this.apiUrl,
      // Retries belong to the outbox (durable, Retry-After honoured), not to a call sleeping in memory.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 30_000,
      logger: boltLogger(this.log),
      fetch: keepAliveFetch,
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
    const recordAndMark = async (batch: InboundEnvelope[], next: number) => {
      await onInbound(batch, next);
      for (const e of batch) this.marks.recorded(e);
    };
    try {
      await runSocketMode({
        appToken: this.opts.appToken,
        botToken: this.opts.botToken,
        apiUrl: this.apiUrl,
        me,
        command: this.opts.command ?? '/hermes',
        clientPingTimeoutMs: this.opts.clientPingTimeoutMs ?? 5000,
        connectTimeoutMs: this.opts.connectTimeoutMs ?? 30_000,
        log: this.log,
        signal,
        onReady,
        onInbound: recordAndMark,
        catchUp: () => this.catchUp(recordAndMark),
        envelopes: {
          message: (ev) => this.fromMessage(ev),
          tap: async (body) => {
            const e = tapEnvelope(body, this.cursor());
            return e && { ...e, userName: await this.userName(e.userId) };
          },
          slash: async (body) => {
            const e = slashEnvelope(body, this.cursor());
            return { ...e, userName: await this.userName(e.userId) };
          },
        },
      });
    } finally {
      this.lostAt = Date.now();
    }
  }

  /** Messages written while no connection was open, read from history (backfill.ts). */
  private async catchUp(record: (batch: InboundEnvelope[], next: number) => Promise<void>): Promise<void> {
    // Slack recycles connections every few hours; what it sent meanwhile it sends again on the next connection.
    if (!this.owed && Date.now() - this.lostAt < RESEND_WINDOW_MS) return;
    this.owed = true;
    const skipped = new Set<string>();
    await readMissed(
      this.marks.load(),
      this.history,
      async (ev) => {
        const e = await this.fromMessage(ev);
        if (e) await record([e], e.cursor + 1);
      },
      {
        maxPages: this.opts.backfillPages ?? 10,
        skip: (e) => {
          const err = classifySlack(e);
          if (err.kind !== 'permanent') return false;
          // The channel is gone or closed to the bot, or the app lacks a history scope: nothing to read there.
          if (!skipped.has(err.message)) this.log.warn('cannot read Slack history to catch up; messages sent there while disconnected are not read', { error: err.message });
          skipped.add(err.message);
          return true;
        },
      },
    );
    this.owed = false;
  }

  private readonly history: HistoryReader = {
    history: (channel, oldest, cursor) => waitingOutLimits(async () => page(await this.web.conversations.history({ channel, oldest, limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) }))),
    replies: (channel, ts, oldest, cursor) => waitingOutLimits(async () => page(await this.web.conversations.replies({ channel, ts, oldest, limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) }))),
  };

  private async fromMessage(ev: MessageEvent): Promise<InboundEnvelope | undefined> {
    const e = messageEnvelope(ev, this.me ?? { botUserId: '' }, this.cursor(), (c, t) => this.opts.threads.has(c, t));
    if (!e) return undefined;
    if (e.chatType !== 'dm' && this.opts.freeResponse?.(e.chatId)) e.mentioned = true;
    // A mention in a channel starts (or joins) the bot's thread there.
    if (e.chatType !== 'dm' && e.threadId && (e.mentioned || e.replyTo?.fromBot)) this.opts.threads.join(e.chatId, e.threadId);
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
      // A DM's threads are the user's anyway; in a channel, answering in a thread makes the bot part of it.
      if (opts?.threadId && !chatId.startsWith('D')) this.opts.threads.join(chatId, opts.threadId);
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

function page(r: { messages?: unknown[]; has_more?: boolean; response_metadata?: { next_cursor?: string } }): HistoryPage {
  const next = r.has_more ? r.response_metadata?.next_cursor : undefined;
  return { messages: (r.messages ?? []) as HistoryPage['messages'], ...(next ? { next } : {}) };
}

/**
 * A history read that meets a rate limit (Tier 3: ~50 a minute) waits it out and goes on. Failing instead would end
 * the connection, and the next one would read every conversation again from its mark and meet the same limit.
 */
async function waitingOutLimits<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const err = classifySlack(e);
      const wait = err.retryAfter;
      if (err.kind !== 'transient' || wait === undefined || wait > MAX_HISTORY_WAIT_S || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, wait * 1000).unref()); // never what keeps a stopping gateway alive
    }
  }
}
