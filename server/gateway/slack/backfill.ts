// Messages Slack never delivered. Socket Mode has no replay: an envelope no connection acked is sent again a few
// times over some minutes and then dropped, so whatever users wrote while the gateway was down for longer (or
// crashed and was restarted late) would never arrive. So at start, and on a connection back after longer than Slack
// resends (the adapter decides), the history of each conversation the bot took part in recently is read after the
// last message seen there, oldest first, and goes through the same mapping as live events; the gateway's inbound log
// drops what it recorded already (ts is the message id).
//
// Where to read is kept per conversation as a mark (ChannelState, persisted): the key names the chat type the live
// event had (Slack's history does not say whether a `C…` channel is private), the channel and, for a thread, its
// root ts. Marks move only once an envelope is recorded, so a crash between the two re-reads rather than skips.
import type { ChatType, InboundEnvelope } from '../adapter';
import type { ChannelState } from '../store';
import type { MessageEvent } from './events';

export interface MarkPlace {
  chatType: ChatType;
  channel: string;
  /** The thread's root ts, for a conversation that lives in a thread. */
  threadTs?: string;
}

export function markKey(p: MarkPlace): string {
  return `${p.chatType}|${p.channel}|${p.threadTs ?? ''}`;
}

export function parseMarkKey(key: string): MarkPlace | undefined {
  const [chatType, channel, threadTs] = key.split('|');
  if (!chatType || !channel || !['dm', 'group', 'channel'].includes(chatType)) return undefined;
  return { chatType: chatType as ChatType, channel, ...(threadTs ? { threadTs } : {}) };
}

/** Slack's ts are seconds '.' six digits: longer is newer, then text order is time order. */
export function newerTs(a: string, b: string | undefined): boolean {
  return b === undefined || a.length > b.length || (a.length === b.length && a > b);
}

/**
 * The conversations a recorded envelope moves forward: its own (a DM, a DM thread, a channel thread) and, for a
 * top-level channel message that starts a thread, that thread too — the replies to it are read with replies(),
 * not history(). Only messages for the bot create a conversation; others move one that exists.
 */
export function placesOf(e: InboundEnvelope, known: (key: string) => boolean): MarkPlace[] {
  if (e.platform !== 'slack' || e.callback || e.messageId.startsWith('cmd:')) return [];
  const inThread = !!e.threadId && e.threadId !== e.messageId;
  const own: MarkPlace = { chatType: e.chatType, channel: e.chatId, ...(inThread ? { threadTs: e.threadId } : {}) };
  const places = [own];
  if (e.chatType !== 'dm' && !inThread) places.push({ chatType: e.chatType, channel: e.chatId, threadTs: e.messageId });
  const forBot = e.chatType === 'dm' || e.mentioned || !!e.replyTo?.fromBot;
  return places.filter((p) => forBot || known(markKey(p)));
}

/** A page of Slack history: messages as conversations.history / conversations.replies return them. */
export interface HistoryPage {
  messages: Omit<MessageEvent, 'type' | 'channel' | 'channel_type'>[];
  next?: string;
}

export interface HistoryReader {
  history(channel: string, oldest: string, cursor?: string): Promise<HistoryPage>;
  replies(channel: string, threadTs: string, oldest: string, cursor?: string): Promise<HistoryPage>;
}

const CHANNEL_TYPE: Record<string, string> = { dm: 'im', channel: 'channel', group: 'group' };

/**
 * Every message after each mark, oldest first per conversation, as the `message` event Slack would have sent.
 * A conversation Slack refuses for good (the channel archived, the bot removed: `skip` says so) is left alone.
 * Live events wait behind this (their acks too), so conversations are read `parallel` at a time; what they hold is
 * handed over one conversation after another.
 */
export async function readMissed(
  marks: Map<string, string>,
  read: HistoryReader,
  each: (ev: MessageEvent) => Promise<void>,
  o: { maxPages: number; skip: (e: unknown) => boolean; parallel?: number },
): Promise<void> {
  const places = [...marks].flatMap(([key, last]) => {
    const place = parseMarkKey(key);
    return place ? [{ place, last }] : [];
  });
  const step = Math.max(1, o.parallel ?? 8);
  for (let i = 0; i < places.length; i += step) {
    const group = places.slice(i, i + step);
    const found = await Promise.all(group.map(({ place, last }) => readOne(place, last, read, o)));
    for (let j = 0; j < group.length; j++) {
      const { place, last } = group[j]!;
      let prev: string | undefined;
      for (const m of found[j]!) {
        if (m.ts === prev || !newerTs(m.ts, last)) continue; // the thread's root comes with every page of replies
        prev = m.ts;
        // History gives a thread's replies their thread_ts; top-level history also holds broadcasts of replies.
        await each({ ...m, type: 'message', channel: place.channel, channel_type: CHANNEL_TYPE[place.chatType] });
      }
    }
  }
}

/** One conversation's messages after `last`, oldest first (none when Slack refuses it for good). */
async function readOne(place: MarkPlace, last: string, read: HistoryReader, o: { maxPages: number; skip: (e: unknown) => boolean }): Promise<HistoryPage['messages']> {
  const found: HistoryPage['messages'] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < o.maxPages; page++) {
      const p = place.threadTs ? await read.replies(place.channel, place.threadTs, last, cursor) : await read.history(place.channel, last, cursor);
      found.push(...p.messages);
      if (!p.next) break;
      cursor = p.next;
    }
  } catch (e) {
    if (o.skip(e)) return [];
    throw e;
  }
  return found.sort((a, b) => (newerTs(a.ts, b.ts) ? 1 : a.ts === b.ts ? 0 : -1));
}

/** The marks of one adapter: loaded from `state` at connect, moved in memory and in `state` as envelopes are recorded. */
export class Marks {
  private map = new Map<string, string>();
  constructor(private readonly state: ChannelState) {}

  /** The most recently active conversations: with Slack's history at ~50 reads a minute, reading back a busy
   *  workspace's every thread of the last 30 days would take hours. */
  load(limit = 500): Map<string, string> {
    this.map = this.state.marks(limit);
    return new Map(this.map);
  }

  recorded(e: InboundEnvelope): void {
    for (const p of placesOf(e, (k) => this.map.has(k))) {
      const key = markKey(p);
      if (!newerTs(e.messageId, this.map.get(key))) continue;
      this.map.set(key, e.messageId);
      this.state.mark(key, e.messageId);
    }
  }
}
