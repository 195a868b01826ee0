// Prepared statements, compiled once per SQL text: the gateway runs the same few queries for every message, and
// compiling them each time was a large share of its CPU under load.
import type Database from 'better-sqlite3';

export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
}
