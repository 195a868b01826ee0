import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../server/store';
import { migrate, migrations } from '../../../server/store/migrations';
import { toFtsQuery } from '../../../server/store/search';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'hermes-store-')), 'state.db');

describe('session store', () => {
  it('opens in WAL mode at the latest schema version, and migrations are forward-only', () => {
    const path = dbPath();
    const s = openStore(path);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    s.close();
    const db = new Database(path);
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(/newer than this hermes-host understands/);
    db.close();
  });

  it('applies a later migration to an existing database without touching data', () => {
    const path = dbPath();
    const s = openStore(path);
    s.threads.createThread({ id: 't1', cwd: '/', model: 'm', source: 'test', systemPrompt: 'sys' });
    s.close();
    const db = new Database(path);
    const extra = [...migrations, { version: 1000, name: 'test column', up: (d: Database.Database) => d.exec('ALTER TABLE threads ADD COLUMN extra TEXT') }];
    expect(migrate(db, extra)).toEqual({ from: migrations.at(-1)!.version, to: 1000 });
    expect(db.prepare('SELECT id, extra FROM threads').get()).toEqual({ id: 't1', extra: null });
    db.close();
  });

  it('indexes messages for search and hides rolled-back ones', () => {
    const s = openStore(dbPath());
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    const add = (turnId: string, content: string) => {
      s.threads.createTurn(turnId, 't1', 'm');
      s.threads.insertMessage({ threadId: 't1', turnId, role: 'user', content, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
    };
    add('u1', 'the quick brown foxes');
    add('u2', 'lazy dogs sleeping');
    expect(s.search.search('fox', { limit: 5 }).map((h) => h.turnId)).toEqual(['u1']);
    expect(s.search.search('dog', { limit: 5 })).toHaveLength(1);
    expect(s.threads.rollback('t1', 1)).toEqual(['u2']);
    expect(s.search.search('dog', { limit: 5 })).toHaveLength(0);
    expect(s.threads.history('t1').map((m) => m.content)).toEqual(['the quick brown foxes']);
    s.threads.deleteThread('t1');
    expect(s.search.search('fox', { limit: 5 })).toHaveLength(0);
    s.close();
  });

  it('turns any user text into a safe FTS query', () => {
    expect(toFtsQuery('foo "bar" OR (baz')).toBe('"foo" "bar" "OR" "baz"*');
    expect(toFtsQuery('***')).toBeNull();
  });
});
