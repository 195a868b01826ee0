// A fake Slack on 127.0.0.1 that real @slack/bolt talks to: the Web API (`slackApiUrl`: auth.test,
// apps.connections.open, chat.postMessage/update/delete/postEphemeral, users.info) and the Socket Mode WebSocket
// (hello, events_api / interactive / slash_commands envelopes that must be acked with their envelope_id, disconnect
// messages, automatic pongs). Like Slack, an envelope not acked in time is sent again (retry_attempt + 1), also on
// the next connection when the socket dropped. Tests inject user messages, button taps and slash commands, read what
// the bot posted, and break things: faults per Web API method (429 with Retry-After, 502, platform errors, a cut
// connection), a dropped socket, a socket that stops answering (no pongs, no frames), a failing connections.open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  mrkdwn: boolean;
  blocks?: any[];
  /** Every text the message had, oldest first (updates append). */
  history: string[];
  deleted: boolean;
}

export type SlackFault = { status: 429; retryAfter: number } | { status: 502 } | { error: string } | { drop: true };

interface Envelope {
  envelope_id: string;
  type: 'events_api' | 'interactive' | 'slash_commands';
  payload: any;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

interface Pending {
  env: Envelope;
  /** The connection it was last sent on, and when. */
  sentOn?: WebSocket;
  sentAt?: number;
}

/** Slack's own limit for a message's text. */
export const SLACK_TEXT_LIMIT = 40_000;
const SECTION_TEXT_LIMIT = 3000;

export class FakeSlack {
  readonly botToken = 'xoxb-1111-2222-TESTbotTOKENforTheFake';
  readonly appToken = 'xapp-1-A111-3333-TESTappTOKENforTheFake';
  readonly teamId = 'T0TEST';
  readonly botUserId = 'UBOT0001';
  readonly botId = 'BBOT0001';
  readonly appId = 'A0TEST';
  readonly messages: SlackMessage[] = [];
  readonly ephemerals: { channel: string; user: string; text: string; threadTs?: string }[] = [];
  /** Files shared through the upload flow (getUploadURLExternal → upload → completeUploadExternal). */
  readonly files: { id: string; name: string; data?: Buffer; channel?: string; threadTs?: string; comment?: string; shared: boolean }[] = [];
  readonly calls: { method: string; params: Record<string, any>; at: number }[] = [];
  /** Called whenever the bot posts or updates a message (benchmarks time replies with it). */
  onMessage: ((m: SlackMessage) => void) | undefined;
  /** Envelope ids the bot acknowledged, with the ack's payload. */
  readonly acks = new Map<string, unknown>();
  /** Every socket connection ever opened (closed ones included). */
  connections = 0;
  /** How long an envelope may stay unacked before it is sent again (Slack: about 3 s). */
  ackTimeoutMs = 3000;
  /** Redeliveries Slack makes before giving up on an envelope. */
  maxRetries = 3;
  private pending: Pending[] = [];
  private userFiles = new Map<string, Buffer>();
  private faults = new Map<string, SlackFault[]>();
  private openFailures: SlackFault[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  private sockets = new Set<Socket>();
  private live: WebSocket | undefined;
  private stalled = new Set<WebSocket>();
  private watchers: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private clock = 1_700_000_000;
  port = 0;

  static async start(): Promise<FakeSlack> {
    const s = new FakeSlack();
    s.server = createServer((req, res) => void s.handle(req, res));
    s.server.on('connection', (sock) => {
      s.sockets.add(sock);
      sock.on('close', () => s.sockets.delete(sock));
    });
    s.wss = new WebSocketServer({ server: s.server, path: '/link' });
    s.wss.on('connection', (ws) => s.onSocket(ws));
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
    s.port = (s.server.address() as AddressInfo).port;
    s.retryTimer = setInterval(() => s.redeliverDue(), 200);
    return s;
  }

  /** The Web API base, with the trailing slash bolt needs. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  get connected(): boolean {
    return !!this.live && !this.stalled.has(this.live);
  }

  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    for (const ws of this.wss.clients) ws.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Forgets queued envelopes and faults (between tests). */
  reset(): void {
    this.pending = [];
    this.faults.clear();
    this.openFailures = [];
  }

  /** Queues faults for the next calls of a Web API method (one per call). */
  fail(method: string, ...faults: SlackFault[]): void {
    if (method === 'apps.connections.open') this.openFailures.push(...faults);
    else this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  // ---- what users do ----

  private nextTs(): string {
    this.clock += 1;
    return `${this.clock}.${String(++this.seq).padStart(6, '0')}`;
  }

  /**
   * A user posts a message. In a channel, a mention of the bot (`mention: true` puts `<@bot>` in front) also
   * produces an app_mention event, as Slack does when the app subscribes to both. Returns the message ts.
   */
  userSends(o: { user: string; text: string; channel?: string; channelType?: 'im' | 'channel' | 'group' | 'mpim'; threadTs?: string; mention?: boolean; file?: { name: string; mimetype: string; data: Buffer } }): string {
    const channelType = o.channelType ?? 'im';
    const channel = o.channel ?? `D${o.user}`;
    const ts = this.nextTs();
    const text = o.mention ? `<@${this.botUserId}> ${o.text}` : o.text;
    const event: Record<string, unknown> = { type: 'message', channel, user: o.user, text, ts, event_ts: ts, channel_type: channelType, team: this.teamId };
    if (o.threadTs) event.thread_ts = o.threadTs;
    if (o.file) {
      // Like Slack: the bytes are behind url_private_download, readable with the bot token only.
      const id = `F${String(++this.seq).padStart(8, '0')}`;
      this.userFiles.set(id, o.file.data);
      event.subtype = 'file_share';
      event.files = [{ id, name: o.file.name, mimetype: o.file.mimetype, size: o.file.data.length, url_private_download: `http://127.0.0.1:${this.port}/files-pri/${id}/${encodeURIComponent(o.file.name)}` }];
    }
    this.push('events_api', this.callback(event));
    if (channelType !== 'im' && text.includes(`<@${this.botUserId}>`)) {
      const mention: Record<string, unknown> = { ...event, type: 'app_mention' };
      delete mention.channel_type;
      this.push('events_api', this.callback(mention));
    }
    return ts;
  }

  /**
   * A tap on a button of a message the bot posted. `button` is the button as the user's client showed it (a stale
   * view may still show buttons the message no longer has, which is how late taps happen).
   */
  tap(o: { user: string; message: SlackMessage; button: { action_id: string; value: string; text?: unknown }; userName?: string }): string {
    const button = o.button;
    const trigger = `${++this.seq}.${this.clock}.trigger`;
    this.push('interactive', {
      type: 'block_actions',
      user: { id: o.user, username: o.userName ?? o.user.toLowerCase(), name: o.userName ?? o.user.toLowerCase(), team_id: this.teamId },
      api_app_id: this.appId,
      token: 'verification-token',
      container: { type: 'message', message_ts: o.message.ts, channel_id: o.message.channel, is_ephemeral: false, ...(o.message.threadTs ? { thread_ts: o.message.threadTs } : {}) },
      trigger_id: trigger,
      team: { id: this.teamId, domain: 'test' },
      channel: { id: o.message.channel, name: o.message.channel.startsWith('D') ? 'directmessage' : 'general' },
      message: { type: 'message', ts: o.message.ts, text: o.message.text, user: this.botUserId, bot_id: this.botId, ...(o.message.threadTs ? { thread_ts: o.message.threadTs } : {}) },
      response_url: `http://127.0.0.1:${this.port}/actions/${trigger}`,
      actions: [{ action_id: button.action_id, block_id: 'b', text: button.text, value: button.value, type: 'button', action_ts: this.nextTs() }],
    });
    return trigger;
  }

  /** `/hermes <text>` typed in a channel or DM. */
  slash(o: { user: string; text: string; channel?: string; command?: string }): string {
    const channel = o.channel ?? `D${o.user}`;
    const trigger = `${++this.seq}.${this.clock}.trigger`;
    const env = this.push('slash_commands', {
      token: 'verification-token',
      team_id: this.teamId,
      team_domain: 'test',
      channel_id: channel,
      channel_name: channel.startsWith('D') ? 'directmessage' : 'general',
      user_id: o.user,
      user_name: o.user.toLowerCase(),
      command: o.command ?? '/hermes',
      text: o.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: `http://127.0.0.1:${this.port}/commands/${trigger}`,
      trigger_id: trigger,
    });
    return env.envelope_id;
  }

  private callback(event: Record<string, unknown>): Record<string, unknown> {
    return {
      token: 'verification-token',
      team_id: this.teamId,
      api_app_id: this.appId,
      event,
      type: 'event_callback',
      event_id: `Ev${String(++this.seq).padStart(8, '0')}`,
      event_time: this.clock,
      authorizations: [{ team_id: this.teamId, user_id: this.botUserId, is_bot: true }],
    };
  }

  private push(type: Envelope['type'], payload: any): Envelope {
    const env: Envelope = { envelope_id: `env-${++this.seq}-${Math.random().toString(36).slice(2, 8)}`, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' };
    const p: Pending = { env };
    this.pending.push(p);
    this.sendPending(p);
    return env;
  }

  /** Sends an envelope that was acked already once more, as Slack does after a lost ack (same event_id). */
  redeliver(envelopeId: string): void {
    const sent = this.calls.find((c) => c.method === 'ws:envelope' && c.params.envelope_id === envelopeId);
    if (!sent) throw new Error(`unknown envelope ${envelopeId}`);
    const env: Envelope = { ...(sent.params as Envelope), retry_attempt: (sent.params.retry_attempt ?? 0) + 1, retry_reason: 'timeout' };
    const p: Pending = { env };
    this.pending.push(p);
    this.sendPending(p);
  }

  /** Envelope ids that carried this message ts (the message event and any app_mention). */
  envelopesFor(ts: string): string[] {
    return this.calls.filter((c) => c.method === 'ws:envelope' && c.params.payload?.event?.ts === ts).map((c) => c.params.envelope_id);
  }

  // ---- the socket ----

  private onSocket(ws: WebSocket): void {
    this.connections++;
    // Slack replaces an old connection; a stalled one is simply gone.
    for (const old of this.stalled) old.terminate();
    this.stalled.clear();
    this.live = ws;
    ws.on('message', (data) => this.onFrame(ws, data.toString()));
    ws.on('close', () => {
      if (this.live === ws) this.live = undefined;
      this.changed();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: this.appId } }));
    // Unacked envelopes wait for a connection (or were sent on one that died): send them now.
    for (const p of this.pending) this.sendPending(p);
    this.changed();
  }

  private onFrame(ws: WebSocket, raw: string): void {
    if (this.stalled.has(ws)) return;
    let msg: any;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg.envelope_id) return;
    this.calls.push({ method: 'ws:ack', params: msg, at: Date.now() });
    this.acks.set(msg.envelope_id, msg.payload);
    this.pending = this.pending.filter((p) => p.env.envelope_id !== msg.envelope_id);
    this.changed();
  }

