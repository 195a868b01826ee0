// A fake Slack on 127.0.0.1 that real @slack/bolt talks to: the Web API (`slackApiUrl`, fake-slack-api.ts) and, here,
// the Socket Mode WebSocket (hello, events_api / interactive / slash_commands envelopes that must be acked with their
// envelope_id, disconnect messages, automatic pongs). Like Slack, an envelope not acked in time is sent again (retry_attempt + 1), also on
// the next connection when the socket dropped. Tests inject user messages, button taps and slash commands, read what
// the bot posted, and break things: faults per Web API method (429 with Retry-After, 502, platform errors, a cut
// connection), a dropped socket, a socket that stops answering (no pongs, no frames), a failing connections.open.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeSlackWebApi, type SlackMessage } from './fake-slack-api';

export { SLACK_TEXT_LIMIT, type SlackFault, type SlackMessage } from './fake-slack-api';

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

export class FakeSlack extends FakeSlackWebApi {
  /** Envelope ids the bot acknowledged, with the ack's payload. */
  readonly acks = new Map<string, unknown>();
  /** Every socket connection ever opened (closed ones included). */
  connections = 0;
  /** How long an envelope may stay unacked before it is sent again (Slack: about 3 s). */
  ackTimeoutMs = 3000;
  /** Redeliveries Slack makes before giving up on an envelope. */
  maxRetries = 3;
  private pending: Pending[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  private sockets = new Set<Socket>();
  private live: WebSocket | undefined;
  private stalled = new Set<WebSocket>();
  private retryTimer: NodeJS.Timeout | undefined;

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


  // ---- what users do ----


  /**
   * A user posts a message. In a channel, a mention of the bot (`mention: true` puts `<@bot>` in front) also
   * produces an app_mention event, as Slack does when the app subscribes to both. Returns the message ts.
   */
  userSends(o: {
    user: string;
    text: string;
    channel?: string;
    channelType?: 'im' | 'channel' | 'group' | 'mpim';
    threadTs?: string;
    mention?: boolean;
    file?: { name: string; mimetype: string; data: Buffer };
    /** false: Slack never delivers it (it gave up retrying while the app was away); only history has it. */
    deliver?: boolean;
  }): string {
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
    this.userPosts.push(event);
    if (o.deliver === false) return ts;
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


}
