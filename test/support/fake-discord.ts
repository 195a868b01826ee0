// A fake Discord on 127.0.0.1 that real discord.js talks to: the REST API under /api/v10 and the gateway WebSocket
// on the same port (its URL is what GET /gateway/bot answers). The gateway speaks HELLO, heartbeat ACK,
// IDENTIFY → READY + GUILD_CREATE, dispatches (MESSAGE_CREATE, INTERACTION_CREATE, THREAD_CREATE) with sequence
// numbers, and RESUME (replaying what the client missed, like Discord) or refuses it (op 9), so a client has to
// fetch channel history. A connection can be dropped, refused, stalled (heartbeats no longer acknowledged) or closed
// with a close code at IDENTIFY (e.g. 4014, intents not allowed). REST keeps channels and their message history (send/edit/delete with nonce + enforce_nonce
// deduplication, threads from messages, history with `after`), interaction callbacks and application commands.
// Faults per route: 429 with retry_after (per route or global), 502, a connection dropped before or after the
// request took effect.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface DiscordMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: { id: string; username: string; discriminator: string; global_name: string | null; bot?: boolean };
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: { id: string; username: string; discriminator: string; bot?: boolean }[];
  mention_roles: string[];
  attachments: { id: string; filename: string; size: number; url: string; proxy_url: string; content_type?: string }[];
  embeds: unknown[];
  pinned: boolean;
  type: number;
  components?: { type: 1; components: { type: 2; style: number; label: string; custom_id: string }[] }[];
  nonce?: string;
  message_reference?: { message_id: string; channel_id: string };
  referenced_message?: DiscordMessage | null;
  /** Test bookkeeping: every content the message had (edits append) and whether it was deleted. */
  history?: string[];
  deleted?: boolean;
  allowed_mentions?: unknown;
}

export type RestFault =
  | { status: 429; retryAfter: number; global?: boolean }
  | { status: 502 }
  | { status: 400 | 403 | 404; code: number; message: string }
  /** The connection is cut before the request takes effect. */
  | { drop: true }
  /** The request takes effect, then the connection is cut before the response (the ambiguous case). */
  | { dropAfter: true };

interface Channel {
  id: string;
  type: number; // 0 text, 1 DM, 11 public thread
  guild_id?: string;
  parent_id?: string;
  owner_id?: string;
  name?: string;
  recipientId?: string;
}

const EPOCH = 1420070400000n;

export class FakeDiscord {
  readonly token = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.discord-test-token-value';
  readonly bot = { id: '100000000000000001', username: 'hermes', discriminator: '0', global_name: 'Hermes', bot: true };
  readonly guildId = '200000000000000001';
  readonly channelId = '300000000000000001';
  readonly calls: { method: string; route: string; body: any; at: number }[] = [];
  readonly interactionResponses: { id: string; type: number; data?: any }[] = [];
  commands: { name: string; description: string; options?: unknown[] }[] = [];
  identifies = 0;
  resumes = 0;
  /** Whether a RESUME is accepted (events missed meanwhile are replayed) or refused with op 9. */
  acceptResume = true;
  onMessage: ((m: DiscordMessage) => void) | undefined;
  port = 0;
  private server!: Server;
  private wss!: WebSocketServer;
  private sockets = new Set<Socket>();
  private ws: WebSocket | undefined;
  private identified = false;
  private seq = 0;
  private sessionId = 'session-1';
  private sessions = 0;
  /** Every dispatch of the current session, for RESUME replay. */
  private log: { s: number; t: string; d: unknown }[] = [];
  private nextId = 0n;
  private readonly channels = new Map<string, Channel>();
  private readonly history = new Map<string, DiscordMessage[]>();
  private readonly faults = new Map<string, RestFault[]>();
  private watchers: (() => void)[] = [];

