import type Database from 'better-sqlite3';
import { openDatabase as openSqlite } from './sqlite';
import { migrate } from './migrations';

/** Opens our database (hermes-host.db) in WAL mode and brings its schema up to date. */
export function openDatabase(path: string): Database.Database {
  const db = openSqlite(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode keeps committed transactions across a process crash (kill -9); only power loss can lose
  // the last ones, and it is several times faster than FULL. The gateway's exactly-once delivery (inbound log,
  // outbox) is promised against the death of the process, not of the machine, so NORMAL is enough for it.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
