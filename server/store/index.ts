import type Database from 'better-sqlite3';
import { openDatabase } from './db';
import { ThreadStore } from './threads';
import { MessageSearch } from './search';

export interface Store {
  db: Database.Database;
  threads: ThreadStore;
  search: MessageSearch;
  close(): void;
}

export function openStore(path: string): Store {
  const db = openDatabase(path);
  return {
    db,
    threads: new ThreadStore(db),
    search: new MessageSearch(db),
    close: () => db.close(),
  };
}

export * from './threads';
export * from './search';
