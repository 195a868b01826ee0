// Discord through discord.js: its gateway connection (heartbeats, RESUME, reconnects) and its REST client (per-route
// and global rate limits, waited out rather than failed). Messages are read from the raw gateway dispatches so live
// messages and messages fetched from channel history go through one mapping, and DMs need no cached channel.
//
// What Discord adds to the contract:
//  - In guilds the bot answers when mentioned, and in threads it started; with `autoThread` a mention starts a
//    thread on that message (a thread started from a message has the message's id, so the conversation's id is the
//    same however often the message is seen) and the conversation lives there.
//  - Messages missed while disconnected are fetched from each known channel's history after the last id seen
//    (persisted through `state`), on every READY and RESUMED; the gateway's dedupe drops ones seen before.
//  - Button clicks and slash commands are interactions, answered within Discord's 3 s (interactions.ts).
//  - discord.js reconnects and resumes by itself; connection.ts turns that into the platform's status.
//  - Every send carries a nonce with enforce_nonce, so a send repeated after a lost response posts once.
import type { FreeResponse } from '../free-response';
import { randomBytes } from 'node:crypto';
import { Client, GatewayIntentBits, Options, Partials, Routes, type RESTOptions } from 'discord.js';
import { watchConnection } from './connection';
import { keepAliveFetch } from '../../util/keep-alive-fetch';
import { InteractionTokens } from './interactions';
import type { ChatType, InboundEnvelope, PlatformAdapter, SendOptions } from '../adapter';
import type { ChannelState } from '../store';
import {
  DISCORD_MAX_LENGTH,
  INTERACTION_TTL_MS,
  applicationCommands,
  attachmentsOf,
  classify,
  displayName,
  mentionsBot,
  newer,
  stripMention,
  type WireInteraction,
  type WireMessage,
} from './wire';

export interface DiscordOptions {
  token: string;
  /** REST base, e.g. http://127.0.0.1:PORT/api (the gateway URL comes from GET /gateway/bot). */
  apiRoot?: string;
  /** Start a thread for each conversation begun by a mention in a guild channel. */
  autoThread?: boolean;
  /** Channels where a message needs no mention (all of them when mentions are turned off). */
  freeResponse?: FreeResponse;
  /** Most history pages (100 messages each) fetched per channel after a reconnect. */
  backfillPages?: number;
  state: ChannelState;
}

const HISTORY_PAGE = 100;
const LONG_RATE_LIMIT_MS = 10_000;
const TYPING_EVERY_MS = 8000;

export class DiscordAdapter implements PlatformAdapter {
  readonly id = 'discord';
  readonly capabilities = { edit: true, delete: true, buttons: true, typing: true, files: true, commandMenu: true, buttonTtlMs: INTERACTION_TTL_MS };
  readonly maxMessageLength = DISCORD_MAX_LENGTH;
  private client: Client | undefined;
  private botId = '';
  private appId = '';
  private cursor = 0;
  private readonly interactions = new InteractionTokens(
    () => this.rest,
    () => this.appId || this.botId,
  );
  /** Inbound work, strictly in arrival order (a backfill runs between two live events, never beside them). */
  private chain: Promise<void> = Promise.resolve();
  /** Last message id per known channel: loaded from `state` at connect, kept current in memory and in `state`. */
  private marks = new Map<string, string>();
  private readonly typed = new Map<string, number>();
  /** Per-process prefix of send nonces; with the outbox row id it names one message. */
  private readonly noncePrefix = randomBytes(4).toString('hex');

  constructor(private readonly opts: DiscordOptions) {}

  measure(text: string): number {
    return text.length;
  }

  /** Discord renders Markdown itself. */
  format(markdown: string): string {
    return markdown;
  }

  setCursor(cursor: number): void {
    this.cursor = cursor;
  }

  private get rest() {
    if (!this.client) throw classify(new Error('Discord is not connected'));
    return this.client.rest;
  }

