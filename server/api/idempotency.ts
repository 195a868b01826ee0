// Idempotency-Key: the same key with the same body gets the same response and runs no second turn — replayed from
// SQLite once finished (so a retry after a host restart is answered too), or shared while still running. The same
// key with a different body is refused. Only successful responses are kept: a failed turn may be retried.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiError } from './errors';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY = 255;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: 'new'; finish(r: StoredResponse): void; fail(): void }
  | { kind: 'done'; response: StoredResponse }
  | { kind: 'wait'; response: Promise<StoredResponse | undefined> };

/** A body's fingerprint: canonical JSON (object keys sorted), so formatting and key order do not matter. */
export function fingerprint(body: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canon(body))).digest('hex');
}

export class Idempotency {
  private readonly inFlight = new Map<string, { fingerprint: string; done: Promise<StoredResponse | undefined> }>();
  private readonly q;
  private lastPrune = 0;

  constructor(private readonly db: Database.Database) {
    this.q = {
      get: db.prepare<[string, string], { fingerprint: string; status: number; body: string; created_at: number }>(
        'SELECT fingerprint, status, body, created_at FROM api_idempotency WHERE scope = ? AND key = ?',
      ),
      put: db.prepare('INSERT OR REPLACE INTO api_idempotency (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM api_idempotency WHERE created_at < ?'),
    };
  }

  claim(scope: string, key: string, fp: string): Claim {
    if (key.length > MAX_IDEMPOTENCY_KEY || /[\u0000-\u001f\u007f]/.test(key)) {
      throw new ApiError(400, `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY} printable characters`, 'invalid_request_error', 'invalid_idempotency_key');
    }
    const now = Date.now();
    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      this.q.prune.run(now - IDEMPOTENCY_TTL_MS);
    }
    const id = `${scope}\0${key}`;
    const conflict = () =>
      new ApiError(422, 'This Idempotency-Key was used with a different request body; use a new key for a new request', 'invalid_request_error', 'idempotency_key_reused');
    const running = this.inFlight.get(id);
    if (running) {
      if (running.fingerprint !== fp) throw conflict();
      return { kind: 'wait', response: running.done };
    }
    const row = this.q.get.get(scope, key);
    if (row && now - row.created_at < IDEMPOTENCY_TTL_MS) {
      if (row.fingerprint !== fp) throw conflict();
      return { kind: 'done', response: { status: row.status, body: JSON.parse(row.body) } };
    }
    let settle!: (r: StoredResponse | undefined) => void;
    const done = new Promise<StoredResponse | undefined>((r) => (settle = r));
    this.inFlight.set(id, { fingerprint: fp, done });
    return {
      kind: 'new',
      finish: (r) => {
        this.q.put.run(scope, key, fp, r.status, JSON.stringify(r.body), Date.now());
        this.inFlight.delete(id);
        settle(r);
      },
      fail: () => {
        this.inFlight.delete(id);
        settle(undefined);
      },
    };
  }
}
