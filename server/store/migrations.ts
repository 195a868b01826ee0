// Forward-only schema migrations, applied in order inside one transaction each; `PRAGMA user_version` records
// the last one applied. Never edit a released migration: add a new one.
import type Database from 'better-sqlite3';
import { gatewayMigrations } from '../gateway/migrations';
import { delegationMigrations } from '../delegation/store';
import { apiMigrations } from '../api/migrations';
import { cronMigrations } from '../cron/migrations';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

const declared: Migration[] = [
  {
    version: 1,
    name: 'threads, turns, messages, full-text index',
    up(db) {
      db.exec(`
        CREATE TABLE threads (
          id TEXT PRIMARY KEY,
          title TEXT NOT NULL DEFAULT '',
          cwd TEXT NOT NULL,
          model TEXT NOT NULL DEFAULT '',
          source TEXT NOT NULL DEFAULT 'cli',
          system_prompt TEXT,
          parent_id TEXT REFERENCES threads(id) ON DELETE SET NULL,
          parent_kind TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          archived INTEGER NOT NULL DEFAULT 0,
          prompt_tokens INTEGER NOT NULL DEFAULT 0,
          completion_tokens INTEGER NOT NULL DEFAULT 0,
          cached_tokens INTEGER NOT NULL DEFAULT 0,
          reasoning_tokens INTEGER NOT NULL DEFAULT 0,
          cost_usd REAL,
          todos TEXT
        );
        CREATE INDEX idx_threads_recent ON threads(archived, updated_at DESC, id);
        CREATE INDEX idx_threads_parent ON threads(parent_id);

        CREATE TABLE turns (
          id TEXT PRIMARY KEY,
          thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          status TEXT NOT NULL,
          error TEXT,
          model TEXT,
          prompt_tokens INTEGER NOT NULL DEFAULT 0,
          completion_tokens INTEGER NOT NULL DEFAULT 0,
          cached_tokens INTEGER NOT NULL DEFAULT 0,
          reasoning_tokens INTEGER NOT NULL DEFAULT 0,
          cost_usd REAL,
          started_at INTEGER NOT NULL,
          completed_at INTEGER,
          active INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX idx_turns_thread ON turns(thread_id, seq);

        CREATE TABLE messages (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
          turn_id TEXT,
          role TEXT NOT NULL,
          content TEXT,
          reasoning TEXT,
          tool_calls TEXT,
          tool_call_id TEXT,
          tool_name TEXT,
          item TEXT,
          active INTEGER NOT NULL DEFAULT 1,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX idx_messages_thread ON messages(thread_id, id);
        CREATE INDEX idx_messages_turn ON messages(turn_id);

        -- Prefix indexes keep search-as-you-type (a trailing partial word) fast at millions of rows.
        CREATE VIRTUAL TABLE messages_fts USING fts5(
          content, content='messages', content_rowid='id', tokenize='porter unicode61', prefix='2 3 4'
        );
        CREATE TRIGGER messages_ai AFTER INSERT ON messages WHEN new.content IS NOT NULL BEGIN
          INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
        END;
        CREATE TRIGGER messages_ad AFTER DELETE ON messages WHEN old.content IS NOT NULL BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
        END;
        CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, content)
            SELECT 'delete', old.id, old.content WHERE old.content IS NOT NULL;
          INSERT INTO messages_fts(rowid, content) SELECT new.id, new.content WHERE new.content IS NOT NULL;
        END;
      `);
    },
  },
  {
    version: 2,
    name: 'approvals audit',
    up(db) {
      db.exec(`
        CREATE TABLE approvals (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          request_id TEXT,
          thread_id TEXT,
          turn_id TEXT,
          item_id TEXT,
          tool TEXT NOT NULL,
          kind TEXT NOT NULL,
          subject TEXT NOT NULL,
          cwd TEXT,
          backend TEXT,
          verdict TEXT NOT NULL,
          reasons TEXT NOT NULL,
          decision TEXT,
          answered_by TEXT,
          requested_at INTEGER NOT NULL,
          decided_at INTEGER
        );
        CREATE INDEX idx_approvals_thread ON approvals(thread_id, id);
      `);
    },
  },
  {
    version: 6,
    name: 'sessions imported from the Hermes agent state.db',
    up(db) {
      // One row per Hermes session brought in: re-running the import skips what is here and adds only the
      // messages after last_message_id (Hermes's own autoincrement id).
      db.exec(`
        CREATE TABLE hermes_imports (
          session_id TEXT PRIMARY KEY,
          -- No foreign key: the row outlives a thread the user deletes, so that session is not imported again.
          thread_id TEXT NOT NULL,
          last_message_id INTEGER NOT NULL DEFAULT 0,
          imported_at INTEGER NOT NULL
        );
        -- Size and mtime of state.db (and its -wal) at the last import: an unchanged file is not read again.
        CREATE TABLE hermes_import_state (id INTEGER PRIMARY KEY CHECK (id = 1), signature TEXT NOT NULL);
      `);
    },
  },
  {
    version: 24,
    name: 'full-text index in batches',
    up(db) {
      // Messages are indexed by SearchIndex (search-index.ts) after they are stored, not by a trigger per insert.
      // Everything stored so far was indexed by the old trigger.
      db.exec(`
        DROP TRIGGER IF EXISTS messages_ai;
        CREATE TABLE fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_to INTEGER NOT NULL);
        INSERT INTO fts_state (id, indexed_to) VALUES (1, (SELECT COALESCE(MAX(id), 0) FROM messages));
        DROP TRIGGER IF EXISTS messages_ad;
        CREATE TRIGGER messages_ad AFTER DELETE ON messages
          WHEN old.content IS NOT NULL AND old.id <= (SELECT indexed_to FROM fts_state) BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
        END;
        DROP TRIGGER IF EXISTS messages_au;
        CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages
          WHEN old.id <= (SELECT indexed_to FROM fts_state) BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, content)
            SELECT 'delete', old.id, old.content WHERE old.content IS NOT NULL;
          INSERT INTO messages_fts(rowid, content) SELECT new.id, new.content WHERE new.content IS NOT NULL;
        END;
      `);
    },
  },
  {
    version: 25,
    name: "a thread's active messages from the index alone",
    up(db) {
      // Every read of a thread's messages asks for the active ones. With `active` in the index, the per-call
      // history mark (COUNT and MAX of the active messages) is answered from the index without reading each
      // message's row, and the history itself skips inactive rows without reading them.
      db.exec(`
        DROP INDEX IF EXISTS idx_messages_thread;
        CREATE INDEX idx_messages_thread ON messages(thread_id, active, id);
      `);
    },
  },
  ...gatewayMigrations,
  ...delegationMigrations,
  ...apiMigrations,
  ...cronMigrations,
];

// Each feature keeps its migrations beside it; the list is in version order whatever the spread order.
export const migrations: Migration[] = [...declared].sort((a, b) => a.version - b.version);

export function migrate(db: Database.Database, list: Migration[] = migrations): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = list.reduce((m, x) => Math.max(m, x.version), 0);
  if (from > latest) {
    throw new Error(
      `database schema version ${from} is newer than this hermes-host understands (${latest}); upgrade hermes-host`,
    );
  }
  for (const mig of [...list].sort((a, b) => a.version - b.version)) {
    if (mig.version <= from) continue;
    db.transaction(() => {
      mig.up(db);
      db.pragma(`user_version = ${mig.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
