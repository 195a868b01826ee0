// Telegram through grammy's Bot API client. Long polling is our own loop over getUpdates so the offset only moves
// after the gateway has recorded the updates (grammy's Bot.start keeps it in memory and would lose or repeat
// updates across a crash). The API root is configurable for self-hosted Bot API servers and tests.
import type { FreeResponse } from '../free-response';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { Message, Update, User } from 'grammy/types';
import { PlatformError, type Attachment, type InboundEnvelope, type PlatformAdapter, type SendOptions } from '../adapter';
import { markdownToTelegramHtml } from './format';
import { MAX_IMAGE_BYTES } from '../../protocol';
import { botFetch, type BotRequestInit } from './bot-fetch';

export interface TelegramOptions {
  token: string;
  apiRoot?: string;
  /** Long-poll timeout in seconds. */
  pollTimeout?: number;
  /** Groups where a message needs no mention (all of them when mentions are turned off). */
  freeResponse?: FreeResponse;
}

export const TELEGRAM_MAX_LENGTH = 4096;

/** Maps a grammy failure onto what it means for delivery (see outbox.ts). */
export function classify(e: unknown): PlatformError {
  if (e instanceof GrammyError) {
    const d = e.description ?? '';
    if (e.error_code === 429) return new PlatformError(`Telegram flood control: ${d}`, 'transient', e.parameters?.retry_after ?? 1);
    if (e.error_code >= 500) return new PlatformError(`Telegram ${e.error_code}: ${d}`, 'transient');
    // "Conflict: terminated by other getUpdates request": a previous process's long poll still open after a quick
    // restart (or a second poller on the same token, which the backoff and the status make visible).
    if (e.error_code === 409) return new PlatformError(`Telegram 409: ${d}`, 'transient');
    if (/can't parse entities|can't find end of the entity|unsupported start tag/i.test(d)) return new PlatformError(d, 'format');
    return new PlatformError(`Telegram ${e.error_code}: ${d}`, 'permanent');
  }
  if (e instanceof HttpError) {
    const inner = e.error as any;
    const code = inner?.code ?? inner?.cause?.code ?? inner?.errno;
    // Nothing was sent (no connection), or an HTTP error page came back instead of the API's JSON: safe to retry.
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code) || inner instanceof SyntaxError || /invalid json/i.test(inner?.message ?? ''))
      return new PlatformError(`${e.message} (${code ?? inner?.message ?? 'no response'})`, 'transient');
    return new PlatformError(`${e.message} (${code ?? inner?.message ?? 'connection lost'})`, 'ambiguous');
  }
  return new PlatformError((e as Error)?.message ?? String(e), 'transient');
}

