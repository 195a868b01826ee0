// Every turn on a chat's thread reaches that chat, whoever started it. The gateway's own turns (a message, /retry,
// a skill) and the turns the host starts for the conversation (a background subagent's result) are delivered where
// the conversation lives. A turn someone starts on the same thread from another surface (VS Code attached to the
// gateway's socket) reaches the chat only in a direct message — the person's own conversation, continued elsewhere —
// headed by what was asked there; in a group it stays out, so the owner reading a group's thread in the editor does
// not post their questions into the group. A turn without a user message (context compression) is not a reply.
//
// Each delivered turn streams into one message (ReplyStream); its final text goes through the outbox in the same
// transaction that marks the inbound message it answers as handled, so after a crash a message is either answered
// or run again, never both.
import type { ChatType, PlatformAdapter } from './adapter';
import { GATEWAY_SURFACE_ID, type HostPort } from './host-port';
import type { Outbox } from './outbox';
import type { GatewayStore } from './store';
import { EditBudget, ReplyStream } from './reply-stream';
import { splitMessage } from './split';
import { sessionChat } from './routing';
import { setRecent } from '../util/recent';
import { inputPartText, type Item, type Turn } from '../protocol';

const TYPING_EVERY_MS = 4000;
/** Formatting adds markup; splitting this far below the limit leaves room for it. */
const FORMAT_HEADROOM = 256;
/** How much of a prompt typed elsewhere the chat is shown above its reply. */
const PROMPT_SHOWN = 400;

export interface TurnOutcome {
  status: 'completed' | 'interrupted' | 'failed';
  text: string;
  error?: string;
}

/** Where a conversation's replies go. */
export interface ChatTarget {
  platform: string;
  chatId: string;
  /** Forum topic / thread inside the chat. */
  topicId?: string;
  chatType: ChatType;
}

interface Delivery {
  turnId: string;
  threadId: string;
  target: ChatTarget;
  /** The turn's user message, as text. */
  prompt?: string;
  state: 'deciding' | 'delivering' | 'ignored';
  /** Notifications that came before the decision (replayed once it is made). */
  early: { itemId: string; delta?: string; item?: Item; kind: 'delta' | 'started' | 'completed' }[];
  stream?: ReplyStream;
  typing?: NodeJS.Timeout;
  typingSoon?: NodeJS.Immediate;
  /** The inbound message this turn answers (marked handled with the reply). */
  inboundId?: number;
}

interface Claim {
  target: ChatTarget;
  settled: Promise<void>;
  release(): void;
}

/** How a turn the gateway started ended: `delivered` false when nothing reached the chat (it failed at once). */
export interface Ended {
  status: Turn['status'];
  delivered: boolean;
  error?: string;
}

/** A turn the gateway started, waiting to be told how it ended. */
interface Owned {
  inboundId?: number;
  waiters: ((o: Ended) => void)[];
}

export class ChatTurns {
  private readonly deliveries = new Map<string, Delivery>();
  /** Turns the gateway is starting right now, by thread: their ids are known once the start call returns. */
  private readonly claims = new Map<string, Set<Claim>>();
  private readonly owned = new Map<string, Owned>();
  /** Turns that ended while their start call was still returning (a model that cannot be reached fails at once). */
  private readonly endedEarly = new Map<string, Ended>();
  /** Tools already announced per chat (tool_progress: new). */
  private readonly toolsSeen = new Map<string, Set<string>>();
  private readonly budget: EditBudget;

  constructor(
    private readonly port: HostPort,
    private readonly store: GatewayStore,
    private readonly outbox: Outbox,
    private readonly adapter: (platform: string) => PlatformAdapter | undefined,
  ) {
    this.budget = new EditBudget(port.config().gateway.edit_interval_ms);
    port.on((n) => {
      switch (n.method) {
        case 'turn/started':
          this.started(n.params.threadId, n.params.turn);
          break;
        case 'item/started':
          if (n.params.item.type === 'userMessage') {
            const d = this.deliveries.get(n.params.turnId);
            if (d) d.prompt = n.params.item.content.map(inputPartText).join(' ');
          }
          this.item(n.params.turnId, { kind: 'started', itemId: n.params.item.id, item: n.params.item });
          break;
        case 'item/agentMessage/delta':
          this.item(n.params.turnId, { kind: 'delta', itemId: n.params.itemId, delta: n.params.delta });
          break;
        case 'item/completed':
          this.item(n.params.turnId, { kind: 'completed', itemId: n.params.item.id, item: n.params.item });
          break;
        case 'turn/completed':
          void this.completed(n.params.turn);
          break;
        case 'thread/compacted': {
          const from = n.params.threadId;
          const to = n.params.thread.id;
          for (const d of this.deliveries.values()) if (d.threadId === from) d.threadId = to;
          const c = this.claims.get(from);
          if (c) this.claims.set(to, new Set([...(this.claims.get(to) ?? []), ...c]));
          break;
        }
      }
    });
  }

