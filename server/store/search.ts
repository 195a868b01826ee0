// Full-text search over stored messages (FTS5). User queries are turned into quoted terms so punctuation or FTS
// syntax in them can never raise an error; the last term matches as a prefix so search-as-you-type works.
import type Database from 'better-sqlite3';

export interface SearchHitRow {
  messageId: number;
  threadId: string;
  threadTitle: string;
  turnId: string | null;
  role: string;
  snippet: string;
  createdAt: number;
}

export function toFtsQuery(query: string): string | null {
  const terms = query
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean)
    .slice(0, 16);
  if (!terms.length) return null;
  return terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

export class MessageSearch {
  private readonly all;
  private readonly inThread;

  constructor(
    db: Database.Database,
    /** Indexes messages stored since its last batch, so a search finds a message stored a moment ago. */
    private readonly index?: { flush(): void },
  ) {
    // Newest matches first: FTS5 walks its index by rowid descending and stops at LIMIT, which keeps common words
    // fast on millions of rows where bm25 ranking would score every match.
    const sql = (filter: string) => `
      SELECT m.id AS messageId, m.thread_id AS threadId, t.title AS threadTitle, m.turn_id AS turnId, m.role AS role,
             snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet, m.created_at AS createdAt
      FROM messages_fts
      JOIN messages m ON m.id = messages_fts.rowid
      JOIN threads t ON t.id = m.thread_id
      WHERE messages_fts MATCH @q AND m.active = 1 ${filter}
      ORDER BY messages_fts.rowid DESC
      LIMIT @limit`;
    this.all = db.prepare<{ q: string; limit: number; exclude: string; hideSource: string }, SearchHitRow>(
      sql('AND m.thread_id != @exclude AND t.source != @hideSource'),
    );
    this.inThread = db.prepare<{ q: string; limit: number; threadId: string }, SearchHitRow>(
      sql('AND m.thread_id = @threadId'),
    );
  }

  /** `hideSource`: leave out threads of this source (the agent's session_search skips subagents' threads). */
  search(query: string, opts: { limit: number; threadId?: string; excludeThreadId?: string; hideSource?: string }): SearchHitRow[] {
    const q = toFtsQuery(query);
    if (!q) return [];
    this.index?.flush();
    if (opts.threadId) return this.inThread.all({ q, limit: opts.limit, threadId: opts.threadId });
    return this.all.all({ q, limit: opts.limit, exclude: opts.excludeThreadId ?? '', hideSource: opts.hideSource ?? '' });
  }
}
