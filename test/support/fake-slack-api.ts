// The Web API half of the fake Slack (see fake-slack.ts for the Socket Mode half and what users do): auth.test,
// apps.connections.open, chat.postMessage/update/delete/postEphemeral, users.info, the file upload flow
// (files.getUploadURLExternal → upload → files.completeUploadExternal), private file downloads and
// conversations.history/replies over what users and the bot wrote, with the
// limits Slack enforces (text length, Block Kit sections and buttons) and queued faults per method.
import type { IncomingMessage, ServerResponse } from 'node:http';

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

/** Slack's own limit for a message's text. */
export const SLACK_TEXT_LIMIT = 40_000;
const SECTION_TEXT_LIMIT = 3000;

export class FakeSlackWebApi {
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
  /** Every message users wrote (the `message` events, delivered or not), for conversations.history/replies. */
  protected readonly userPosts: Record<string, any>[] = [];
  protected userFiles = new Map<string, Buffer>();
  protected faults = new Map<string, SlackFault[]>();
  protected openFailures: SlackFault[] = [];
  protected watchers: (() => void)[] = [];
  protected seq = 0;
  protected clock = 1_700_000_000;
  port = 0;

  /** Queues faults for the next calls of a Web API method (one per call). */
  fail(method: string, ...faults: SlackFault[]): void {
    if (method === 'apps.connections.open') this.openFailures.push(...faults);
    else this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  protected nextTs(): string {
    this.clock += 1;
    return `${this.clock}.${String(++this.seq).padStart(6, '0')}`;
  }

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

  protected changed(): void {
    for (const f of this.watchers.splice(0)) f();
  }

  // ---- the Web API ----

  protected async body(req: IncomingMessage): Promise<Record<string, any>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    const out: Record<string, any> = type.includes('application/json') && raw ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    // The WebClient sends nested values (blocks) as JSON strings inside the form.
    for (const k of ['blocks', 'attachments']) if (typeof out[k] === 'string') out[k] = JSON.parse(out[k]);
    return out;
  }

  protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  /** Applies a queued fault; true when the request was answered by it. */
  protected fault(f: SlackFault | undefined, res: ServerResponse): boolean {
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

  protected validBlocks(blocks: any[] | undefined): string | null {
    for (const b of blocks ?? []) {
      if (b.type === 'section' && (b.text?.text?.length ?? 0) > SECTION_TEXT_LIMIT) return 'invalid_blocks';
      if (b.type === 'actions' && (!Array.isArray(b.elements) || b.elements.some((e: any) => !e.action_id || (e.value ?? '').length > 2000))) return 'invalid_blocks';
    }
    const ids = (blocks ?? []).flatMap((b) => (b.type === 'actions' ? b.elements.map((e: any) => e.action_id) : []));
    return new Set(ids).size === ids.length ? null : 'invalid_blocks';
  }

  /** The upload URL handed out by files.getUploadURLExternal: a multipart POST with the bytes in `body`... or raw. */
  protected async upload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
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

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
      case 'conversations.history':
      case 'conversations.replies': {
        // Like Slack: newest first for history (top-level messages and broadcasts), oldest first for replies (the
        // root first, whatever `oldest` says); `oldest` is exclusive; pages by cursor.
        const channel = String(params.channel);
        const root = params.ts ? String(params.ts) : undefined;
        if (method === 'conversations.replies' && !root) return this.json(res, 200, { ok: false, error: 'thread_not_found' });
        const bots = this.messages
          .filter((m) => !m.deleted)
          .map((m) => ({ type: 'message', user: this.botUserId, bot_id: this.botId, text: m.text, ts: m.ts, ...(m.threadTs ? { thread_ts: m.threadTs } : {}), channel: m.channel }));
        const all: Record<string, any>[] = [...this.userPosts, ...bots].filter((m) => m.channel === channel);
        if (!all.length) return this.json(res, 200, { ok: false, error: 'channel_not_found' });
        const after = (m: Record<string, any>) => !params.oldest || m.ts > String(params.oldest);
        const list = root
          ? all.filter((m) => m.ts === root || (m.thread_ts === root && after(m))).sort((a, b) => (a.ts < b.ts ? -1 : 1))
          : all.filter((m) => (!m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast') && after(m)).sort((a, b) => (a.ts < b.ts ? 1 : -1));
        const limit = Math.max(1, Number(params.limit ?? 100));
        const from = Number(params.cursor ?? 0);
        const page = list.slice(from, from + limit).map(({ channel: _c, channel_type: _t, team: _team, event_ts: _e, ...m }) => m);
        const more = from + limit < list.length;
        return this.json(res, 200, { ok: true, messages: page, has_more: more, ...(more ? { response_metadata: { next_cursor: String(from + limit) } } : {}) });
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