  static async start(): Promise<FakeDiscord> {
    const d = new FakeDiscord();
    d.channels.set(d.channelId, { id: d.channelId, type: 0, guild_id: d.guildId, name: 'general' });
    d.server = createServer((req, res) => void d.handle(req, res));
    d.server.keepAliveTimeout = 60_000;
    d.server.on('connection', (s) => {
      d.sockets.add(s);
      s.on('close', () => d.sockets.delete(s));
    });
    d.wss = new WebSocketServer({ server: d.server, path: '/gateway' });
    d.wss.on('connection', (ws) => d.onSocket(ws));
    await new Promise<void>((r) => d.server.listen(0, '127.0.0.1', r));
    d.port = (d.server.address() as AddressInfo).port;
    return d;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A snowflake: increasing, with a timestamp, like Discord's. */
  snowflake(): string {
    this.nextId++;
    return (((BigInt(Date.now()) - EPOCH) << 22n) + this.nextId).toString();
  }

  user(id: string) {
    return { id, username: `user${id.slice(-4)}`, discriminator: '0', global_name: `User ${id.slice(-4)}` };
  }

  /** The DM channel between the bot and a user (created on first use). */
  dmChannel(userId: string): string {
    for (const c of this.channels.values()) if (c.type === 1 && c.recipientId === userId) return c.id;
    const id = this.snowflake();
    this.channels.set(id, { id, type: 1, recipientId: userId });
    return id;
  }

  fail(route: string, ...faults: RestFault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  /** Heartbeat interval announced in HELLO (Discord: ~41 s); short in tests that stall heartbeats. */
  heartbeatMs = 41_250;
  /** When set, IDENTIFY is answered by closing the socket with this code (4004 bad token, 4014 intents…). */
  closeOnIdentify: { code: number; reason: string } | undefined;
  /** Follow-up messages sent on interaction tokens (POST /webhooks/:app/:token). */
  readonly followups: { interactionId: string; data: any }[] = [];
  private stalled: WebSocket | undefined;

  /**
   * What the user was shown for an interaction: the callback's message, or — when the bot acknowledged silently
   * first (type 6, its answer came after Discord's 3 s) — the follow-up's.
   */
  answerOf(interactionId: string): { content: string; flags: number } | undefined {
    const r = this.interactionResponses.find((x) => x.id === interactionId);
    const data = r?.type === 4 ? r.data : this.followups.find((f) => f.interactionId === interactionId)?.data;
    return data ? { content: String(data.content ?? ''), flags: Number(data.flags ?? 0) } : undefined;
  }

  /**
   * The connection stays open but Discord goes quiet on it: heartbeats are no longer acknowledged and nothing is
   * dispatched (a half-dead path). Events meanwhile are kept for a RESUME on the next connection.
   */
  stall(): void {
    this.stalled = this.ws;
    this.identified = false;
  }

  /** Cuts the gateway connection without a close frame (discord.js then tries to RESUME). */
  dropSocket(): void {
    this.identified = false;
    this.ws?.terminate();
    this.ws = undefined;
  }

  get connected(): boolean {
    return !!this.ws && this.identified;
  }

  /**
   * A user posts a message: in a DM (default), the guild channel, or any channel/thread id. It is stored in the
   * channel's history and dispatched (`live: false` keeps it out of the gateway stream: only history has it).
   */
  userSends(o: { userId: string; text: string; channelId?: string; mention?: boolean; replyTo?: string; live?: boolean; roles?: string[]; attachment?: { name: string; data: Buffer; contentType?: string } }): DiscordMessage {
    const channelId = o.channelId ?? this.dmChannel(o.userId);
    const ch = this.channels.get(channelId);
    if (!ch) throw new Error(`fake Discord: no channel ${channelId}`);
    const id = this.snowflake();
    const ref = o.replyTo ? this.find(o.replyTo) : undefined;
    const m: DiscordMessage = {
      id,
      channel_id: channelId,
      ...(ch.guild_id ? { guild_id: ch.guild_id } : {}),
      author: this.user(o.userId),
      content: o.mention ? `<@${this.bot.id}> ${o.text}` : o.text,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: o.mention ? [this.bot] : [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: ref ? 19 : 0,
      ...(ref ? { message_reference: { message_id: ref.id, channel_id: channelId }, referenced_message: this.wire(ref) } : {}),
    };
    if (o.attachment) {
      const aid = this.snowflake();
      this.files.set(aid, o.attachment.data);
      const url = `http://127.0.0.1:${this.port}/attachments/${aid}/${o.attachment.name}`;
      m.attachments.push({ id: aid, filename: o.attachment.name, size: o.attachment.data.length, url, proxy_url: url, content_type: o.attachment.contentType });
    }
    this.push(channelId, m);
    if (o.live !== false) this.dispatch('MESSAGE_CREATE', { ...m, ...(ch.guild_id ? { member: { roles: o.roles ?? [], joined_at: m.timestamp, deaf: false, mute: false, flags: 0 } } : { channel_type: 1 }) });
    return m;
  }

  readonly files = new Map<string, Buffer>();
  private readonly interactionAt = new Map<string, number>();

  private interaction(userId: string, channelId: string, type: number, data: unknown, message?: DiscordMessage): string {
    const ch = this.channels.get(channelId)!;
    const id = this.snowflake();
    const token = `itoken-${id}`;
    this.interactionAt.set(id, Date.now());
    const who = this.user(userId);
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.bot.id,
      type,
      token,
      version: 1,
      channel_id: channelId,
      channel: { id: channelId, type: ch.type },
      ...(ch.guild_id ? { guild_id: ch.guild_id, member: { user: who, roles: [], joined_at: new Date().toISOString(), permissions: '0', deaf: false, mute: false, flags: 0 } } : { user: who }),
      data,
      ...(message ? { message } : {}),
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: {},
      context: ch.guild_id ? 0 : 1,
    });
    return id;
  }

  /** A user clicks a button on one of the bot's messages; returns the interaction id. */
  click(o: { userId: string; messageId: string; customId: string }): string {
    const m = this.find(o.messageId);
    if (!m) throw new Error(`fake Discord: no message ${o.messageId}`);
    return this.interaction(o.userId, m.channel_id, 3, { custom_id: o.customId, component_type: 2 }, m);
  }

  /** A user runs one of the bot's application (slash) commands. */
  slash(o: { userId: string; channelId?: string; name: string; args?: string }): string {
    const cmd = this.commands.find((c) => c.name === o.name);
    if (!cmd) throw new Error(`fake Discord: command /${o.name} is not registered`);
    const channelId = o.channelId ?? this.dmChannel(o.userId);
    return this.interaction(o.userId, channelId, 2, { id: this.snowflake(), name: o.name, type: 1, ...(o.args ? { options: [{ name: 'args', type: 3, value: o.args }] } : {}) });
  }

  /** What the bot posted in a channel (its messages, current text, with edits in `history`). */
  sentTo(channelId: string): DiscordMessage[] {
    return (this.history.get(channelId) ?? []).filter((m) => m.author.id === this.bot.id && !m.deleted);
  }

  /** Every live message the bot posted anywhere. */
  botMessages(): DiscordMessage[] {
    return [...this.history.values()].flat().filter((m) => m.author.id === this.bot.id && !m.deleted);
  }

  channel(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  async waitFor<T>(pred: () => T | undefined | false | null, timeoutMs = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`fake Discord: timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.watchers.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  private changed(): void {
    const w = this.watchers.splice(0);
    for (const f of w) f();
  }

  private find(id: string): DiscordMessage | undefined {
    for (const list of this.history.values()) {
      const m = list.find((x) => x.id === id);
      if (m) return m;
    }
    return undefined;
  }

  private push(channelId: string, m: DiscordMessage): void {
    const list = this.history.get(channelId) ?? [];
    list.push(m);
    this.history.set(channelId, list);
    this.changed();
  }

  // ---- gateway ----

  private send(ws: WebSocket, payload: unknown): void {
    ws.send(JSON.stringify(payload));
  }

  private dispatch(t: string, d: unknown): void {
    const s = ++this.seq;
    this.log.push({ s, t, d });
    if (this.ws && this.identified) this.send(this.ws, { op: 0, t, s, d });
  }

  /** While set, new gateway connections are cut at once (Discord unreachable); the client keeps retrying. */
  refuseConnections = false;

  private onSocket(ws: WebSocket): void {
    if (this.refuseConnections) return void ws.terminate();
    // One connection at a time, like one shard: a new one replaces the old.
    if (this.ws && this.ws !== ws) this.ws.terminate();
    this.ws = ws;
    this.identified = false;
    this.send(ws, { op: 10, d: { heartbeat_interval: this.heartbeatMs } });
    ws.on('message', (raw) => {
      if (this.stalled === ws) return;
      const p = JSON.parse(String(raw));
      if (p.op === 1) return this.send(ws, { op: 11 });
      if (p.op === 2) return this.identify(ws, p.d);
      if (p.op === 6) return this.resume(ws, p.d);
    });
    ws.on('close', () => {
      if (this.ws === ws) {
        this.ws = undefined;
        this.identified = false;
      }
      this.changed();
    });
  }

  private identify(ws: WebSocket, d: { token: string; intents: number }): void {
    if (d.token !== this.token) return ws.close(4004, 'Authentication failed.');
    if (this.closeOnIdentify) return ws.close(this.closeOnIdentify.code, this.closeOnIdentify.reason);
    this.identifies++;
    this.sessionId = `session-${++this.sessions}`;
    this.log = [];
    this.seq = 0;
    this.identified = true;
    this.intents = d.intents;
    const url = `ws://127.0.0.1:${this.port}/gateway`;
    this.dispatch('READY', { v: 10, user: this.bot, guilds: [{ id: this.guildId, unavailable: true }], session_id: this.sessionId, resume_gateway_url: url, shard: [0, 1], application: { id: this.bot.id, flags: 0 } });
    const now = new Date().toISOString();
    this.dispatch('GUILD_CREATE', {
      id: this.guildId,
      name: 'Test guild',
      icon: null,
      owner_id: '999',
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      system_channel_flags: 0,
      premium_tier: 0,
      nsfw_level: 0,
      preferred_locale: 'en-US',
      roles: [{ id: this.guildId, name: '@everyone', permissions: '1071698660929', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      channels: [...this.channels.values()].filter((c) => c.type === 0).map((c) => ({ id: c.id, type: 0, name: c.name, position: 0, permission_overwrites: [], guild_id: this.guildId })),
      threads: [...this.channels.values()].filter((c) => c.type === 11).map((c) => this.threadPayload(c)),
      members: [],
      emojis: [],
      stickers: [],
      features: [],
      member_count: 2,
      large: false,
      joined_at: now,
      unavailable: false,
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
    });
    this.changed();
  }

  intents = 0;

  private resume(ws: WebSocket, d: { session_id: string; seq: number; token: string }): void {
    this.resumes++;
    if (!this.acceptResume || d.session_id !== this.sessionId || d.token !== this.token) {
      this.send(ws, { op: 9, d: false });
      return;
    }
    this.identified = true;
    for (const e of this.log) if (e.s > d.seq) this.send(ws, { op: 0, t: e.t, s: e.s, d: e.d });
    const s = ++this.seq;
    this.log.push({ s, t: 'RESUMED', d: {} });
    this.send(ws, { op: 0, t: 'RESUMED', s, d: {} });
    this.changed();
  }

  private threadPayload(c: Channel) {
    return {
      id: c.id,
      type: 11,
      guild_id: c.guild_id,
      parent_id: c.parent_id,
      owner_id: c.owner_id,
      name: c.name,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  // ---- REST ----

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (status === 204) {
      res.writeHead(204, headers);
      return void res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async body(req: IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const boundary = /boundary=(.+)$/.exec(type)![1];
      const out: any = { files: [] as { name: string; data: Buffer }[] };
      for (const part of raw.toString('latin1').split(`--${boundary}`)) {
        const idx = part.indexOf('\r\n\r\n');
        if (idx < 0) continue;
        const head = part.slice(0, idx);
        const content = part.slice(idx + 4).replace(/\r\n$/, '');
        if (/name="payload_json"/.test(head)) Object.assign(out, JSON.parse(Buffer.from(content, 'latin1').toString('utf8')));
        else {
          const fn = /filename="([^"]+)"/.exec(head);
          if (fn) out.files.push({ name: fn[1], data: Buffer.from(content, 'latin1') });
        }
      }
      return out;
    }
    return raw.length ? JSON.parse(raw.toString('utf8')) : {};
  }

  /** Routes are matched with ids replaced by ':id' (the key faults are queued under, e.g. 'POST /channels/:id/messages'). */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/attachments/')) {
      const data = this.files.get(url.pathname.split('/')[2]);
      if (!data) return this.json(res, 404, { message: 'Not Found', code: 0 });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(data);
    }
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const route = `${req.method} ${path.replace(/\/\d{5,}|\/itoken-\d+/g, '/:id')}`;
    const body = req.method === 'GET' || req.method === 'DELETE' ? {} : await this.body(req);
    this.calls.push({ method: req.method!, route, body, at: Date.now() });
    if (req.headers.authorization !== `Bot ${this.token}` && !route.startsWith('POST /interactions/') && !route.startsWith('POST /webhooks/')) return this.json(res, 401, { message: '401: Unauthorized', code: 0 });
    const fault = this.faults.get(route)?.shift();
    if (fault && 'drop' in fault) return void req.socket.destroy();
    if (fault && 'status' in fault) {
      if (fault.status === 429) {
        const headers: Record<string, string> = { 'retry-after': String(fault.retryAfter), 'x-ratelimit-scope': fault.global ? 'global' : 'user' };
        if (fault.global) headers['x-ratelimit-global'] = 'true';
        return this.json(res, 429, { message: 'You are being rate limited.', retry_after: fault.retryAfter, global: !!fault.global }, headers);
      }
      if (fault.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<html>502 Bad Gateway</html>');
      }
      return this.json(res, fault.status, { message: fault.message, code: fault.code });
    }
    const result = this.route(req.method!, path, url, body);
    if (fault && 'dropAfter' in fault) return void req.socket.destroy();
    this.changed();
    this.json(res, result.status, result.body, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': 'fake' });
  }

  private route(method: string, path: string, url: URL, body: any): { status: number; body: unknown } {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot')
      return { status: 200, body: { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } } };
    if (method === 'PUT' && (m = /^\/applications\/(\d+)\/commands$/.exec(path))) {
      this.commands = body;
      return { status: 200, body: body.map((c: any) => ({ ...c, id: this.snowflake(), application_id: this.bot.id, version: '1', type: 1 })) };
    }
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      // Like Discord: one answer per interaction, within 3 s of it.
      if (this.interactionResponses.some((r) => r.id === m![1])) return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
      if (Date.now() - (this.interactionAt.get(m[1]) ?? 0) > 3000) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
      this.interactionResponses.push({ id: m[1], type: body.type, data: body.data });
      return { status: 204, body: null };
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/typing$/.exec(path))) return { status: 204, body: null };
    if (method === 'POST' && (m = /^\/webhooks\/(\d+)\/itoken-(\d+)$/.exec(path))) {
      // A follow-up needs the interaction to have been answered (deferred) first, as on Discord.
      if (!this.interactionResponses.some((r) => r.id === m![2])) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
      this.followups.push({ interactionId: m[2], data: body });
      return { status: 200, body: { id: this.snowflake(), content: body.content, flags: body.flags ?? 0 } };
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      const parent = this.channels.get(m[1]);
      if (!parent || parent.type !== 0) return { status: 400, body: { message: 'Cannot start a thread here', code: 50024 } };
      if (this.channels.has(m[2])) return { status: 400, body: { message: 'A thread has already been created for this message', code: 160004 } };
      const c: Channel = { id: m[2], type: 11, guild_id: parent.guild_id, parent_id: parent.id, owner_id: this.bot.id, name: body.name };
      this.channels.set(c.id, c);
      this.dispatch('THREAD_CREATE', { ...this.threadPayload(c), newly_created: true });
      return { status: 201, body: this.threadPayload(c) };
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const ch = this.channels.get(m[1]);
      if (!ch) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      const list = this.history.get(ch.id) ?? [];
      if (method === 'GET') {
        const after = url.searchParams.get('after');
        const limit = Number(url.searchParams.get('limit') ?? 50);
        const newer = list.filter((x) => !x.deleted && (!after || BigInt(x.id) > BigInt(after)));
        // Discord returns the oldest `limit` messages after the id, newest first.
        return { status: 200, body: newer.slice(0, limit).reverse().map((x) => this.wire(x)) };
      }
      if (method === 'POST') {
        if (body.enforce_nonce && body.nonce) {
          const same = list.find((x) => x.author.id === this.bot.id && x.nonce === String(body.nonce));
          if (same) return { status: 200, body: this.wire(same) };
        }
        if (!body.content && !body.files?.length) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
        if ((body.content ?? '').length > 2000) return { status: 400, body: { message: 'Invalid Form Body (content: Must be 2000 or fewer in length.)', code: 50035 } };
        const msg: DiscordMessage = {
          id: this.snowflake(),
          channel_id: ch.id,
          ...(ch.guild_id ? { guild_id: ch.guild_id } : {}),
          author: this.bot,
          content: body.content ?? '',
          timestamp: new Date().toISOString(),
          edited_timestamp: null,
          tts: false,
          mention_everyone: false,
          mentions: [],
          mention_roles: [],
          attachments: (body.files ?? []).map((f: { name: string; data: Buffer }) => {
            const aid = this.snowflake();
            this.files.set(aid, f.data);
            return { id: aid, filename: f.name, size: f.data.length, url: `http://127.0.0.1:${this.port}/attachments/${aid}/${f.name}`, proxy_url: '' };
          }),
          embeds: [],
          pinned: false,
          type: 0,
          ...(body.components?.length ? { components: body.components } : {}),
          ...(body.nonce ? { nonce: String(body.nonce) } : {}),
          ...(body.message_reference?.message_id ? { message_reference: { message_id: body.message_reference.message_id, channel_id: ch.id } } : {}),
          allowed_mentions: body.allowed_mentions,
          history: [body.content ?? ''],
        };
        this.push(ch.id, msg);
        this.onMessage?.(msg);
        return { status: 200, body: this.wire(msg) };
      }
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const msg = (this.history.get(m[1]) ?? []).find((x) => x.id === m![2] && !x.deleted);
      if (!msg) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      if (method === 'DELETE') {
        msg.deleted = true;
        return { status: 204, body: null };
      }
      if (method === 'PATCH') {
        if (msg.author.id !== this.bot.id) return { status: 403, body: { message: 'Cannot edit a message authored by another user', code: 50005 } };
        if ((body.content ?? '').length > 2000) return { status: 400, body: { message: 'Invalid Form Body (content: Must be 2000 or fewer in length.)', code: 50035 } };
        if (body.content !== undefined) {
          msg.content = body.content;
          msg.history!.push(body.content);
        }
        if (body.components !== undefined) {
          if (body.components.length) msg.components = body.components;
          else delete msg.components;
        }
        msg.edited_timestamp = new Date().toISOString();
        this.onMessage?.(msg);
        return { status: 200, body: this.wire(msg) };
      }
    }
    return { status: 404, body: { message: `404: Not Found (${method} ${path})`, code: 0 } };
  }

  private wire(m: DiscordMessage): DiscordMessage {
    const { history: _h, deleted: _d, allowed_mentions: _a, ...rest } = m;
    return rest;
  }
}
