// The full-text index is written in batches after messages are stored (server/store/search-index.ts): a search
// still finds every message, edits and deletions keep the index consistent whether or not a message was indexed
// yet, a killed process's messages are indexed by the next one, and two processes never index a message twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../server/store';
import { migrate, migrations } from '../../../server/store/migrations';
import { SearchIndex } from '../../../server/store/search-index';
import { until } from '../../support/until';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'hermes-fts-')), 'state.db');

function addMessage(s: Store, threadId: string, turnId: string, content: string): number {
  s.threads.createTurn(turnId, threadId, 'm');
  return s.threads.insertMessage({ threadId, turnId, role: 'user', content, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
}

const indexedTo = (db: Database.Database) => (db.prepare('SELECT indexed_to FROM fts_state').get() as { indexed_to: number }).indexed_to;
const ftsRows = (db: Database.Database) => (db.prepare('SELECT COUNT(*) AS n FROM messages_fts_docsize').get() as { n: number }).n;
/** FTS5's own check that the index matches the stored messages: throws "database disk image is malformed" if not. */
const integrity = (db: Database.Database) => db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").run();

describe('search index in batches', () => {
  it('stores a message without indexing it, and a search indexes it first', () => {
    const s = openStore(dbPath());
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    const id = addMessage(s, 't1', 'u1', 'a migrating pelican');
    expect(indexedTo(s.db)).toBeLessThan(id);
    expect(ftsRows(s.db)).toBe(0);
    expect(s.search.search('pelican', { limit: 5 }).map((h) => h.messageId)).toEqual([id]);
    expect(indexedTo(s.db)).toBe(id);
    integrity(s.db);
    s.close();
  });

  it('indexes on its own shortly after a write', async () => {
    const s = openStore(dbPath());
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    const id = addMessage(s, 't1', 'u1', 'an unhurried tortoise');
    await until(() => indexedTo(s.db) === id, 'the batch', 10_000);
    expect(ftsRows(s.db)).toBe(1);
    s.close();
  });

  it('keeps the index consistent when messages change before and after they are indexed', () => {
    const s = openStore(dbPath());
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    const early = addMessage(s, 't1', 'u1', 'original walrus');
    s.search.search('walrus', { limit: 5 }); // indexes `early`
    const late = addMessage(s, 't1', 'u2', 'original narwhal');
    // Edited after indexing (the trigger updates the index) and before (the batch indexes the new text).
    s.db.prepare('UPDATE messages SET content = ? WHERE id = ?').run('edited walrus', early);
    s.db.prepare('UPDATE messages SET content = ? WHERE id = ?').run('edited narwhal', late);
    const third = addMessage(s, 't1', 'u3', 'doomed octopus');
    s.db.prepare('DELETE FROM messages WHERE id = ?').run(third); // never indexed
    expect(s.search.search('original', { limit: 5 })).toHaveLength(0);
    // (The check compares the index with every stored message, so it only holds once the batch ran: after a search.)
    integrity(s.db);
    expect(s.search.search('edited', { limit: 5 }).map((h) => h.messageId).sort()).toEqual([early, late].sort());
    expect(s.search.search('octopus', { limit: 5 })).toHaveLength(0);
    s.db.prepare('DELETE FROM messages WHERE id = ?').run(early); // indexed
    expect(s.search.search('walrus', { limit: 5 })).toHaveLength(0);
    integrity(s.db);
    s.close();
  });

  it("indexes what a killed process stored but had not indexed, when the next one opens the database", async () => {
    const path = dbPath();
    const a = openStore(path);
    a.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    const id = addMessage(a, 't1', 'u1', 'stranded albatross');
    a.db.close(); // no index.close(): as after kill -9
    const b = openStore(path);
    await until(() => indexedTo(b.db) === id, 'the catch-up batch', 10_000);
    expect(b.search.search('albatross', { limit: 5 }).map((h) => h.messageId)).toEqual([id]);
    b.close();
  });

  it('catches up on thousands of messages in bounded batches, and two processes never index one twice', () => {
    const path = dbPath();
    const s = openStore(path);
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    const ins = s.db.prepare("INSERT INTO messages (thread_id, role, content, created_at) VALUES ('t1', 'user', ?, 0)");
    s.db.transaction(() => {
      for (let i = 0; i < 1234; i++) ins.run(`imported message ${i} heron`);
    })();
    const other = new Database(path);
    const twin = new SearchIndex(other);
    twin.flush();
    s.search.search('heron', { limit: 1 });
    twin.flush();
    expect(ftsRows(s.db)).toBe(1234);
    integrity(s.db);
    expect(s.search.search('heron', { limit: 2000 })).toHaveLength(1234);
    other.close();
    s.close();
  });

  it('answers from what is indexed when the database cannot be written', () => {
    const path = dbPath();
    const s = openStore(path);
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    addMessage(s, 't1', 'u1', 'indexed ibis');
    s.search.search('ibis', { limit: 1 });
    addMessage(s, 't1', 'u2', 'pending ibis');
    s.close = () => s.db.close();
    s.db.close();
    const ro = new Database(path, { readonly: true });
    const idx = new SearchIndex(ro);
    expect(() => idx.flush()).not.toThrow();
    expect(ro.prepare("SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH 'ibis'").get()).toEqual({ n: 1 });
    ro.close();
  });

  it('starts a database from before batching with its trigger-built index and goes on from there', () => {
    const path = dbPath();
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    migrate(db, migrations.filter((m) => m.version < 24));
    db.prepare("INSERT INTO threads (id, title, cwd, model, source, created_at, updated_at) VALUES ('t1', 'T', '/', 'm', 'test', 0, 0)").run();
    const old = Number(db.prepare("INSERT INTO messages (thread_id, role, content, created_at) VALUES ('t1', 'user', 'ancient manatee', 0)").run().lastInsertRowid);
    db.close();
    const s = openStore(path);
    expect(indexedTo(s.db)).toBe(old);
    const fresh = addMessage(s, 't1', 'u9', 'modern manatee');
    expect(s.search.search('manatee', { limit: 5 }).map((h) => h.messageId)).toEqual([fresh, old]);
    integrity(s.db);
    s.close();
  });
});
