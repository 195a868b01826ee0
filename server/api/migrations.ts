// The HTTP API's tables (schema versions 16 and 17): which thread a client's session continues, the stored Responses
// (for previous_response_id and GET /v1/responses/{id}), and idempotency keys with the response they produced.
import type { Migration } from '../store/migrations';

export const apiMigrations: Migration[] = [
  {
    version: 16,
    name: 'api: sessions and stored responses',
    up(db) {
      db.exec(`
        -- A client's session id (X-Hermes-Session-Id, session_id, user, a derived key) → the thread it continues.
        -- No foreign key: a thread deleted elsewhere is noticed at lookup and the session starts a new one.
        CREATE TABLE api_sessions (
          session_id TEXT PRIMARY KEY,
          thread_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE api_responses (
          id TEXT PRIMARY KEY,
          thread_id TEXT NOT NULL,
          turn_id TEXT NOT NULL,
          previous_id TEXT,
          body TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX idx_api_responses_created ON api_responses(created_at);
      `);
    },
  },
  {
    version: 17,
    name: 'api: idempotency keys',
    up(db) {
      db.exec(`
        -- scope: the caller (a hash of its key or address) and the route; fingerprint: the canonical request body.
        CREATE TABLE api_idempotency (
          scope TEXT NOT NULL,
          key TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          status INTEGER NOT NULL,
          body TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (scope, key)
        );
        CREATE INDEX idx_api_idempotency_created ON api_idempotency(created_at);
      `);
    },
  },
];
