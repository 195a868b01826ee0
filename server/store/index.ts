import type Database from 'better-sqlite3';
import { openDatabase } from './db';
import { ThreadStore } from './threads';
import { MessageSearch } from './search';
import { SearchIndex } from './search-index';

export interface Store {
  db: Database.Database;
  threads: ThreadStore;
  search: MessageSearch;
  close(): void;
}

export function openStore(path: string): Store {
  const db = openDatabase(path);
  const index = new SearchIndex(db);
  // Messages a previous process stored but did not index (it was killed) are indexed shortly after start.
  index.soon();
  return {
    db,
    threads: new ThreadStore(db, () => index.soon()),
    search: new MessageSearch(db, index),
    close: () => {
      index.close();
      db.close();
    },
  };
}

export * from './threads';
export * from './search';
