// Earlier hermes-host versions kept their database at HERMES_HOME/state.db, the very file the Hermes agent uses.
// On start, a state.db that is ours (recognised by our tables) is moved once to our own file name; a state.db that
// is Hermes's is never opened for writing.
import { openDatabase } from './sqlite';
import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, unlinkSync } from 'node:fs';

/** `ambiguous`: both schemas' names appear in the scanned bytes (a message quoting the other one). */
export type StateDbKind = 'none' | 'ours' | 'hermes' | 'ambiguous' | 'unknown';

/**
 * What HERMES_HOME/state.db is, judged by the CREATE statements in its schema. SQLite is not used for this: even a
 * read-only connection creates -wal/-shm files beside a WAL database, and Hermes's files must stay as they are. The
 * schema table lives in the first pages (or, for a fresh database, in its WAL), so the start of both is scanned.
 */
export function stateDbKind(path: string): StateDbKind {
  if (!existsSync(path)) return 'none';
  const head = readStart(path);
  if (!head.length) return 'none';
  if (head.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') return 'unknown';
  const text = head.toString('latin1') + readStart(`${path}-wal`).toString('latin1');
  const has = (table: string) => new RegExp(`CREATE TABLE (?:IF NOT EXISTS )?["'\`]?${table}\\b`, 'i').test(text);
  const ours = has('threads') && has('turns');
  const hermes = has('sessions') && has('messages');
  // Both sets of names can appear when a stored message quotes the other schema; adoptLegacyDatabase settles that
  // case by asking SQLite.
  if (ours && hermes) return 'ambiguous';
  return ours ? 'ours' : hermes ? 'hermes' : 'unknown';
}

const SCAN_BYTES = 4 * 1024 * 1024;

function readStart(path: string): Buffer {
  if (!existsSync(path)) return Buffer.alloc(0);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SCAN_BYTES, fstatSync(fd).size));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves our old state.db (and its -wal/-shm) to `target`, once. The WAL is checkpointed into the main file first so
 * the move is one file; if `target` already exists nothing is moved (the new file wins, the old one is left alone).
 */
export function adoptLegacyDatabase(statePath: string, target: string): boolean {
  if (existsSync(target)) return false;
  const kind = stateDbKind(statePath);
  if (kind !== 'ours' && kind !== 'ambiguous') return false;
  const db = openDatabase(statePath, { fileMustExist: true });
  try {
    // Ours for certain: our tables, none of Hermes's, and our migrations' user_version (Hermes leaves it at 0).
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const version = db.pragma('user_version', { simple: true }) as number;
    if (!(tables.has('threads') && tables.has('turns') && !tables.has('sessions') && version > 0)) return false;
    db.pragma('wal_checkpoint(TRUNCATE)');
    // DELETE mode removes the -wal and -shm files on close; the new name reopens in WAL mode.
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  // A -wal left after that belongs to another process still writing: moving now could lose its commits.
  if (existsSync(statePath + '-wal')) throw new Error(`${statePath} is still in use by another process (its -wal remains); stop it and start again`);
  if (existsSync(statePath + '-shm')) unlinkSync(statePath + '-shm');
  renameSync(statePath, target);
  return true;
}
