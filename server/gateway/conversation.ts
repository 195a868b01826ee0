// Running chat messages as turns. Messages of one conversation (session key) are handled strictly in order on a
// lane; a message that arrives while a turn runs interrupts it (busy_mode: interrupt, the default) or waits behind
// it (queue). Each turn streams into one message, then the final text is formatted, split and delivered through
// the outbox in the same transaction that marks the inbound message handled — so after a crash a message is
// either answered (the outbox still holds the reply) or run again, never both and never neither.
import type { InboundEnvelope, PlatformAdapter } from './adapter';
import type { HostPort } from './host-port';
import type { Outbox } from './outbox';
import type { GatewayStore } from './store';
import type { ChatOfThread } from './chat-approvals';
import { EditBudget, ReplyStream } from './reply-stream';
import { splitMessage } from './split';
import { sessionKey } from './routing';
import type { Links } from './links';

const personKey = (person: string) => `person:${person}:dm`;
import type { Item } from '../protocol';

const TYPING_EVERY_MS = 4000;
/**
 * Per-conversation memory kept for the most recent conversations only (a gateway that has talked to thousands of
 * chats must not hold something for each of them forever): the chat of a thread (approvals and send_message need it
 * while a turn runs, and a turn refreshes it) and the tools already announced (tool_progress: new).
 */
const RECENT_CONVERSATIONS = 2000;

/** Sets `key` as the newest entry of `map`, dropping the oldest past `max` (a Map iterates in insertion order). */
function setRecent<K, V>(map: Map<K, V>, key: K, value: V, max = RECENT_CONVERSATIONS): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}
/** Formatting adds markup; splitting this far below the limit leaves room for it. */
const FORMAT_HEADROOM = 256;

export interface TurnOutcome {
  status: 'completed' | 'interrupted' | 'failed';
  text: string;
  error?: string;
}

export class Conversations {
  private readonly lanes = new Map<string, Promise<void>>();
  /** Session key → the thread its running turn is on. */
  private readonly running = new Map<string, string>();
  private readonly chats = new Map<string, ChatOfThread>();
  private readonly budget: EditBudget;
  private readonly toolsSeen = new Map<string, Set<string>>();

  constructor(
    private readonly port: HostPort,
    private readonly store: GatewayStore,
    private readonly outbox: Outbox,
    private readonly adapter: (platform: string) => PlatformAdapter | undefined,
    private readonly links?: Links,
  ) {
    this.budget = new EditBudget(port.config().gateway.edit_interval_ms);
    port.on((n) => {
      // Context compression continues a thread under a new id: the chats on it follow.
      if (n.method === 'thread/compacted') {
        this.store.moveSessions(n.params.threadId, n.params.thread.id);
        const chat = this.chats.get(n.params.threadId);
        if (chat) setRecent(this.chats, n.params.thread.id, chat);
      }
    });
  }

  /**
   * Each message's key, worked out once: routing, the lane and the turn each ask for it, and a link lookup per ask
   * was measurable. (Links change from the CLI in another process, so the answer is not kept past the message.)
   */
  private readonly keys = new WeakMap<InboundEnvelope, string>();

  /** The conversation's key: a linked person's direct messages on every platform share one (see links.ts). */
  key(e: InboundEnvelope): string {
    let k = this.keys.get(e);
    if (k === undefined) this.keys.set(e, (k = this.findKey(e)));
    return k;
  }

  private findKey(e: InboundEnvelope): string {
    if (e.chatType === 'dm' && !e.threadId && this.links) {
      const person = this.links.personOf({ platform: e.platform, userId: e.userId });
      if (person) return personKey(person);
    }
    return sessionKey(e, { groupSessionsPerUser: this.port.config().gateway.group_sessions_per_user });
  }

  /**
   * A linked person's conversation with no thread yet continues one of their accounts' direct-message threads:
   * `first`'s (the account that showed the /link code) if it has one, else the earliest linked account's.
   */
  adoptLinked(person: string, e: { platform: string; userId: string; chatId: string }, first?: { platform: string; userId: string }): string | undefined {
    const key = personKey(person);
    const existing = this.store.sessionThread(key);
    if (existing || !this.links) return existing;
    for (const a of [...(first ? [first] : []), ...this.links.accountsOf(person)]) {
      const thread = this.store.dmThreadOf(a.platform, a.userId);
      if (!thread) continue;
      this.store.setSession(key, e.platform, e.chatId, thread, e.userId);
      return thread;
    }
    return undefined;
  }