  async run(signal: AbortSignal, onInbound: (batch: InboundEnvelope[], next: number) => Promise<void>, onReady: () => void, onLost?: (why: string) => void): Promise<void> {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.Channel],
      rest: {
        ...(this.opts.apiRoot ? { api: this.opts.apiRoot.replace(/\/+$/, '') } : {}),
        retries: 3,
        timeout: 15_000,
        // Short limits are waited out in memory (as discord.js does); a long one (a global limit, a Cloudflare
        // block) fails the request instead, and the outbox retries it durably after retry_after: a message waiting
        // in memory for minutes would be lost with the process.
        rejectOnRateLimit: (limit) => limit.retryAfter > LONG_RATE_LIMIT_MS,
        // See keep-alive-fetch.ts. What discord.js sends is a string, bytes or a form (files), all of which
        // keepAliveFetch takes, and it reads the Response's status, headers and body. Its types come from its own
        // copy of undici, which the DOM's fetch types do not match: hence the cast.
        makeRequest: keepAliveFetch as unknown as NonNullable<RESTOptions['makeRequest']>,
      },
      allowedMentions: { parse: [] },
      // Messages are read from raw packets and history over REST, never from discord.js's message cache, which by
      // default keeps up to 200 messages in every channel: memory that grew with each conversation.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    });
    this.client = client;
    this.marks = this.opts.state.marks();
    let fail!: (e: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {});
    const emit = async (envs: InboundEnvelope[]) => {
      if (!envs.length) return;
      this.cursor += envs.length;
      await onInbound(envs, this.cursor + 1);
    };
    const enqueue = (work: () => Promise<void>) => {
      this.chain = this.chain.then(work).catch((e) => {
        // A failure to record is fatal for this connection: reconnecting re-reads history from the last mark.
        fail(e instanceof Error ? e : new Error(String(e)));
      });
    };
    client.on('raw', (packet: { t?: string; d?: any }) => {
      if (packet.t === 'READY') {
        this.botId = packet.d.user.id;
        this.appId = packet.d.application?.id ?? packet.d.user.id;
        enqueue(() => this.backfill(emit));
      } else if (packet.t === 'RESUMED') enqueue(() => this.backfill(emit));
      else if (packet.t === 'MESSAGE_CREATE') enqueue(async () => this.consume(packet.d as WireMessage, emit));
      else if (packet.t === 'INTERACTION_CREATE') {
        // Acknowledged (or timed for a late acknowledgement) here, not behind the inbound queue: 3 s is Discord's limit.
        const i = packet.d as WireInteraction;
        if (i.type === 3) this.interactions.clicked(i.id, i.token);
        else if (i.type === 2 && i.data?.name) void this.interactions.command(i.id, i.token, i.data.name).catch(() => {});
        enqueue(async () => emit(this.interaction(i)));
      }
      else if (packet.t === 'THREAD_CREATE' && packet.d.owner_id && packet.d.owner_id === this.botId) this.opts.state.addThread(packet.d.id);
    });
    client.on('error', (e) => fail(e));
    client.on('invalidated', () => fail(new Error('Discord invalidated the session')));
    watchConnection(client, { onReady, onLost: (why) => onLost?.(why), fail });
    const onAbort = () => fail(new Error('stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([client.login(this.opts.token).catch((e) => Promise.reject(classify(e))), failed]);
      await failed;
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await this.chain.catch(() => {});
      await client.destroy();
      this.client = undefined;
    }
  }

  /** One message (live or from history) → an envelope, when it is for the bot; marks the channel as read. */
  private async consume(m: WireMessage, emit: (e: InboundEnvelope[]) => Promise<void>): Promise<void> {
    const env = await this.envelope(m);
    if (env) await emit([env]);
    // Recorded (or not for the bot): from here on, history is read after this message.
    if ((env || this.marks.has(m.channel_id)) && !m.author.bot && newer(m.id, this.marks.get(m.channel_id))) {
      this.marks.set(m.channel_id, m.id);
      this.opts.state.mark(m.channel_id, m.id);
    }
  }

