import type Database from 'better-sqlite3';
import { openDatabase } from './db';
import { ThreadStore } from './threads';
import { MessageSearch } from './search';
import { SearchIndex } from './search-index';
import { startCheckpointer, type CheckpointerOptions } from './checkpointer';

export interface Store {
  db: Database.Database;
  threads: ThreadStore;
  search: MessageSearch;
  close(): void;
}

export interface StoreOptions {
  /** A long-lived process's store checkpoints its log on a worker thread, off the event loop (checkpointer.ts). */
  checkpointInWorker?: CheckpointerOptions;
}

export function openStore(path: string, opts: StoreOptions = {}): Store {
  const db = openDatabase(path);
  const checkpointer = opts.checkpointInWorker && !db.memory ? startCheckpointer(db, path, opts.checkpointInWorker) : undefined;
  const index = new SearchIndex(db);
  // Messages a previous process stored but did not index (it was killed) are indexed shortly after start.
  index.soon();
  return {
    db,
    threads: new ThreadStore(db, () => index.soon()),
    search: new MessageSearch(db, index),
    close: () => {
      index.close();
      checkpointer?.close();
      db.close();
    },
  };
}

export * from './threads';
export * from './search';
