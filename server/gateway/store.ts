// SQLite access for the gateway's inbound log, stream offsets, session map, home channels and chat approvals.
// The outbox (outbox.ts) and pairing (pairing.ts) keep their own statements next to their rules.
import type Database from 'better-sqlite3';
import type { InboundEnvelope } from './adapter';
import { statementCache } from './statements';

/** How long a handled message's dedupe key is kept: a platform re-delivering it later than this is not expected. */
export const DEDUPE_WINDOW_MS = 7 * 24 * 3600_000;

/** Channels quiet for longer than this are not read back after a reconnect (it bounds the history requests). */
export const MARK_WINDOW_MS = 30 * 24 * 3600_000;

/** What a platform with threads and history (Discord) keeps per channel. */
export interface ChannelState {
  /** Last message id seen per recently active channel, the most recently active `limit` of them. */
  marks(limit?: number): Map<string, string>;
  mark(channelId: string, messageId: string): void;
  /** A thread the bot started (its messages are all for the bot). */
  ownsThread(channelId: string): boolean;
  addThread(channelId: string): void;
  /** A thread to start on message `id` of `parentId` when the first reply is sent (so nobody unauthorised makes one). */
  planThread(id: string, parentId: string, name: string): void;
  plannedThread(id: string): { parentId: string; name: string; failed: boolean } | undefined;
  /** The thread could not be started: replies go to the parent channel. */
  threadFailed(id: string): void;
  /** The channel a thread the bot planned or started belongs to. */
  threadParent(id: string): string | undefined;
}

export interface InboundRow {
  id: number;
  envelope: InboundEnvelope;
}

export class GatewayStore {
  private readonly sql: (sql: string) => Database.Statement;

  constructor(readonly db: Database.Database) {
    this.sql = statementCache(db);
  }