  private sendPending(p: Pending): void {
    const ws = this.live;
    if (!ws || this.stalled.has(ws) || ws.readyState !== ws.OPEN) return;
    if (p.sentOn === ws) return;
    if (p.sentOn) p.env = { ...p.env, retry_attempt: p.env.retry_attempt + 1, retry_reason: 'timeout' };
    p.sentOn = ws;
    p.sentAt = Date.now();
    this.calls.push({ method: 'ws:envelope', params: p.env, at: Date.now() });
    ws.send(JSON.stringify(p.env));
  }

  private redeliverDue(): void {
    const now = Date.now();
    for (const p of [...this.pending]) {
      if (p.sentAt === undefined || now - p.sentAt < this.ackTimeoutMs) continue;
      if (p.env.retry_attempt >= this.maxRetries) {
        this.pending = this.pending.filter((x) => x !== p);
        continue;
      }
      p.sentOn = undefined; // send again, on whatever connection is live
      p.sentAt = undefined;
      p.env = { ...p.env, retry_attempt: p.env.retry_attempt + 1, retry_reason: 'timeout' };
      this.sendPending(p);
    }
  }

  /** Cuts the TCP connection without a close frame. */
  dropSocket(): void {
    const ws = this.live;
    if (!ws) return;
    this.live = undefined;
    ws.terminate();
  }