  private async envelope(m: WireMessage): Promise<InboundEnvelope | undefined> {
    if (!m.author || m.author.bot || m.author.id === this.botId) return undefined;
    if (m.type !== undefined && m.type !== 0 && m.type !== 19) return undefined; // joins, pins, thread notices…
    const base = {
      platform: this.id,
      cursor: this.cursor + 1,
      userId: m.author.id,
      userName: displayName(m.author),
      messageId: m.id,
      attachments: attachmentsOf(m),
      replyTo: m.message_reference?.message_id ? { messageId: m.message_reference.message_id, fromBot: m.referenced_message?.author?.id === this.botId } : undefined,
    };
    if (!m.guild_id) return { ...base, chatId: m.channel_id, chatType: 'dm', text: m.content, mentioned: true };
    // The author's roles in this guild only: a role held in some other server the bot shares must not let them in.
    if (m.member?.roles?.length) Object.assign(base, { roles: m.member.roles });
    const parent = this.parentOf(m.channel_id);
    if (parent) Object.assign(base, { parentChatId: parent });
    const text = stripMention(m.content, this.botId);
    const thread = this.opts.state.ownsThread(m.channel_id) || (this.client?.channels.cache.get(m.channel_id) as { ownerId?: string } | undefined)?.ownerId === this.botId;
    // A thread the bot started is its conversation: everything said there is for it.
    if (thread) return { ...base, chatId: m.channel_id, chatType: 'forum', threadId: m.channel_id, text, mentioned: true };
    // A free channel is one conversation space, like a group chat: answered in place, never a thread per message.
    const free = !!this.opts.freeResponse?.(m.channel_id, parent);
    const addressed = mentionsBot(m, this.botId) || !!base.replyTo?.fromBot || free;
    if (!addressed) return undefined;
    if (this.opts.autoThread !== false && !free) {
      // The conversation's id is the thread's: Discord gives a thread started on a message that message's id. The
      // thread itself is made with the first reply — only once the gateway has let this user in.
      this.opts.state.planThread(m.id, m.channel_id, (text.split('\n')[0] || 'Conversation').slice(0, 90));
      return { ...base, chatId: m.id, chatType: 'forum', threadId: m.id, text, mentioned: true, parentChatId: m.channel_id };
    }
    return { ...base, chatId: m.channel_id, chatType: 'group', text, mentioned: true };
  }

  /**
   * Where a reply to `chatId` goes: a planned thread is started first (idempotent: 160004 means it exists, with the
   * message's id); when threads cannot be made there, the reply goes to the parent channel, answering the message.
   */
  private async target(chatId: string): Promise<{ channelId: string; replyTo?: string }> {
    const plan = this.opts.state.plannedThread(chatId);
    if (!plan) return { channelId: chatId };
    if (plan.failed) return { channelId: plan.parentId, replyTo: chatId };
    try {
      await this.rest.post(Routes.threads(plan.parentId, chatId), { body: { name: plan.name, auto_archive_duration: 1440 } });
    } catch (e) {
      if ((e as { code?: number }).code !== 160004) {
        const p = classify(e);
        if (p.kind !== 'permanent') throw p;
        this.opts.state.threadFailed(chatId);
        return { channelId: plan.parentId, replyTo: chatId };
      }
    }
    this.opts.state.addThread(chatId);
    return { channelId: chatId };
  }

  /** The channel `id` is a thread of: one the bot started (kept in its state), or one discord.js has cached. */
  private parentOf(id: string): string | undefined {
    const own = this.opts.state.threadParent(id);
    if (own) return own;
    // A text channel's parentId is its category, which is no channel to allow or ignore: threads (10–12) only.
    const ch = this.client?.channels.cache.get(id) as { type?: number; parentId?: string | null } | undefined;
    return ch && ch.type !== undefined && ch.type >= 10 && ch.type <= 12 ? ch.parentId ?? undefined : undefined;
  }

  private interaction(i: WireInteraction): InboundEnvelope[] {
    const user = i.member?.user ?? i.user;
    if (!user || !i.channel_id) return [];
    const chatType: ChatType = !i.guild_id ? 'dm' : this.opts.state.ownsThread(i.channel_id) ? 'forum' : 'group';
    const parent = i.guild_id ? this.parentOf(i.channel_id) : undefined;
    const base: Omit<InboundEnvelope, 'text'> = {
      platform: this.id,
      cursor: this.cursor + 1,
      chatId: i.channel_id,
      chatType,
      ...(chatType === 'forum' ? { threadId: i.channel_id } : {}),
      userId: user.id,
      userName: displayName(user),
      messageId: `i${i.id}`,
      attachments: [],
      mentioned: true,
      ...(i.guild_id && i.member?.roles?.length ? { roles: i.member.roles } : {}),
      ...(parent ? { parentChatId: parent } : {}),
    };
    if (i.type === 3 && i.data?.custom_id && i.message)
      return [{ ...base, text: '', callback: { id: i.id, data: i.data.custom_id, messageId: i.message.id } }];
    if (i.type === 2 && i.data?.name) {
      const args = i.data.options?.find((o) => o.name === 'args')?.value;
      return [{ ...base, text: `/${i.data.name}${args ? ` ${String(args)}` : ''}` }];
    }
    return [];
  }

