// One reply in a chat while the turn runs: the first text creates a message (through the outbox), later text
// edits it in place — at most one edit per `editIntervalMs` per chat, and never while the platform's flood wait
// (429 retry_after) is running. Edits are previews (plain text with a cursor); the final, formatted text is
// delivered by the conversation through the outbox when the turn ends.
import { PlatformError, type PlatformAdapter } from './adapter';
import type { Outbox } from './outbox';

const CURSOR = ' ▉';
/** Text shorter than this is not worth a message yet (avoids a bubble that says "I"). */
const FIRST_CHUNK = 24;

/** Shared per chat: the last edit time and any flood wait, so two replies in one chat share one budget. */
export class EditBudget {
  private readonly next = new Map<string, number>();
  constructor(private readonly intervalMs: number) {}
  /** Ms until an edit in this chat is allowed. */
  wait(chat: string): number {
    return Math.max(0, (this.next.get(chat) ?? 0) - Date.now());
  }
  used(chat: string, extraMs = 0): void {
    const now = Date.now();
    this.next.set(chat, Math.max(this.next.get(chat) ?? 0, now + this.intervalMs + extraMs));
    // Chats whose wait is over need no entry (wait() reads a missing one as 0): the map holds busy chats only.
    if (this.next.size > 256) for (const [c, t] of this.next) if (t <= now) this.next.delete(c);
  }
}

export class ReplyStream {
  private texts = new Map<string, string>();
  private order: string[] = [];
  private shown = '';
  private timer: NodeJS.Timeout | undefined;
  private creating: Promise<void> | undefined;
  private closed = false;
  messageId: string | undefined;

  constructor(
    private readonly adapter: PlatformAdapter,
    private readonly outbox: Outbox,
    private readonly budget: EditBudget,
    private readonly target: { platform: string; chatId: string; threadId?: string },
    /** A preview left by a previous process for the same message (reused, not duplicated). */
    existingMessageId: string | undefined,
    private readonly onMessage: (messageId: string) => void,
  ) {
    this.messageId = existingMessageId;
  }

  private get chatKey(): string {
    return `${this.target.platform}:${this.target.chatId}`;
  }

  /** Everything the agent said in this turn, in order. */
  text(): string {
    return this.order
      .map((id) => this.texts.get(id) ?? '')
      .filter((t) => t.trim())
      .join('\n\n');
  }

  delta(itemId: string, delta: string): void {
    if (!this.texts.has(itemId)) this.order.push(itemId);
    this.texts.set(itemId, (this.texts.get(itemId) ?? '') + delta);
    this.schedule();
  }

  completed(itemId: string, text: string): void {
    if (!this.texts.has(itemId)) this.order.push(itemId);
    this.texts.set(itemId, text);
    this.schedule();
  }

  private preview(): string {
    const t = this.text();
    const room = this.adapter.maxMessageLength - CURSOR.length - 2;
    return (t.length > room ? t.slice(0, room - 1) + '…' : t) + CURSOR;
  }

  private schedule(): void {
    if (this.closed || this.timer || this.creating) return;
    if (!this.messageId && this.text().length < FIRST_CHUNK) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.messageId ? this.budget.wait(this.chatKey) : 0);
  }

  private async flush(): Promise<void> {
    if (this.closed) return;
    const body = this.preview();
    if (body === this.shown) return;
    if (!this.messageId) {
      this.creating = (async () => {
        const id = this.outbox.enqueue({ ...this.target, text: body, tag: 'preview' });
        const row = await this.outbox.wait(id);
        if (row.state === 'sent' && row.platform_message_id) {
          this.messageId = row.platform_message_id;
          this.shown = body;
          this.budget.used(this.chatKey);
          this.onMessage(this.messageId);
        }
      })();
      await this.creating;
      this.creating = undefined;
      this.schedule();
      return;
    }
    const wait = this.budget.wait(this.chatKey);
    if (wait > 0) return this.schedule();
    this.budget.used(this.chatKey);
    try {
      await this.adapter.edit(this.target.chatId, this.messageId, body);
      this.shown = body;
    } catch (e) {
      // A preview edit is disposable: wait out a flood limit, and let the final delivery carry the text.
      if (e instanceof PlatformError && e.retryAfter) this.budget.used(this.chatKey, e.retryAfter * 1000);
    }
    this.schedule();
  }

  /** Stops previews; resolves once a preview being created has its message id (the final text edits it). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.creating;
  }
}