  /** Asks the client to reconnect, as Slack does before recycling a server. */
  sendDisconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    this.live?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  /**
   * The connection stays open but goes silent: no pongs, no envelopes, nothing read (a half-dead network path).
   * Envelopes queued meanwhile wait for the next connection.
   */
  stall(): void {
    const ws = this.live;
    if (!ws) return;
    this.stalled.add(ws);
    this.live = undefined;
    (ws as any)._socket?.pause();
  }

  // ---- helpers for tests ----

  sentTo(channel: string): SlackMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted);
  }

  /** Resolves when `pred` holds (checked after every API call and socket frame). */
  async waitFor<T>(pred: () => T | undefined | false | null, timeoutMs = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`fake Slack: timed out waiting for ${what}`);
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
    for (const f of this.watchers.splice(0)) f();
  }

  // ---- the Web API ----

  private async body(req: IncomingMessage): Promise<Record<string, any>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    const out: Record<string, any> = type.includes('application/json') && raw ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    // The WebClient sends nested values (blocks) as JSON strings inside the form.
    for (const k of ['blocks', 'attachments']) if (typeof out[k] === 'string') out[k] = JSON.parse(out[k]);
    return out;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  /** Applies a queued fault; true when the request was answered by it. */
  private fault(f: SlackFault | undefined, res: ServerResponse): boolean {
    if (!f) return false;
    if ('drop' in f) res.socket?.destroy();
    else if ('error' in f) this.json(res, 200, { ok: false, error: f.error });
    else if (f.status === 429) this.json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(f.retryAfter) });
    else {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>502 Bad Gateway</html>');
    }
    return true;
  }

  private validBlocks(blocks: any[] | undefined): string | null {
    for (const b of blocks ?? []) {
      if (b.type === 'section' && (b.text?.text?.length ?? 0) > SECTION_TEXT_LIMIT) return 'invalid_blocks';
      if (b.type === 'actions' && (!Array.isArray(b.elements) || b.elements.some((e: any) => !e.action_id || (e.value ?? '').length > 2000))) return 'invalid_blocks';
    }
    const ids = (blocks ?? []).flatMap((b) => (b.type === 'actions' ? b.elements.map((e: any) => e.action_id) : []));
    return new Set(ids).size === ids.length ? null : 'invalid_blocks';
  }

  /** The upload URL handed out by files.getUploadURLExternal: a multipart POST with the bytes in `body`... or raw. */
  private async upload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = this.files.find((x) => x.id === id);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (!f) return this.json(res, 404, { ok: false });
    const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1]?.replace(/"/g, '');
    if (boundary) {
      const text = raw.toString('latin1');
      for (const part of text.split(`--${boundary}`)) {
        const m = /\r\n\r\n([\s\S]*)\r\n$/.exec(part);
        if (m && /name="body"/.test(part)) f.data = Buffer.from(m[1], 'latin1');
      }
    } else f.data = raw;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${f.data?.length ?? 0}`);
    this.changed();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const up = /^\/upload\/([A-Z0-9]+)$/.exec(url.pathname);
    if (up) return this.upload(up[1], req, res);
    const dl = /^\/files-pri\/([A-Z0-9]+)\//.exec(url.pathname);
    if (dl) {
      this.calls.push({ method: 'files:download', params: { id: dl[1], auth: req.headers.authorization ?? '' }, at: Date.now() });
      const data = this.userFiles.get(dl[1]);
      if (!data || req.headers.authorization !== `Bearer ${this.botToken}`) return this.json(res, 404, { ok: false });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(data);
    }
    const m = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname);
    if (!m) return this.json(res, 404, { ok: false, error: 'unknown_path' });
    const method = m[1];
    const params = await this.body(req);
    this.calls.push({ method, params, at: Date.now() });
    this.changed();
    const auth = req.headers.authorization ?? '';
    if (method === 'apps.connections.open') {
      if (auth !== `Bearer ${this.appToken}`) return this.json(res, 200, { ok: false, error: 'invalid_auth' });
      if (this.fault(this.openFailures.shift(), res)) return;
      return this.json(res, 200, { ok: true, url: `ws://127.0.0.1:${this.port}/link?ticket=${++this.seq}` });
    }
    if (auth !== `Bearer ${this.botToken}`) return this.json(res, 200, { ok: false, error: auth ? 'invalid_auth' : 'not_authed' });
    if (this.fault(this.faults.get(method)?.shift(), res)) return;
    switch (method) {
      case 'auth.test':
        return this.json(res, 200, { ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'hermes', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId, is_enterprise_install: false });
      case 'users.info': {
        const id = String(params.user);
        return this.json(res, 200, { ok: true, user: { id, team_id: this.teamId, name: id.toLowerCase(), real_name: `Real ${id}`, profile: { display_name: `Name${id}`, real_name: `Real ${id}` } } });
      }
      case 'chat.postMessage': {
        const text = String(params.text ?? '');
        if (!text && !params.blocks) return this.json(res, 200, { ok: false, error: 'no_text' });
        if (text.length > SLACK_TEXT_LIMIT) return this.json(res, 200, { ok: false, error: 'msg_too_long' });
        const bad = this.validBlocks(params.blocks);
        if (bad) return this.json(res, 200, { ok: false, error: bad });
        const msg: SlackMessage = {
          channel: String(params.channel),
          ts: this.nextTs(),
          ...(params.thread_ts ? { threadTs: String(params.thread_ts) } : {}),
          text,
          mrkdwn: params.mrkdwn !== 'false' && params.mrkdwn !== false,
          ...(params.blocks?.length ? { blocks: params.blocks } : {}),
          history: [text],
          deleted: false,
        };
        this.messages.push(msg);
        this.onMessage?.(msg);
        this.changed();
        return this.json(res, 200, { ok: true, channel: msg.channel, ts: msg.ts, message: { type: 'message', text, user: this.botUserId, bot_id: this.botId, ts: msg.ts } });
      }
      case 'chat.update': {
        const msg = this.messages.find((x) => x.channel === String(params.channel) && x.ts === String(params.ts) && !x.deleted);
        if (!msg) return this.json(res, 200, { ok: false, error: 'message_not_found' });
        const text = String(params.text ?? '');
        if (text.length > SLACK_TEXT_LIMIT) return this.json(res, 200, { ok: false, error: 'msg_too_long' });
        const bad = this.validBlocks(params.blocks);
        if (bad) return this.json(res, 200, { ok: false, error: bad });
        msg.text = text;
        msg.history.push(text);
        msg.mrkdwn = params.mrkdwn !== 'false' && params.mrkdwn !== false;
        this.onMessage?.(msg);
        // Like Slack: blocks given replace the old ones (an empty list removes them); omitted, they stay.
        if (params.blocks !== undefined) {
          if (params.blocks.length) msg.blocks = params.blocks;
          else delete msg.blocks;
        }
        this.changed();
        return this.json(res, 200, { ok: true, channel: msg.channel, ts: msg.ts, text });
      }
      case 'chat.delete': {
        const msg = this.messages.find((x) => x.channel === String(params.channel) && x.ts === String(params.ts) && !x.deleted);
        if (!msg) return this.json(res, 200, { ok: false, error: 'message_not_found' });
        msg.deleted = true;
        this.changed();
        return this.json(res, 200, { ok: true, channel: msg.channel, ts: msg.ts });
      }
      case 'files.getUploadURLExternal': {
        const id = `F${String(++this.seq).padStart(8, '0')}`;
        this.files.push({ id, name: String(params.filename), shared: false });
        return this.json(res, 200, { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = (typeof params.files === 'string' ? JSON.parse(params.files) : params.files) as { id: string }[];
        const done = list.map((x) => this.files.find((f) => f.id === x.id));
        if (done.some((f) => !f || !f.data)) return this.json(res, 200, { ok: false, error: 'file_not_found' });
        for (const f of done) Object.assign(f!, { shared: true, channel: params.channel_id, ...(params.thread_ts ? { threadTs: String(params.thread_ts) } : {}), ...(params.initial_comment ? { comment: String(params.initial_comment) } : {}) });
        this.changed();
        return this.json(res, 200, { ok: true, files: done.map((f) => ({ id: f!.id, name: f!.name })) });
      }
      case 'chat.postEphemeral': {
        this.ephemerals.push({ channel: String(params.channel), user: String(params.user), text: String(params.text ?? ''), ...(params.thread_ts ? { threadTs: String(params.thread_ts) } : {}) });
        this.changed();
        return this.json(res, 200, { ok: true, message_ts: this.nextTs() });
      }
      default:
        return this.json(res, 200, { ok: false, error: 'unknown_method' });
    }
  }
}