  chatOf(threadId: string): ChatOfThread | undefined {
    return this.chats.get(threadId) ?? this.chats.get(this.port.current(threadId));
  }

  /** The thread this conversation continues, created on first use. */
  thread(e: InboundEnvelope): string {
    const key = this.key(e);
    const known = this.store.sessionThread(key);
    if (known) return this.port.current(known);
    const person = key.startsWith('person:') ? key.slice('person:'.length, -':dm'.length) : undefined;
    const adopted = person && this.adoptLinked(person, e);
    return adopted ? this.port.current(adopted) : this.newThread(e);
  }

  newThread(e: InboundEnvelope): string {
    const id = this.port.startThread({ source: e.platform, title: e.chatType === 'dm' ? `${e.platform}: ${e.userName}` : undefined });
    this.store.setSession(this.key(e), e.platform, e.chatId, id, e.userId);
    return id;
  }

  runningThread(e: InboundEnvelope): string | undefined {
    return this.running.get(this.key(e));
  }

  /** Appends work to the conversation's lane; the lane runs one item at a time, in arrival order. */
  enqueue(e: InboundEnvelope, work: () => Promise<void>): Promise<void> {
    const key = this.key(e);
    const prev = this.lanes.get(key) ?? Promise.resolve();
    const next = prev.then(work, work).catch(() => {});
    this.lanes.set(key, next);
    void next.then(() => {
      if (this.lanes.get(key) === next) this.lanes.delete(key);
    });
    return next;
  }

