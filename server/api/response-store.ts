// Stored Responses API objects: what GET /v1/responses/{id} returns and what previous_response_id continues (the
// thread and turn a response came from). The newest MAX_STORED are kept.
import type Database from 'better-sqlite3';

export const MAX_STORED_RESPONSES = 10_000;

export interface StoredResponseRow {
  id: string;
  threadId: string;
  turnId: string;
  previousId: string | null;
  body: Record<string, unknown>;
}

export class ResponseStore {
  private readonly q;
  private writes = 0;

  constructor(db: Database.Database) {
    this.q = {
      put: db.prepare('INSERT OR REPLACE INTO api_responses (id, thread_id, turn_id, previous_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      get: db.prepare<[string], { id: string; thread_id: string; turn_id: string; previous_id: string | null; body: string }>(
        'SELECT id, thread_id, turn_id, previous_id, body FROM api_responses WHERE id = ?',
      ),
      del: db.prepare('DELETE FROM api_responses WHERE id = ?'),
      prune: db.prepare(
        `DELETE FROM api_responses WHERE id IN (SELECT id FROM api_responses ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ${MAX_STORED_RESPONSES})`,
      ),
    };
  }

  put(r: StoredResponseRow): void {
    this.q.put.run(r.id, r.threadId, r.turnId, r.previousId, JSON.stringify(r.body), Date.now());
    if (++this.writes % 100 === 0) this.q.prune.run();
  }

  get(id: string): StoredResponseRow | undefined {
    const r = this.q.get.get(id);
    return r ? { id: r.id, threadId: r.thread_id, turnId: r.turn_id, previousId: r.previous_id, body: JSON.parse(r.body) } : undefined;
  }

  delete(id: string): boolean {
    return this.q.del.run(id).changes > 0;
  }
}