  /**
   * The gateway is about to start a turn on `threadId` for a message in `target` (directly, or through a host
   * command such as /retry). Call `settle` with the turn id the start returned — it resolves when the turn has ended
   * and its reply is queued — or `cancel` when no turn started.
   */
  claim(threadId: string, target: ChatTarget): { settle(turnId: string, inboundId?: number): Promise<Ended>; cancel(): void } {
    let release!: () => void;
    const claim: Claim = { target, settled: new Promise<void>((r) => (release = r)), release: () => release() };
    const set = this.claims.get(threadId) ?? new Set<Claim>();
    set.add(claim);
    this.claims.set(threadId, set);
    const drop = () => {
      for (const [t, s] of this.claims) if (s.delete(claim) && !s.size) this.claims.delete(t);
      claim.release();
    };
    return {
      settle: (turnId, inboundId) => {
        const early = this.endedEarly.get(turnId);
        if (early) {
          this.endedEarly.delete(turnId);
          drop();
          return Promise.resolve(early);
        }
        const done = new Promise<Ended>((resolve) => {
          const o = this.owned.get(turnId) ?? { waiters: [] };
          o.inboundId = inboundId;
          o.waiters.push(resolve);
          this.owned.set(turnId, o);
        });
        const d = this.deliveries.get(turnId);
        if (d && inboundId !== undefined) this.adopt(d, inboundId);
        drop();
        return done;
      },
      cancel: drop,
    };
  }

  private started(threadId: string, turn: Turn): void {
    const claim = this.claims.get(threadId)?.values().next().value as Claim | undefined;
    const target = claim?.target ?? this.chatOfThread(threadId);
    if (!target) return; // not a chat's conversation
    const d: Delivery = { turnId: turn.id, threadId, target, state: 'deciding', early: [] };
    this.deliveries.set(turn.id, d);
    // Decided once the start has finished: the user message follows turn/started at once, and the running turn's
    // origin is known only after it is registered.
    queueMicrotask(() => this.decide(d, !!claim));
  }

  /** The chat a thread belongs to: its most recently used session. */
  private chatOfThread(threadId: string): ChatTarget | undefined {
    const s = this.store.sessionsOfThread(threadId)[0];
    return s && { platform: s.platform, chatId: s.chatId, ...sessionChat(s.key, s.platform, s.chatId) };
  }

  private decide(d: Delivery, claimed: boolean): void {
    if (d.state !== 'deciding') return;
    const origin = this.port.turnOrigin(d.threadId);
    const own = claimed || this.owned.has(d.turnId) || origin?.surfaceId === GATEWAY_SURFACE_ID;
    const adapter = this.adapter(d.target.platform);
    if (!d.prompt || !adapter || (!own && d.target.chatType !== 'dm')) {
      d.state = 'ignored';
      d.early = [];
      return;
    }
    d.state = 'delivering';
    const to = { platform: d.target.platform, chatId: d.target.chatId, threadId: d.target.topicId };
    if (!own) {
      const where = origin?.kind === 'editor' ? 'the editor' : origin?.kind === 'cli' ? 'the terminal' : (origin?.label.split('#')[0] ?? 'another app');
      const prompt = d.prompt.length > PROMPT_SHOWN ? `${d.prompt.slice(0, PROMPT_SHOWN - 1)}…` : d.prompt;
      this.outbox.enqueue({ ...to, text: `↪ Asked in ${where}: ${prompt}`, tag: 'notice' });
    }
    d.stream = new ReplyStream(adapter, this.outbox, this.budget, to, undefined, (id) => {
      if (d.inboundId !== undefined) this.store.setReplyMessage(d.inboundId, id);
    });
    const inbound = this.owned.get(d.turnId)?.inboundId;
    if (inbound !== undefined) this.adopt(d, inbound);
    // After the turn's model request has left (this runs in a microtask of the turn's start): the indicator is for
    // the user, the request is what the reply waits on.
    const typing = setImmediate(() => void adapter.typing(to.chatId, to.threadId));
    d.typing = setInterval(() => void adapter.typing(to.chatId, to.threadId), TYPING_EVERY_MS);
    d.typingSoon = typing;
    for (const e of d.early.splice(0)) this.apply(d, e);
  }

