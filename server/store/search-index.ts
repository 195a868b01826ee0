// Keeps the full-text index (messages_fts) up to date in batches instead of one insert trigger per message. An FTS5
// insert writes a new index segment in its transaction and now and then merges segments, so indexing each message
// as it was stored cost a busy gateway a third of its time in SQLite and put merges of several ms in the path of a
// reply. Messages are indexed a moment later, many per transaction; a search indexes whatever is left first, so it
// never misses a message. fts_state.indexed_to is the last message id indexed; the update and delete triggers
// (migration 24) touch the index only for messages at or below it.
import type Database from 'better-sqlite3';

/** How long after a write the batch runs: long enough to gather a busy minute's messages into a few transactions. */
const DELAY_MS = 2000;
/** Rows per transaction, so catching up after an import does not hold the database for seconds at a time. */
const BATCH = 500;

export class SearchIndex {
  private timer: NodeJS.Timeout | undefined;
  private readonly watermark;
  private readonly pending;
  private readonly insert;
  private readonly advance;
  private readonly batch;

  constructor(private readonly db: Database.Database) {
    this.watermark = db.prepare<[], { indexed_to: number }>('SELECT indexed_to FROM fts_state WHERE id = 1');
    this.pending = db.prepare<[number, number], { id: number; content: string | null }>(
      'SELECT id, content FROM messages WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.insert = db.prepare('INSERT INTO messages_fts(rowid, content) VALUES (?, ?)');
    this.advance = db.prepare('UPDATE fts_state SET indexed_to = ? WHERE id = 1');
    // IMMEDIATE: the watermark is read under the write lock, so two processes on one database never index the same
    // message twice (a second entry for a rowid would corrupt an external-content index).
    this.batch = db.transaction((): number => {
      const from = this.watermark.get()?.indexed_to ?? 0;
      const rows = this.pending.all(from, BATCH);
      for (const r of rows) if (r.content !== null) this.insert.run(r.id, r.content);
      if (rows.length) this.advance.run(rows[rows.length - 1].id);
      return rows.length;
    });
  }

  /** A message was stored: index it (and any others by then) shortly. */
  soon(): void {
    if (this.timer || !this.db.open) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Catching up on a large backlog goes one batch per timer turn, letting other work in between. Any other
      // failure is left to the next search, which raises it to its caller instead of crashing the host here.
      let n = 0;
      try {
        if (this.db.open) n = this.step();
      } catch {}
      if (n === BATCH) this.soon();
    }, DELAY_MS);
    this.timer.unref();
  }

  /** Indexes every message stored so far (before a search, and when the database closes). */
  flush(): void {
    while (this.step() === BATCH) {}
  }

  /**
   * One batch; 0 when the database cannot be written now (opened read-only, or another process holding the write
   * lock past busy_timeout): the messages stay pending for the next write or search, and a search answers from
   * what is indexed.
   */
  private step(): number {
    try {
      return this.batch.immediate();
    } catch (e) {
      if (/^SQLITE_(READONLY|BUSY)/.test((e as { code?: string }).code ?? '')) return 0;
      throw e;
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.db.open) this.flush();
  }
}