  /** Every known channel's history after its last seen message, oldest first, through the same mapping. */
  private async backfill(emit: (e: InboundEnvelope[]) => Promise<void>): Promise<void> {
    for (const [channelId, last] of [...this.marks]) {
      let after = last;
      for (let page = 0; page < (this.opts.backfillPages ?? 10); page++) {
        let batch: WireMessage[];
        try {
          batch = (await this.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ after, limit: String(HISTORY_PAGE) }) })) as WireMessage[];
        } catch (e) {
          const p = classify(e);
          if (p.kind === 'permanent') break; // the channel is gone or closed to the bot
          throw p;
        }
        batch.sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
        for (const m of batch) if (newer(m.id, after)) await this.consume(m, emit);
        if (batch.length < HISTORY_PAGE) break;
        after = batch.at(-1)!.id;
      }
    }
  }

  private nonce(opts?: SendOptions): Record<string, unknown> {
    return opts?.idempotencyKey ? { nonce: `${this.noncePrefix}${opts.idempotencyKey}`.slice(0, 25), enforce_nonce: true } : {};
  }

  private components(opts?: SendOptions): unknown[] {
    return (opts?.buttons ?? []).map((row) => ({
      type: 1,
      components: row.slice(0, 5).map((b) => ({ type: 2, style: /deny/i.test(b.data) ? 4 : /once/.test(b.data) ? 3 : 2, label: b.text.slice(0, 80), custom_id: b.data.slice(0, 100) })),
    }));
  }

  async send(chatId: string, text: string, opts?: SendOptions): Promise<{ messageId: string }> {
    try {
      const to = await this.target(chatId);
      const replyTo = opts?.replyTo ?? to.replyTo;
      const body = {
        content: text,
        allowed_mentions: { parse: [] },
        ...this.nonce(opts),
        ...(opts?.buttons ? { components: this.components(opts) } : {}),
        ...(replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {}),
      };
      const m = (await this.rest.post(Routes.channelMessages(to.channelId), { body })) as { id: string };
      return { messageId: m.id };
    } catch (e) {
      throw classify(e);
    }
  }

  async edit(chatId: string, messageId: string, text: string, opts?: SendOptions): Promise<void> {
    try {
      await this.rest.patch(Routes.channelMessage(this.placed(chatId), messageId), { body: { content: text, components: this.components(opts), allowed_mentions: { parse: [] } } });
    } catch (e) {
      throw classify(e);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    try {
      await this.rest.delete(Routes.channelMessage(this.placed(chatId), messageId));
    } catch (e) {
      throw classify(e);
    }
  }

  async sendFile(chatId: string, name: string, data: Buffer, opts?: { threadId?: string; caption?: string }): Promise<{ messageId: string }> {
    try {
      const to = await this.target(chatId);
      const m = (await this.rest.post(Routes.channelMessages(to.channelId), {
        body: { content: opts?.caption ?? '', allowed_mentions: { parse: [] }, attachments: [{ id: 0, filename: name }] },
        files: [{ name, data }],
      })) as { id: string };
      return { messageId: m.id };
    } catch (e) {
      throw classify(e);
    }
  }

  /** The channel a conversation's messages are in (the parent when its thread could not be started). */
  private placed(chatId: string): string {
    const plan = this.opts.state.plannedThread(chatId);
    return plan?.failed ? plan.parentId : chatId;
  }

  /**
   * Discord shows "typing…" for about 10 s per call and counts every call against the bot's 50 requests/s, which
   * replies need more: one call per channel per TYPING_EVERY_MS.
   */
  async typing(chatId: string): Promise<void> {
    const plan = this.opts.state.plannedThread(chatId);
    const channel = plan ? plan.parentId : chatId;
    const now = Date.now();
    if (now - (this.typed.get(channel) ?? 0) < TYPING_EVERY_MS) return;
    this.typed.set(channel, now);
    if (this.typed.size > 10_000) this.typed.clear();
    await this.rest.post(Routes.channelTyping(channel)).catch(() => {});
  }

  /** A click's answer, seen by the clicker only (ephemeral). */
  async answerCallback(callbackId: string, text: string): Promise<void> {
    try {
      await this.interactions.answer(callbackId, text);
    } catch (e) {
      throw classify(e);
    }
  }

  async setCommands(commands: { command: string; description: string }[]): Promise<void> {
    try {
      await this.rest.put(Routes.applicationCommands(this.appId || this.botId), { body: applicationCommands(commands) });
    } catch (e) {
      throw classify(e);
    }
  }

  async downloadFile(fileId: string): Promise<Buffer> {
    if (!/^https?:\/\//.test(fileId)) throw new Error('not a Discord attachment URL');
    const res = await fetch(fileId);
    if (!res.ok) throw new Error(`Discord attachment download failed: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}