  /** The turn answers inbound message `inboundId`: a preview left by a previous process for it is edited, not repeated. */
  private adopt(d: Delivery, inboundId: number): void {
    d.inboundId = inboundId;
    if (!d.stream) return;
    if (d.stream.messageId) this.store.setReplyMessage(inboundId, d.stream.messageId);
    else d.stream.messageId = this.store.replyMessage(inboundId);
  }

  private item(turnId: string, e: Delivery['early'][number]): void {
    const d = this.deliveries.get(turnId);
    if (!d) return;
    if (d.state === 'deciding') d.early.push(e);
    else if (d.state === 'delivering') this.apply(d, e);
  }

  private apply(d: Delivery, e: Delivery['early'][number]): void {
    const stream = d.stream!;
    if (e.kind === 'delta') stream.delta(e.itemId, e.delta!);
    else if (e.kind === 'completed' && e.item?.type === 'agentMessage') stream.completed(e.itemId, e.item.text);
    else if (e.kind === 'started' && e.item) this.toolProgress(d.target, e.item);
  }

  private toolProgress(target: ChatTarget, item: Item): void {
    const mode = this.port.config().gateway.tool_progress;
    if (mode === 'off') return;
    const name = item.type === 'commandExecution' ? 'terminal' : item.type === 'toolCall' ? item.tool : item.type === 'fileChange' ? 'patch' : undefined;
    const key = `${target.platform}:${target.chatId}:${target.topicId ?? ''}`;
    const seen = this.toolsSeen.get(key) ?? new Set<string>();
    setRecent(this.toolsSeen, key, seen); // the tools already announced (tool_progress: new), recent chats only
    if (!name || (mode === 'new' && seen.has(name))) return;
    seen.add(name);
    const preview = item.type === 'commandExecution' ? `: ${item.command.slice(0, 40)}` : '';
    this.outbox.enqueue({ platform: target.platform, chatId: target.chatId, threadId: target.topicId, text: `⚙ ${name}${preview}`, tag: 'progress' });
  }

  private async completed(turn: Turn): Promise<void> {
    const d = this.deliveries.get(turn.id);
    this.deliveries.delete(turn.id);
    const status = turn.status === 'inProgress' ? 'failed' : turn.status;
    if (d?.state === 'deciding') {
      // Ended before the start call returned: whoever started it is told when it settles, and says why.
      d.state = 'ignored';
      d.early = [];
      if (this.claims.has(d.threadId)) this.endedEarly.set(turn.id, { status, delivered: false, error: turn.error?.message });
      return;
    }
    // A start still in flight on this thread may be this turn's: wait for its id (and inbound message) to be known.
    if (d) await Promise.all([...(this.claims.get(d.threadId) ?? [])].map((c) => c.settled));
    let delivered = false;
    if (d?.state === 'delivering' && d.stream) {
      clearInterval(d.typing);
      clearImmediate(d.typingSoon);
      await d.stream.close();
      const inboundId = d.inboundId ?? this.owned.get(turn.id)?.inboundId;
      this.deliver(d.target, inboundId, { status, text: d.stream.text(), error: turn.error?.message }, d.stream.messageId);
      delivered = true;
    }
    const o = this.owned.get(turn.id);
    this.owned.delete(turn.id);
    for (const w of o?.waiters ?? []) w({ status, delivered, error: turn.error?.message });
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
  deliver(t: ChatTarget, inboundId: number | undefined, o: TurnOutcome, previewId: string | undefined): void {
    const adapter = this.adapter(t.platform);
    let body = o.text.trim();
    if (o.status === 'failed') body = body ? `${body}\n\n⚠️ ${o.error ?? 'the turn failed'}` : `⚠️ ${o.error ?? 'the turn failed'}`;
    else if (o.status === 'interrupted') body = body ? `${body}\n\n⏹ (stopped)` : '⏹ Stopped.';
    else if (!body) body = '(no reply)';
    const max = adapter?.maxMessageLength ?? 4096;
    const measure = adapter ? (s: string) => adapter.measure(s) : (s: string) => s.length;
    let parts = this.splitForFormat(body, max, measure, adapter);
    const target = { platform: t.platform, chatId: t.chatId, threadId: t.topicId };
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
      if (inboundId !== undefined) this.store.markInbound(inboundId, 'done');
    })();
  }
}