  /**
   * Records a batch of inbound events and the platform's new offset in one transaction, so after a crash either
   * both happened (the events are replayed from the log) or neither (the platform re-delivers them). Events seen
   * before (same platform/chat/message id) are ignored. Returns the newly recorded rows.
   */
  recordInbound(platform: string, batch: InboundEnvelope[], nextCursor?: number): InboundRow[] {
    const now = Date.now();
    const insert = this.sql(
      `INSERT OR IGNORE INTO gw_inbound (platform, chat_id, message_id, cursor, envelope, received_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const out: InboundRow[] = [];
    this.db.transaction(() => {
      let max = nextCursor === undefined ? -Infinity : nextCursor - 1;
      for (const e of batch) {
        max = Math.max(max, e.cursor);
        // A button tap has no message of its own: its callback id is unique.
        const key = e.callback ? `cb:${e.callback.id}` : e.messageId;
        const r = insert.run(platform, e.chatId, key, e.cursor, JSON.stringify(e), now);
        if (r.changes) out.push({ id: Number(r.lastInsertRowid), envelope: e });
      }
      if (Number.isFinite(max)) this.setOffset(platform, max + 1);
    })();
    return out;
  }

  /** Recorded events not handled yet (the host stopped before finishing them), oldest first. */
  pendingInbound(platform: string): InboundRow[] {
    return (this.sql(`SELECT id, envelope FROM gw_inbound WHERE platform = ? AND status = 'pending' ORDER BY id`).all(platform) as any[]).map(
      (r) => ({ id: r.id, envelope: JSON.parse(r.envelope) }),
    );
  }

  markInbound(id: number, status: 'done' | 'ignored'): void {
    this.sql(`UPDATE gw_inbound SET status = ?, done_at = ? WHERE id = ?`).run(status, Date.now(), id);
  }

  setReplyMessage(id: number, messageId: string): void {
    this.sql(`UPDATE gw_inbound SET reply_message_id = ? WHERE id = ?`).run(messageId, id);
  }

  replyMessage(id: number): string | undefined {
    return (this.sql(`SELECT reply_message_id FROM gw_inbound WHERE id = ?`).get(id) as { reply_message_id: string | null } | undefined)?.reply_message_id ?? undefined;
  }

  pruneInbound(now = Date.now()): number {
    return this.sql(`DELETE FROM gw_inbound WHERE status != 'pending' AND received_at < ?`).run(now - DEDUPE_WINDOW_MS).changes;
  }

  offset(platform: string): number | undefined {
    const r = this.sql(`SELECT cursor FROM gw_offsets WHERE platform = ?`).get(platform) as { cursor: number } | undefined;
    return r?.cursor;
  }

  setOffset(platform: string, cursor: number): void {
    this
      .sql(`INSERT INTO gw_offsets (platform, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT(platform) DO UPDATE SET cursor = MAX(cursor, excluded.cursor), updated_at = excluded.updated_at`)
      .run(platform, cursor, Date.now());
  }

  sessionThread(key: string): string | undefined {
    return (this.sql(`SELECT thread_id FROM gw_sessions WHERE key = ?`).get(key) as { thread_id: string } | undefined)?.thread_id;
  }

  setSession(key: string, platform: string, chatId: string, threadId: string, userId?: string): void {
    this
      .sql(
        `INSERT INTO gw_sessions (key, platform, chat_id, thread_id, user_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET thread_id = excluded.thread_id, platform = excluded.platform, chat_id = excluded.chat_id, user_id = excluded.user_id, updated_at = excluded.updated_at`,
      )
      .run(key, platform, chatId, threadId, userId ?? null, Date.now());
  }

  /** The conversations (session rows) on a thread, most recently used first. */
  sessionsOfThread(threadId: string): { key: string; platform: string; chatId: string; userId?: string }[] {
    return (this.sql(`SELECT key, platform, chat_id, user_id FROM gw_sessions WHERE thread_id = ? ORDER BY updated_at DESC`).all(threadId) as any[]).map((r) => ({
      key: r.key,
      platform: r.platform,
      chatId: r.chat_id,
      ...(r.user_id ? { userId: r.user_id } : {}),
    }));
  }

  /** The thread of this user's most recent direct-message conversation on a platform. */
  dmThreadOf(platform: string, userId: string): string | undefined {
    return (
      this
        .sql(`SELECT thread_id FROM gw_sessions WHERE platform = ? AND key LIKE ? AND (user_id = ? OR key = ?) ORDER BY updated_at DESC LIMIT 1`)
        // Sessions from before user ids were kept: a Telegram DM's chat id is the user's id.
        .get(platform, `${platform}:dm:%`, userId, `${platform}:dm:${userId}`) as
        | { thread_id: string }
        | undefined
    )?.thread_id;
  }

  /** Per-channel read marks and bot-started threads for one platform (Discord's history backfill and threads). */
  channelState(platform: string): ChannelState {
    const threadRow = (id: string) =>
      this.sql(`SELECT thread_state, parent_id, thread_name FROM gw_channels WHERE platform = ? AND channel_id = ?`).get(platform, id) as
        | { thread_state: number; parent_id: string | null; thread_name: string | null }
        | undefined;
    const setThread = (id: string, state: number, parent: string | null, name: string | null) =>
      this
        .sql(
          `INSERT INTO gw_channels (platform, channel_id, thread_state, parent_id, thread_name, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(platform, channel_id) DO UPDATE SET thread_state = excluded.thread_state, parent_id = COALESCE(excluded.parent_id, parent_id),
             thread_name = COALESCE(excluded.thread_name, thread_name)`,
        )
        .run(platform, id, state, parent, name, Date.now());
    return {
      marks: (limit = 1000) =>
        new Map(
          (
            this.sql(
              `SELECT channel_id, last_message_id FROM gw_channels WHERE platform = ? AND last_message_id IS NOT NULL AND updated_at > ? ORDER BY updated_at DESC LIMIT ?`,
            ).all(platform, Date.now() - MARK_WINDOW_MS, limit) as any[]
          ).map((r) => [
            r.channel_id,
            r.last_message_id,
          ]),
        ),
      // Snowflakes grow in length over time: compare by length, then text (equal-length decimal strings sort as numbers).
      mark: (channelId, messageId) =>
        this
          .sql(
            `INSERT INTO gw_channels (platform, channel_id, last_message_id, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT(platform, channel_id) DO UPDATE SET updated_at = excluded.updated_at,
               last_message_id = CASE WHEN last_message_id IS NULL OR length(excluded.last_message_id) > length(last_message_id)
                 OR (length(excluded.last_message_id) = length(last_message_id) AND excluded.last_message_id > last_message_id)
                 THEN excluded.last_message_id ELSE last_message_id END`,
          )
          .run(platform, channelId, messageId, Date.now()),
      ownsThread: (id) => threadRow(id)?.thread_state === 2,
      addThread: (id) => setThread(id, 2, null, null),
      planThread: (id, parentId, name) => {
        if (!threadRow(id)?.thread_state) setThread(id, 1, parentId, name);
      },
      plannedThread: (id) => {
        const r = threadRow(id);
        return r && (r.thread_state === 1 || r.thread_state === 3) && r.parent_id ? { parentId: r.parent_id, name: r.thread_name ?? 'Conversation', failed: r.thread_state === 3 } : undefined;
      },
      threadFailed: (id) => setThread(id, 3, null, null),
      threadParent: (id) => threadRow(id)?.parent_id ?? undefined,
    };
  }

  /** Context compression continued a thread under a new id: every chat on the old one follows. */
  moveSessions(fromThread: string, toThread: string): number {
    return this.sql(`UPDATE gw_sessions SET thread_id = ?, updated_at = ? WHERE thread_id = ?`).run(toThread, Date.now(), fromThread).changes;
  }

  sessions(): { key: string; platform: string; chatId: string; threadId: string }[] {
    return (this.sql(`SELECT key, platform, chat_id, thread_id FROM gw_sessions ORDER BY updated_at DESC`).all() as any[]).map((r) => ({
      key: r.key,
      platform: r.platform,
      chatId: r.chat_id,
      threadId: r.thread_id,
    }));
  }

  home(platform: string): { chatId: string; topicId?: string } | undefined {
    const r = this.sql(`SELECT chat_id, topic_id FROM gw_home WHERE platform = ?`).get(platform) as any;
    return r ? { chatId: r.chat_id, ...(r.topic_id ? { topicId: r.topic_id } : {}) } : undefined;
  }

  setHome(platform: string, chatId: string, topicId?: string): void {
    this
      .sql(`INSERT INTO gw_home (platform, chat_id, topic_id, set_at) VALUES (?, ?, ?, ?) ON CONFLICT(platform) DO UPDATE SET chat_id = excluded.chat_id, topic_id = excluded.topic_id, set_at = excluded.set_at`)
      .run(platform, chatId, topicId ?? null, Date.now());
  }

  addApproval(a: { shortId: string; requestId: string; platform: string; chatId: string; userId: string; summary: string; expiresAt: number }): void {
    this
      .sql(`INSERT INTO gw_approvals (short_id, request_id, platform, chat_id, user_id, summary, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(a.shortId, a.requestId, a.platform, a.chatId, a.userId, a.summary, Date.now(), a.expiresAt);
  }

  approval(shortId: string): ApprovalRow | undefined {
    return this.sql(`SELECT * FROM gw_approvals WHERE short_id = ?`).get(shortId) as ApprovalRow | undefined;
  }

  approvalsForRequest(requestId: string): ApprovalRow[] {
    return this.sql(`SELECT * FROM gw_approvals WHERE request_id = ?`).all(requestId) as ApprovalRow[];
  }

  /** The newest prompt still waiting in a chat, for `/approve` and `/deny`. */
  pendingApprovalIn(platform: string, chatId: string): ApprovalRow | undefined {
    return this
      .sql(`SELECT * FROM gw_approvals WHERE platform = ? AND chat_id = ? AND state = 'pending' ORDER BY created_at DESC LIMIT 1`)
      .get(platform, chatId) as ApprovalRow | undefined;
  }

  setApprovalOutbox(shortId: string, outboxId: number): void {
    this.sql(`UPDATE gw_approvals SET outbox_id = ? WHERE short_id = ?`).run(outboxId, shortId);
  }

  /** Moves a pending prompt to its final state; false when it was already final (someone else answered first). */
  finishApproval(shortId: string, state: 'resolved' | 'expired' | 'gone', decision?: string): boolean {
    return (
      this.sql(`UPDATE gw_approvals SET state = ?, decision = ? WHERE short_id = ? AND state = 'pending'`).run(state, decision ?? null, shortId).changes > 0
    );
  }

  /** At start-up: prompts left by a previous process cannot be answered any more (the request died with it). */
  abandonApprovals(): ApprovalRow[] {
    const rows = this.sql(`SELECT * FROM gw_approvals WHERE state = 'pending'`).all() as ApprovalRow[];
    this.sql(`UPDATE gw_approvals SET state = 'gone' WHERE state = 'pending'`).run();
    return rows;
  }
}

export interface ApprovalRow {
  short_id: string;
  request_id: string;
  platform: string;
  chat_id: string;
  user_id: string;
  outbox_id: number | null;
  state: 'pending' | 'resolved' | 'expired' | 'gone';
  decision: string | null;
  summary: string;
  created_at: number;
  expires_at: number;
}
