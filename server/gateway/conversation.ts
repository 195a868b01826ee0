// Running chat messages as turns. Messages of one conversation (session key) are handled strictly in order on a
// lane; a message that arrives while a turn runs interrupts it (busy_mode: interrupt, the default) or waits behind
// it (queue). Streaming the turn into the chat and delivering its reply is ChatTurns' job (chat-turns.ts), the same
// for every turn on the conversation's thread, whoever started it.
import type { InboundEnvelope } from './adapter';
import type { HostPort } from './host-port';
import type { GatewayStore } from './store';
import type { ChatOfThread } from './chat-approvals';
import type { ChatTarget, ChatTurns } from './chat-turns';
import { sessionKey } from './routing';
import type { Links } from './links';
import type { CommandResult } from '../commands/registry';
import type { UserInput } from '../protocol';
import { setRecent } from '../util/recent';

const personKey = (person: string) => `person:${person}:dm`;

export const targetOf = (e: InboundEnvelope): ChatTarget => ({ platform: e.platform, chatId: e.chatId, topicId: e.threadId, chatType: e.chatType });
const who = (e: InboundEnvelope) => ({ userId: e.userId, label: `${e.platform}:${e.userName ?? e.userId}`, source: e.platform });

export class Conversations {
  private readonly lanes = new Map<string, Promise<void>>();
  /** Session key → the thread its running turn is on. */
  private readonly running = new Map<string, string>();
  private readonly chats = new Map<string, ChatOfThread>();

  constructor(
    private readonly port: HostPort,
    private readonly store: GatewayStore,
    private readonly turns: ChatTurns,
    private readonly links?: Links,
  ) {
    port.on((n) => {
      // Context compression continues a thread under a new id: the chats on it follow.
      if (n.method === 'thread/compacted') {
        this.store.moveSessions(n.params.threadId, n.params.thread.id);
        const chat = this.chats.get(n.params.threadId);
        if (chat) setRecent(this.chats, n.params.thread.id, chat);
        for (const [key, t] of this.running) if (t === n.params.threadId) this.running.set(key, n.params.thread.id);
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

  /** This chat answers for the thread's turns (approvals and questions go to it). */
  private bindChat(e: InboundEnvelope, threadId: string): void {
    setRecent(this.chats, threadId, { platform: e.platform, chatId: e.chatId, topicId: e.threadId, userId: e.userId, userName: e.userName });
  }

  /**
   * Runs `text` as a turn for the message in inbound row `inboundId`; resolves once the reply is queued and the row
   * marked handled (by ChatTurns, in one transaction).
   */
  async runTurn(e: InboundEnvelope, inboundId: number, text: string, images: UserInput[] = []): Promise<void> {
    const key = this.key(e);
    const threadId = this.thread(e);
    this.bindChat(e, threadId);
    // A turn started elsewhere (VS Code) on the same thread finishes first.
    if (this.port.isBusy(threadId)) await this.port.waitIdle(threadId);
    const claim = this.turns.claim(threadId, targetOf(e));
    try {
      const started = await this.port.startTurn(threadId, text, who(e), images);
      this.running.set(key, started.threadId);
      const r = await claim.settle(started.turnId, inboundId);
      if (!r.delivered && r.status === 'failed') this.turns.deliver(targetOf(e), inboundId, { status: 'failed', text: '', error: r.error }, undefined);
      else if (!r.delivered) this.store.markInbound(inboundId, 'done');
    } catch (err) {
      claim.cancel();
      this.turns.deliver(targetOf(e), inboundId, { status: 'failed', text: '', error: (err as Error).message }, undefined);
    } finally {
      if (this.running.get(key) === this.port.current(threadId)) this.running.delete(key);
    }
  }

  /**
   * Runs one of the host's commands (server/commands) on this chat's conversation, like VS Code and the terminal do:
   * a new thread it starts (/new) becomes the conversation's, a turn it starts (/retry, a skill) is delivered here
   * as the answer to inbound row `inboundId`. Resolves with what to say (nothing when a turn answered).
   */
  async hostCommand(e: InboundEnvelope, text: string, inboundId?: number): Promise<string | undefined> {
    const threadId = this.thread(e);
    const claim = this.turns.claim(threadId, targetOf(e));
    let r: CommandResult;
    try {
      r = await this.port.runCommand(threadId, text, who(e));
    } catch (err) {
      claim.cancel();
      return `⚠️ ${(err as Error).message}`;
    }
    if (r.thread && r.thread.id !== this.port.current(threadId)) this.store.setSession(this.key(e), e.platform, e.chatId, r.thread.id, e.userId);
    if (!r.turn) {
      claim.cancel();
      return r.message ?? (r.handled ? 'Done.' : `Unknown command: ${text}`);
    }
    this.bindChat(e, r.turn.threadId);
    const key = this.key(e);
    this.running.set(key, r.turn.threadId);
    try {
      const ended = await claim.settle(r.turn.id, inboundId);
      if (!ended.delivered && ended.status === 'failed') return `⚠️ ${ended.error ?? 'the turn failed'}`;
    } finally {
      if (this.running.get(key) === this.port.current(r.turn.threadId)) this.running.delete(key);
    }
    return r.message;
  }
}