  /** Resolves when every lane is idle (or the deadline passes). */
  async idle(deadline: number): Promise<boolean> {
    while (this.lanes.size && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.lanes.values()]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    }
    return this.lanes.size === 0;
  }

  interruptAll(): void {
    for (const threadId of this.running.values()) this.port.interrupt(threadId);
  }

  /**
   * Runs `text` as a turn for the message in inbound row `inboundId`, streaming into one message; delivers the
   * final reply and marks the row handled.
   */
  async runTurn(e: InboundEnvelope, inboundId: number, text: string): Promise<void> {
    const adapter = this.adapter(e.platform);
    if (!adapter) throw new Error(`${e.platform} is not connected`);
    const key = this.key(e);
    let threadId = this.thread(e);
    const target = { platform: e.platform, chatId: e.chatId, threadId: e.threadId };
    const chat: ChatOfThread = { platform: e.platform, chatId: e.chatId, topicId: e.threadId, userId: e.userId, userName: e.userName };
    setRecent(this.chats, threadId, chat);
    const stream = new ReplyStream(adapter, this.outbox, this.budget, target, this.store.replyMessage(inboundId), (id) => this.store.setReplyMessage(inboundId, id));
    let turnId: string | undefined;
    let finish!: (o: TurnOutcome) => void;
    const outcome = new Promise<TurnOutcome>((r) => (finish = r));
    const progress = this.port.config().gateway.tool_progress;
    const seen = this.toolsSeen.get(key) ?? new Set<string>();
    setRecent(this.toolsSeen, key, seen);
    const off = this.port.on((n) => {
      if (n.method === 'thread/compacted' && n.params.threadId === threadId) {
        threadId = n.params.thread.id;
        this.running.set(key, threadId);
        return;
      }
      if (!('threadId' in n.params) || n.params.threadId !== threadId) return;
      if ('turnId' in n.params && turnId && n.params.turnId !== turnId) return;
      switch (n.method) {
        case 'item/agentMessage/delta':
          stream.delta(n.params.itemId, n.params.delta);
          break;
        case 'item/started':
          if (progress !== 'off') this.toolProgress(n.params.item, target, seen, progress);
          break;
        case 'item/completed':
          if (n.params.item.type === 'agentMessage') stream.completed(n.params.item.id, n.params.item.text);
          break;
        case 'turn/completed':
          if (n.params.turn.id === turnId)
            finish({ status: n.params.turn.status as TurnOutcome['status'], text: stream.text(), error: n.params.turn.error?.message });
          break;
      }
    });
    const typing = setInterval(() => void adapter.typing(e.chatId, e.threadId), TYPING_EVERY_MS);
    void adapter.typing(e.chatId, e.threadId);
    try {
      // A turn started elsewhere (VS Code) on the same thread finishes first.
      if (this.port.isBusy(threadId)) await this.port.waitIdle(threadId);
      const started = await this.port.startTurn(threadId, text, { userId: e.userId, label: `${e.platform}:${e.userName ?? e.userId}` });
      turnId = started.turnId;
      threadId = started.threadId;
      this.running.set(key, threadId);
      const result = await outcome;
      await stream.close();
      this.deliver(e, inboundId, result, stream.messageId);
    } catch (err) {
      await stream.close();
      this.deliver(e, inboundId, { status: 'failed', text: stream.text(), error: (err as Error).message }, stream.messageId);
    } finally {
      clearInterval(typing);
      off();
      if (this.running.get(key) === threadId) this.running.delete(key);
    }
  }

  private toolProgress(item: Item, target: { platform: string; chatId: string; threadId?: string }, seen: Set<string>, mode: 'new' | 'all'): void {
    const name = item.type === 'commandExecution' ? 'terminal' : item.type === 'toolCall' ? item.tool : item.type === 'fileChange' ? 'patch' : undefined;
    if (!name || (mode === 'new' && seen.has(name))) return;
    seen.add(name);
    const preview = item.type === 'commandExecution' ? `: ${item.command.slice(0, 40)}` : '';
    this.outbox.enqueue({ ...target, text: `⚙ ${name}${preview}`, tag: 'progress' });
  }

  /**
   * Parts whose formatted text fits: markup and escapes (&amp; …) grow the text, so when a part outgrows the limit
   * the whole reply is split again with a smaller budget (a part still too big is sent as plain text).
   */
  private splitForFormat(body: string, max: number, measure: (s: string) => number, adapter: PlatformAdapter | undefined): string[] {
    let budget = max - FORMAT_HEADROOM;
    let parts = splitMessage(body, budget, measure);
    for (let i = 0; adapter && i < 6 && parts.some((p) => measure(adapter.format(p)) > max); i++) {
      budget = Math.floor(budget * 0.85);
      parts = splitMessage(body, budget, measure);
    }
    return parts;
  }

  /** The final reply: formatted parts (or a file when there are too many), queued with the inbound row's completion. */
  deliver(e: InboundEnvelope, inboundId: number, o: TurnOutcome, previewId: string | undefined): void {
    const adapter = this.adapter(e.platform);
    let body = o.text.trim();
    if (o.status === 'failed') body = body ? `${body}\n\n⚠️ ${o.error ?? 'the turn failed'}` : `⚠️ ${o.error ?? 'the turn failed'}`;
    else if (o.status === 'interrupted') body = body ? `${body}\n\n⏹ (stopped)` : '⏹ Stopped.';
    else if (!body) body = '(no reply)';
    const max = adapter?.maxMessageLength ?? 4096;
    const measure = adapter ? (s: string) => adapter.measure(s) : (s: string) => s.length;
    let parts = this.splitForFormat(body, max, measure, adapter);
    const target = { platform: e.platform, chatId: e.chatId, threadId: e.threadId };
    const maxParts = this.port.config().gateway.max_parts;
    const asFile = parts.length > maxParts;
    if (asFile) parts = [`The reply is ${body.length} characters long, so it comes as a file.`];
    this.port.db.transaction(() => {
      parts.forEach((p, i) => {
        // Formatted when the markup still fits; otherwise the plain text, which always does.
        const format = !!adapter && measure(adapter.format(p)) <= max;
        if (i === 0 && previewId) this.outbox.enqueue({ ...target, kind: 'edit', targetMessageId: previewId, text: p, format, tag: 'reply' });
        else this.outbox.enqueue({ ...target, text: p, format, tag: 'reply' });
      });
      if (asFile) this.outbox.enqueue({ ...target, kind: 'file', fileName: 'reply.md', text: body, tag: 'reply' });
      this.store.markInbound(inboundId, 'done');
    })();
  }
}
