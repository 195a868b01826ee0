// A fake Telegram Bot API on 127.0.0.1 that real grammy talks to (`apiRoot`). It keeps chats, messages and a
// queue of updates: getUpdates long-polls with offset (updates below the offset are confirmed and dropped) and
// timeout; sendMessage / editMessageText / deleteMessage / sendDocument / answerCallbackQuery / setMyCommands /
// sendChatAction / getFile and file downloads behave like Telegram's (ids, 400s for bad HTML entities and
// over-long text). Tests inject user messages and button taps and read what the bot sent; faults (429 with
// retry_after, 502, dropped connections) can be queued per method.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SentMessage {
  chatId: string;
  messageId: number;
  text: string;
  parseMode?: string;
  threadId?: number;
  buttons?: { text: string; callback_data: string }[][];
  /** Every text the message had, oldest first (edits append). */
  history: string[];
  deleted: boolean;
  document?: { name: string; data: Buffer };
}

export type Fault = { status: 429; retryAfter: number } | { status: 502 } | { status: 400; description: string } | { drop: true };

interface Poll {
  offset: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'code', 'pre', 'a', 'tg-spoiler', 'blockquote', 'span']);

/** Telegram's HTML parse mode: known tags, properly nested, entities escaped. Returns an error text or null. */
export function checkTelegramHtml(html: string): string | null {
  const stack: string[] = [];
  const re = /<(\/?)([a-z-]+)([^>]*)>|&([a-z]+|#\d+);|[<>]|&/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[2]) {
      const tag = m[2].toLowerCase();
      if (!ALLOWED_TAGS.has(tag)) return `Unsupported start tag "${tag}"`;
      if (m[1]) {
        if (stack.pop() !== tag) return `Unexpected end tag "${tag}"`;
      } else stack.push(tag);
    } else if (m[4]) {
      if (!/^(lt|gt|amp|quot|#\d+)$/.test(m[4])) return `Unsupported entity "${m[4]}"`;
    } else return `Unexpected character "${m[0]}"`;
  }
  return stack.length ? `Can't find end tag corresponding to start tag "${stack.at(-1)}"` : null;
}

export class FakeTelegram {
  readonly token = '123456:TEST-token-for-the-fake-bot-api';
  readonly botId = 123456;
  readonly botUsername = 'hermes_test_bot';
  readonly messages: SentMessage[] = [];
  readonly calls: { method: string; params: Record<string, any>; at: number }[] = [];
  readonly callbackAnswers: { id: string; text?: string }[] = [];
  commands: { command: string; description: string }[] = [];
  /** Called whenever the bot sends or edits a message (benchmarks time replies with it). */
  onMessage: ((m: SentMessage) => void) | undefined;
  readonly files = new Map<string, Buffer>();
  private updates: { update_id: number; [k: string]: unknown }[] = [];
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  private polls: Poll[] = [];
  private faults = new Map<string, Fault[]>();
  private server!: Server;
  private sockets = new Set<Socket>();
  private watchers: (() => void)[] = [];
  port = 0;

  static async start(): Promise<FakeTelegram> {
    const t = new FakeTelegram();
    t.server = createServer((req, res) => void t.handle(req, res));
    t.server.on('connection', (s) => {
      t.sockets.add(s);
      s.on('close', () => t.sockets.delete(s));
    });
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    t.port = (t.server.address() as AddressInfo).port;
    return t;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const p of this.polls) clearTimeout(p.timer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Queues faults for the next calls of `method` (one fault per call). */
  fail(method: string, ...faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  /** A user sends a message; returns its message id. */
  userSends(o: { userId: number; text?: string; chatId?: number; chatType?: 'private' | 'group' | 'supergroup'; firstName?: string; replyTo?: number; threadId?: number; isForum?: boolean; document?: { name: string; data: Buffer }; photo?: Buffer | Buffer[]; voice?: Buffer }): number {
    const chatId = o.chatId ?? o.userId;
    const messageId = this.nextMessageId++;
    const from = { id: o.userId, is_bot: false, first_name: o.firstName ?? `User${o.userId}` };
    const chat = o.chatType && o.chatType !== 'private' ? { id: chatId, type: o.chatType, title: 'A group', ...(o.isForum ? { is_forum: true } : {}) } : { id: chatId, type: 'private', first_name: from.first_name };
    const message: Record<string, unknown> = { message_id: messageId, date: Math.floor(Date.now() / 1000), from, chat };
    if (o.text !== undefined) message[o.document || o.photo ? 'caption' : 'text'] = o.text;
    if (o.threadId) message.message_thread_id = o.threadId;
    if (o.replyTo) {
      const orig = this.messages.find((m) => m.messageId === o.replyTo);
      message.reply_to_message = { message_id: o.replyTo, date: 0, chat, from: orig ? { id: this.botId, is_bot: true, first_name: 'bot' } : from, text: orig?.text ?? '' };
    }
    if (o.document) {
      const id = `doc-${messageId}`;
      this.files.set(id, o.document.data);
      message.document = { file_id: id, file_unique_id: id, file_name: o.document.name, file_size: o.document.data.length };
    }
    if (o.photo) {
      // Several sizes of one photo, smallest first, as Telegram sends them.
      message.photo = (Array.isArray(o.photo) ? o.photo : [o.photo]).map((data, i) => {
        const id = `photo-${messageId}-${i}`;
        this.files.set(id, data);
        return { file_id: id, file_unique_id: id, width: 100 * (i + 1), height: 100 * (i + 1), file_size: data.length };
      });
    }
    if (o.voice) {
      const id = `voice-${messageId}`;
      this.files.set(id, o.voice);
      message.voice = { file_id: id, file_unique_id: id, duration: 1, mime_type: 'audio/ogg', file_size: o.voice.length };
    }
    this.push({ message });
    return messageId;
  }

  /** A user taps an inline button on one of the bot's messages. */
  tap(o: { userId: number; messageId: number; data: string }): string {
    const m = this.messages.find((x) => x.messageId === o.messageId);
    if (!m) throw new Error(`no bot message ${o.messageId}`);
    const id = `cb-${this.nextUpdateId}`;
    const chatId = Number(m.chatId);
    this.push({
      callback_query: {
        id,
        from: { id: o.userId, is_bot: false, first_name: `User${o.userId}` },
        chat_instance: 'x',
        data: o.data,
        message: { message_id: m.messageId, date: 0, chat: { id: chatId, type: chatId > 0 ? 'private' : 'group' }, text: m.text },
      },
    });
    return id;
  }

  private push(u: Record<string, unknown>): void {
    this.updates.push({ update_id: this.nextUpdateId++, ...u });
    this.servePolls();
  }

  /** Forgets unconfirmed updates (between tests: a new bot home must not see the last test's messages). */
  dropUpdates(): void {
    this.updates = [];
    this.faults.clear();
  }

  /** Updates not yet confirmed by an offset. */
  pendingUpdates(): number {
    return this.updates.length;
  }

  sentTo(chatId: number | string): SentMessage[] {
    return this.messages.filter((m) => m.chatId === String(chatId) && !m.deleted);
  }

  /** Resolves when `pred` holds (checked after every API call). */
  async waitFor<T>(pred: () => T | undefined | false | null, timeoutMs = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`fake Telegram: timed out waiting for ${what}`);
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

  private servePolls(): void {
    for (const p of [...this.polls]) {
      const ready = this.updates.filter((u) => u.update_id >= p.offset);
      if (!ready.length) continue;
      clearTimeout(p.timer);
      this.polls = this.polls.filter((x) => x !== p);
      this.ok(p.res, ready.slice(0, 100));
    }
  }

  private ok(res: ServerResponse, result: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, result }));
  }

  private err(res: ServerResponse, code: number, description: string, extra: Record<string, unknown> = {}): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error_code: code, description, ...extra }));
  }

  private async body(req: IncomingMessage): Promise<Record<string, any>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    const out: Record<string, any> = Object.fromEntries(url.searchParams);
    if (type.includes('application/json') && raw.length) Object.assign(out, JSON.parse(raw.toString('utf8')));
    else if (type.includes('multipart/form-data')) {
      const boundary = /boundary=(.+)$/.exec(type)![1].replace(/"/g, '');
      const text = raw.toString('latin1');
      for (const part of text.split(`--${boundary}`)) {
        const m = /Content-Disposition: form-data; name="([^"]+)"(?:; filename="([^"]*)")?[\s\S]*?\r\n\r\n([\s\S]*)\r\n$/i.exec(part);
        if (!m) continue;
        if (m[2] !== undefined) out[`file:${m[1]}`] = { name: m[2], data: Buffer.from(m[3], 'latin1') };
        else out[m[1]] = Buffer.from(m[3], 'latin1').toString('utf8');
      }
      // grammy sends the file field as attach://<id>
      for (const [k, v] of Object.entries(out)) if (typeof v === 'string' && v.startsWith('attach://')) out[k] = out[`file:${v.slice(9)}`];
    }
    for (const k of ['reply_markup', 'allowed_updates', 'commands', 'reply_parameters', 'link_preview_options'])
      if (typeof out[k] === 'string') out[k] = JSON.parse(out[k]);
    return out;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const data = this.files.get(decodeURIComponent(file[2]).replace(/^files\//, ''));
      if (!data) return this.err(res, 404, 'Not Found');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(data);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!m) return this.err(res, 404, 'Not Found');
    if (m[1] !== this.token) return this.err(res, 401, 'Unauthorized');
    const method = m[2];
    const params = await this.body(req);
    this.calls.push({ method, params, at: Date.now() });
    const fault = this.faults.get(method)?.shift();
    if (fault) {
      this.changed();
      if ('drop' in fault) return void req.socket.destroy();
      if (fault.status === 429) return this.err(res, 429, `Too Many Requests: retry after ${fault.retryAfter}`, { parameters: { retry_after: fault.retryAfter } });
      if (fault.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<html><body>502 Bad Gateway</body></html>');
      }
      return this.err(res, fault.status, fault.description);
    }
    try {
      this.dispatch(method, params, res);
    } finally {
      this.changed();
    }
  }

  private dispatch(method: string, p: Record<string, any>, res: ServerResponse): void {
    const chatId = p.chat_id !== undefined ? String(p.chat_id) : '';
    switch (method) {
      case 'getMe':
        return this.ok(res, { id: this.botId, is_bot: true, first_name: 'Hermes', username: this.botUsername, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'getUpdates': {
        const offset = Number(p.offset ?? 0);
        if (offset) this.updates = this.updates.filter((u) => u.update_id >= offset);
        const ready = this.updates.slice(0, 100);
        const timeout = Number(p.timeout ?? 0);
        if (ready.length || !timeout) return this.ok(res, ready);
        const poll: Poll = { offset, res, timer: setTimeout(() => {
          this.polls = this.polls.filter((x) => x !== poll);
          this.ok(res, []);
        }, timeout * 1000) };
        res.on('close', () => {
          clearTimeout(poll.timer);
          this.polls = this.polls.filter((x) => x !== poll);
        });
        this.polls.push(poll);
        return;
      }
      case 'sendMessage': {
        const bad = this.validate(String(p.text ?? ''), p.parse_mode);
        if (bad) return this.err(res, 400, bad);
        const msg: SentMessage = {
          chatId,
          messageId: this.nextMessageId++,
          text: String(p.text),
          parseMode: p.parse_mode,
          threadId: p.message_thread_id,
          buttons: p.reply_markup?.inline_keyboard,
          history: [String(p.text)],
          deleted: false,
        };
        this.messages.push(msg);
        this.onMessage?.(msg);
        return this.ok(res, { message_id: msg.messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: 'private' }, text: msg.text });
      }
      case 'editMessageText': {
        const msg = this.messages.find((x) => x.chatId === chatId && x.messageId === Number(p.message_id));
        if (!msg) return this.err(res, 400, 'Bad Request: message to edit not found');
        const bad = this.validate(String(p.text ?? ''), p.parse_mode);
        if (bad) return this.err(res, 400, bad);
        const buttons = p.reply_markup?.inline_keyboard;
        if (msg.text === String(p.text) && msg.parseMode === p.parse_mode && JSON.stringify(msg.buttons ?? []) === JSON.stringify(buttons ?? []))
          return this.err(res, 400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        msg.text = String(p.text);
        msg.parseMode = p.parse_mode;
        msg.buttons = buttons?.length ? buttons : undefined;
        msg.history.push(msg.text);
        this.onMessage?.(msg);
        return this.ok(res, { message_id: msg.messageId, date: 0, chat: { id: Number(chatId), type: 'private' }, text: msg.text });
      }
      case 'deleteMessage': {
        const msg = this.messages.find((x) => x.chatId === chatId && x.messageId === Number(p.message_id));
        if (!msg) return this.err(res, 400, 'Bad Request: message to delete not found');
        msg.deleted = true;
        return this.ok(res, true);
      }
      case 'sendDocument': {
        const doc = p.document as { name: string; data: Buffer } | undefined;
        if (!doc?.data) return this.err(res, 400, 'Bad Request: there is no document in the request');
        const msg: SentMessage = { chatId, messageId: this.nextMessageId++, text: String(p.caption ?? ''), history: [], deleted: false, document: doc };
        this.messages.push(msg);
        return this.ok(res, { message_id: msg.messageId, date: 0, chat: { id: Number(chatId), type: 'private' } });
      }
      case 'answerCallbackQuery':
        this.callbackAnswers.push({ id: String(p.callback_query_id), text: p.text });
        return this.ok(res, true);
      case 'setMyCommands':
        this.commands = p.commands ?? [];
        return this.ok(res, true);
      case 'sendChatAction':
        return this.ok(res, true);
      case 'getFile': {
        const id = String(p.file_id);
        if (!this.files.has(id)) return this.err(res, 400, 'Bad Request: invalid file_id');
        return this.ok(res, { file_id: id, file_unique_id: id, file_size: this.files.get(id)!.length, file_path: `files/${id}` });
      }
      default:
        return this.err(res, 404, `Not Found: method ${method}`);
    }
  }

  private validate(text: string, parseMode: string | undefined): string | null {
    if (!text.trim()) return 'Bad Request: message text is empty';
    if (text.length > 4096) return 'Bad Request: message is too long';
    if (parseMode === 'HTML') {
      const bad = checkTelegramHtml(text);
      if (bad) return `Bad Request: can't parse entities: ${bad}`;
    }
    return null;
  }
}