function displayName(u: User | undefined): string {
  if (!u) return 'unknown';
  return [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username || String(u.id);
}

function attachmentsOf(m: Message): Attachment[] {
  const out: Attachment[] = [];
  if (m.photo?.length) {
    // Sizes come smallest first: the largest one the model may take (an unknown size is tried), else the smallest.
    const fits = m.photo.filter((s) => s.file_size === undefined || s.file_size <= MAX_IMAGE_BYTES);
    const p = fits.length ? fits[fits.length - 1] : m.photo[0];
    out.push({ kind: 'photo', fileId: p.file_id, size: p.file_size, mimeType: 'image/jpeg', fileName: `photo-${m.message_id}.jpg` });
  }
  if (m.document) out.push({ kind: 'document', fileId: m.document.file_id, fileName: m.document.file_name, mimeType: m.document.mime_type, size: m.document.file_size });
  if (m.voice) out.push({ kind: 'voice', fileId: m.voice.file_id, mimeType: m.voice.mime_type ?? 'audio/ogg', size: m.voice.file_size, fileName: `voice-${m.message_id}.ogg` });
  if (m.audio) out.push({ kind: 'audio', fileId: m.audio.file_id, mimeType: m.audio.mime_type, size: m.audio.file_size, fileName: m.audio.file_name });
  return out;
}

/**
 * grammy on Node defaults to node-fetch, which recognises abort signals by their class name — a name the bundler
 * minifies away. JSON calls go through bot-fetch.ts; file uploads (a streamed multipart body) through Node's own
 * fetch, with grammy's signal (a polyfill) bridged to a native one and `duplex: 'half'`.
 */
function nativeFetch(url: string, init: RequestInit & { signal?: { aborted: boolean; addEventListener(t: string, f: () => void): void } }): Promise<Response> {
  const controller = new AbortController();
  const s = init.signal;
  if (s?.aborted) controller.abort();
  else s?.addEventListener('abort', () => controller.abort());
  return fetch(url, { ...init, signal: controller.signal, ...(init.body && typeof init.body !== 'string' ? { duplex: 'half' } : {}) } as RequestInit);
}

export class TelegramAdapter implements PlatformAdapter {
  readonly id = 'telegram';
  readonly capabilities = { edit: true, delete: true, buttons: true, typing: true, files: true, commandMenu: true };
  readonly maxMessageLength = TELEGRAM_MAX_LENGTH;
  readonly api: Api;
  private cursor: number | undefined;
  private me: User | undefined;

  constructor(private readonly opts: TelegramOptions) {
    this.api = new Api(opts.token, {
      apiRoot: opts.apiRoot?.replace(/\/+$/, '') || undefined,
      timeoutSeconds: (opts.pollTimeout ?? 30) + 15,
      fetch: ((url: string, init: BotRequestInit) => botFetch(url, init, nativeFetch as any)) as any,
    });
  }

  measure(text: string): number {
    return text.length; // JS strings are UTF-16, which is how Telegram counts
  }

  format(markdown: string): string {
    return markdownToTelegramHtml(markdown);
  }

  setCursor(cursor: number): void {
    this.cursor = cursor;
  }

  async run(signal: AbortSignal, onInbound: (batch: InboundEnvelope[], next: number) => Promise<void>, onReady: () => void): Promise<void> {
    this.me = await this.api.getMe(signal as any).catch((e) => {
      throw classify(e);
    });
    onReady();
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.api.getUpdates({ offset: this.cursor, timeout: this.opts.pollTimeout ?? 30, allowed_updates: ["message", "callback_query"] }, signal as any);
      } catch (e) {
        if (signal.aborted) return;
        throw classify(e);
      }
      if (!updates.length) continue;
      const next = Math.max(...updates.map((u) => u.update_id)) + 1;
      const batch = updates.map((u) => this.envelope(u)).filter((e): e is InboundEnvelope => !!e);
      await onInbound(batch, next);
      this.cursor = next;
    }
  }

  private envelope(u: Update): InboundEnvelope | undefined {
    const botId = this.me?.id;
    const username = this.me?.username?.toLowerCase();
    if (u.callback_query) {
      const q = u.callback_query;
      const m = q.message;
      if (!m) return undefined;
      return {
        platform: this.id,
        cursor: u.update_id,
        chatId: String(m.chat.id),
        chatType: m.chat.type === 'private' ? 'dm' : m.chat.type === 'channel' ? 'channel' : 'group',
        userId: String(q.from.id),
        userName: displayName(q.from),
        messageId: String(m.message_id),
        threadId: 'message_thread_id' in m && m.message_thread_id ? String(m.message_thread_id) : undefined,
        text: '',
        attachments: [],
        mentioned: true,
        callback: { id: q.id, data: q.data ?? '', messageId: String(m.message_id) },
      };
    }
    const m = u.message;
    if (!m || !m.from || m.from.is_bot) return undefined;
    const text = m.text ?? m.caption ?? '';
    const lower = text.toLowerCase();
    const cmd = /^\/[a-z0-9_]+@([a-z0-9_]+)/i.exec(text);
    const mentioned =
      (!!username && (lower.includes(`@${username}`) || cmd?.[1]?.toLowerCase() === username)) ||
      (m.chat.type !== 'private' && !!this.opts.freeResponse?.(String(m.chat.id)));
    const forum = m.chat.type === 'supergroup' && m.chat.is_forum && m.message_thread_id;
    return {
      platform: this.id,
      cursor: u.update_id,
      chatId: String(m.chat.id),
      chatType: m.chat.type === 'private' ? 'dm' : forum ? 'forum' : 'group',
      userId: String(m.from.id),
      userName: displayName(m.from),
      messageId: String(m.message_id),
      threadId: forum ? String(m.message_thread_id) : undefined,
      // `/cmd@thisbot` is just `/cmd` to the rest of the gateway.
      text: cmd && cmd[1].toLowerCase() === username ? text.replace(/^(\/[a-z0-9_]+)@[a-z0-9_]+/i, '$1') : text,
      attachments: attachmentsOf(m),
      replyTo: m.reply_to_message ? { messageId: String(m.reply_to_message.message_id), fromBot: m.reply_to_message.from?.id === botId } : undefined,
      mentioned,
    };
  }

  private other(opts?: SendOptions): Record<string, unknown> {
    return {
      ...(opts?.formatted ? { parse_mode: 'HTML' } : {}),
      ...(opts?.threadId ? { message_thread_id: Number(opts.threadId) } : {}),
      ...(opts?.replyTo ? { reply_parameters: { message_id: Number(opts.replyTo), allow_sending_without_reply: true } } : {}),
      ...(opts?.buttons ? { reply_markup: { inline_keyboard: opts.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) } } : {}),
      link_preview_options: { is_disabled: true },
    };
  }

  async send(chatId: string, text: string, opts?: SendOptions): Promise<{ messageId: string }> {
    try {
      const m = await this.api.sendMessage(chatId, text, this.other(opts) as any);
      return { messageId: String(m.message_id) };
    } catch (e) {
      throw classify(e);
    }
  }

  async edit(chatId: string, messageId: string, text: string, opts?: SendOptions): Promise<void> {
    try {
      const o = this.other(opts);
      delete o.message_thread_id;
      delete o.reply_parameters;
      if (!opts?.buttons) o.reply_markup = { inline_keyboard: [] };
      await this.api.editMessageText(chatId, Number(messageId), text, o as any);
    } catch (e) {
      // Editing to the same text is not a failure: the message already says what we want.
      if (e instanceof GrammyError && /message is not modified/i.test(e.description)) return;
      throw classify(e);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    try {
      await this.api.deleteMessage(chatId, Number(messageId));
    } catch (e) {
      throw classify(e);
    }
  }

  async sendFile(chatId: string, name: string, data: Buffer, opts?: { threadId?: string; caption?: string }): Promise<{ messageId: string }> {
    try {
      const m = await this.api.sendDocument(chatId, new InputFile(data, name), {
        ...(opts?.threadId ? { message_thread_id: Number(opts.threadId) } : {}),
        ...(opts?.caption ? { caption: opts.caption } : {}),
      });
      return { messageId: String(m.message_id) };
    } catch (e) {
      throw classify(e);
    }
  }

  async typing(chatId: string, threadId?: string): Promise<void> {
    await this.api.sendChatAction(chatId, 'typing', threadId ? { message_thread_id: Number(threadId) } : {}).catch(() => {});
  }

  async answerCallback(callbackId: string, text: string): Promise<void> {
    try {
      await this.api.answerCallbackQuery(callbackId, { text });
    } catch (e) {
      throw classify(e);
    }
  }

  async setCommands(commands: { command: string; description: string }[]): Promise<void> {
    try {
      await this.api.setMyCommands(commands);
    } catch (e) {
      throw classify(e);
    }
  }

  async downloadFile(fileId: string): Promise<Buffer> {
    try {
      const f = await this.api.getFile(fileId);
      if (!f.file_path) throw new Error('Telegram returned no file_path');
      const root = (this.opts.apiRoot?.replace(/\/+$/, '') || 'https://api.telegram.org') + `/file/bot${this.opts.token}/${f.file_path}`;
      const res = await fetch(root);
      if (!res.ok) throw new Error(`file download failed: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    } catch (e) {
      throw e instanceof GrammyError || e instanceof HttpError ? classify(e) : e;
    }
  }
}
