// Earlier hermes-host versions kept their database at HERMES_HOME/state.db, the very file the Hermes agent uses.
// On start, a state.db that is ours (recognised by our tables) is moved once to our own file name; a state.db that
// is Hermes's is never opened for writing.
import Database from 'better-sqlite3';
import { existsSync, renameSync, unlinkSync } from 'node:fs';

export type StateDbKind = 'none' | 'ours' | 'hermes' | 'unknown';

/** What HERMES_HOME/state.db is, judged by its tables; opened read-only so nothing in it (or its WAL) changes. */
export function stateDbKind(path: string): StateDbKind {
  if (!existsSync(path)) return 'none';
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
    );
    if (tables.has('threads') && tables.has('turns')) return 'ours';
    if (tables.has('sessions') && tables.has('messages')) return 'hermes';
    return tables.size ? 'unknown' : 'none';
  } catch {
    return 'unknown';
  } finally {
    db?.close();
  }
}

/**
 * Moves our old state.db (and its -wal/-shm) to `target`, once. The WAL is checkpointed into the main file first so
 * the move is one file; if `target` already exists nothing is moved (the new file wins, the old one is left alone).
 */
export function adoptLegacyDatabase(statePath: string, target: string): boolean {
  if (existsSync(target) || stateDbKind(statePath) !== 'ours') return false;
  const db = new Database(statePath);
  try {
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
