// The channel threads the bot takes part in, per platform (Slack: a thread it was mentioned in or answered in; a
// follow-up there is for the bot without a new mention). Kept in the database so a restart goes on answering in
// them, and bounded: a thread quiet for longer than the window is forgotten (a new mention brings it back), and
// past the size bound the least recently active threads go first.
import type Database from 'better-sqlite3';
import { statementCache } from './statements';

export const THREAD_MEMBER_WINDOW_MS = 30 * 24 * 3600_000;
export const MAX_THREAD_MEMBERS = 10_000;
/** A thread's activity time is rewritten at most this often (a busy thread costs one write an hour, not one per message). */
const TOUCH_EVERY_MS = 3600_000;
/** New joins between two prunes: the table holds at most MAX + this many rows per platform. */
const PRUNE_EVERY = 200;

export interface ThreadMembership {
  has(chatId: string, threadId: string): boolean;
  join(chatId: string, threadId: string): void;
}

export class ThreadMembers implements ThreadMembership {
  private readonly sql: (sql: string) => Database.Statement;
  private joins = 0;

  constructor(
    db: Database.Database,
    private readonly platform: string,
    private readonly bounds = { windowMs: THREAD_MEMBER_WINDOW_MS, max: MAX_THREAD_MEMBERS },
    private readonly now: () => number = Date.now,
  ) {
    this.sql = statementCache(db);
    this.prune();
  }

  has(chatId: string, threadId: string): boolean {
    return !!this.sql(`SELECT 1 FROM gw_thread_members WHERE platform = ? AND chat_id = ? AND thread_id = ? AND last_at > ?`).get(
      this.platform,
      chatId,
      threadId,
      this.now() - this.bounds.windowMs,
    );
  }

  join(chatId: string, threadId: string): void {
    const now = this.now();
    const r = this
      .sql(
        `INSERT INTO gw_thread_members (platform, chat_id, thread_id, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(platform, chat_id, thread_id) DO UPDATE SET last_at = excluded.last_at WHERE last_at < excluded.last_at - ${TOUCH_EVERY_MS}`,
      )
      .run(this.platform, chatId, threadId, now);
    if (r.changes && ++this.joins % PRUNE_EVERY === 0) this.prune();
  }

  /** Forgets threads past the window, then the least recently active past the size bound. Returns how many. */
  prune(): number {
    const old = this.sql(`DELETE FROM gw_thread_members WHERE platform = ? AND last_at <= ?`).run(this.platform, this.now() - this.bounds.windowMs).changes;
    const over = this
      .sql(
        `DELETE FROM gw_thread_members WHERE rowid IN
           (SELECT rowid FROM gw_thread_members WHERE platform = ? ORDER BY last_at DESC LIMIT -1 OFFSET ?)`,
      )
      .run(this.platform, this.bounds.max).changes;
    return old + over;
  }
}
