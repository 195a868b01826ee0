// One owner per HERMES_HOME. The owner holds an exclusive SQLite lock on HERMES_HOME/host.lock: a POSIX record lock
// that the kernel drops when the process dies, however it dies, so a crash never leaves a stale lock to clean up.
// (A pid file or a lock directory would: proper-lockfile's mtime scheme also needs a live updater.) Beside it,
// host.owner.json says who owns the home, so a refused second owner can name the running one.
import type Database from 'better-sqlite3';
import { openDatabase } from '../store/sqlite';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';

export interface OwnerRecord {
  pid: number;
  /** How the owner was started: listen, gateway, stdio (spawned by an editor), cli (an in-process chat). */
  mode: string;
  /** The unix socket other processes attach to. */
  socket: string;
  version: string;
  startedAt: number;
  host: string;
}

export interface OwnerLock {
  readonly record: OwnerRecord;
  /** Releases the lock (also released by the kernel when the process exits). */
  release(): void;
}

export type Ownership = { owned: true; lock: OwnerLock } | { owned: false; holder: OwnerRecord | null };

export const lockPath = (home: string) => join(home, 'host.lock');
export const ownerRecordPath = (home: string) => join(home, 'host.owner.json');

/** Tries to become the owner of `home`; never waits. */
export function acquireOwnership(home: string, info: Omit<OwnerRecord, 'pid' | 'startedAt' | 'host'>): Ownership {
  let db: Database.Database | undefined;
  try {
    db = openDatabase(lockPath(home), { timeout: 0 });
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    // An exclusive transaction that is never committed: the lock lives as long as this connection.
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    try {
      db?.close();
    } catch {}
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return { owned: false, holder: readOwnerRecord(home) };
    throw new Error(`cannot lock ${lockPath(home)}: ${(e as Error).message}`);
  }
  const record: OwnerRecord = { ...info, pid: process.pid, startedAt: Date.now(), host: hostname() };
  const file = ownerRecordPath(home);
  writeFileSync(file + '.tmp', JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  renameSync(file + '.tmp', file);
  const held = db;
  let released = false;
  return {
    owned: true,
    lock: {
      record,
      release() {
        if (released) return;
        released = true;
        try {
          held.close();
        } catch {}
      },
    },
  };
}

/** Who owns `home`, if anyone does right now (the record alone is not proof: the lock is). */
export function currentOwner(home: string): OwnerRecord | null {
  let db: Database.Database | undefined;
  try {
    db = openDatabase(lockPath(home), { timeout: 0, fileMustExist: true });
    db.pragma('locking_mode = NORMAL');
    // A shared read lock fails while the owner holds its exclusive lock.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return null;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return readOwnerRecord(home);
    return null;
  } finally {
    try {
      db?.close();
    } catch {}
  }
}

export function readOwnerRecord(home: string): OwnerRecord | null {
  try {
    return JSON.parse(readFileSync(ownerRecordPath(home), 'utf8')) as OwnerRecord;
  } catch {
    return null;
  }
}

export function describeOwner(r: OwnerRecord | null): string {
  if (!r) return 'another hermes-host process';
  const mode = r.mode === 'cli' ? 'an in-process chat' : `--${r.mode}`;
  return `hermes-host pid ${r.pid} (${mode}, since ${new Date(r.startedAt).toISOString()}, socket ${r.socket})`;
}
