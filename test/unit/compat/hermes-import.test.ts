// Hermes's state.db (written by hermes_state.py; see test/fixtures/hermes-home/README.md) is imported read-only into
// our own database: sessions → threads with source and times kept, messages → searchable messages; re-running adds
// only what is new. Our own earlier database at state.db is moved to its new name once.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../server/store';
import { importHermesIfChanged, importHermesSessions, importHermesSessionsGradually } from '../../../server/store/hermes-import';
import { adoptLegacyDatabase, stateDbKind } from '../../../server/store/legacy';

const FIXTURE_DB = resolve(__dirname, '../../fixtures/hermes-home/state.db');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function copyHermesDb(): { dir: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-import-'));
  const state = join(dir, 'state.db');
  copyFileSync(FIXTURE_DB, state);
  return { dir, state };
}

describe("importing Hermes's sessions", () => {
  it('brings every session in with its source, title and timestamps, searchable, without touching state.db', () => {
    const { dir, state } = copyHermesDb();
    const before = sha(state);
    expect(stateDbKind(state)).toBe('hermes');
    const store = openStore(join(dir, 'hermes-host.db'));
    const r = importHermesSessions(store.db, state);
    expect(r).toMatchObject({ sessionsAdded: 3, sessionsUpdated: 0, messagesAdded: 8 });
    const threads = store.threads.listThreads({ limit: 10 }).rows;
    expect(threads.map((t) => [t.id, t.source, t.title])).toEqual([
      ['hermes-20260601_070005_0a9b8c', 'cron', ''],
      ['hermes-20260530_184210_d4e5f6', 'telegram', 'Sourdough hydration'],
      ['hermes-20260528_091500_a1b2c3', 'cli', 'Fix the flaky deploy script'],
    ]);
    const cli = store.threads.getThreadRow('hermes-20260528_091500_a1b2c3')!;
    expect(cli.created_at).toBe(1780000001500); // Hermes's started_at, in ms
    expect(cli.cwd).toBe('/home/ada/projects/site');
    const history = store.threads.history(cli.id);
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(history[1].toolCalls).toEqual([{ id: 'call_1', name: 'terminal', arguments: '{"command": "bash deploy.sh --dry-run"}' }]);
    expect(history[2].items[0]).toMatchObject({ type: 'toolCall', tool: 'terminal', arguments: { command: 'bash deploy.sh --dry-run' }, status: 'completed' });
    expect(store.threads.listTurns(cli.id)).toHaveLength(1);
    const hits = store.search.search('rsync', { limit: 10 });
    expect(new Set(hits.map((h) => h.threadId))).toEqual(new Set(['hermes-20260528_091500_a1b2c3']));
    expect(store.search.search('hydration', { limit: 10 })[0].threadId).toBe('hermes-20260530_184210_d4e5f6');
    store.close();
    expect(sha(state)).toBe(before);
    expect(existsSync(`${state}-wal`)).toBe(false);
    expect(existsSync(`${state}-shm`)).toBe(false);
  });

  it('is idempotent and picks up sessions and messages Hermes added since', () => {
    const { dir, state } = copyHermesDb();
    const store = openStore(join(dir, 'hermes-host.db'));
    importHermesSessions(store.db, state);
    expect(importHermesSessions(store.db, state)).toMatchObject({ sessionsAdded: 0, sessionsUpdated: 0, messagesAdded: 0 });
    // Hermes keeps going: a new message in an old session and a new session (rows as hermes_state.py writes them).
    const h = new Database(state);
    h.prepare("INSERT INTO messages (session_id, role, content, timestamp) VALUES ('20260530_184210_d4e5f6', 'user', 'And for a spelt loaf?', 1780200000)").run();
    h.prepare("INSERT INTO sessions (id, source, started_at, title) VALUES ('20260605_100000_ffffff', 'discord', 1780653600, 'Garden')").run();
    h.prepare("INSERT INTO messages (session_id, role, content, timestamp) VALUES ('20260605_100000_ffffff', 'user', 'When to plant garlic?', 1780653601)").run();
    h.close();
    expect(importHermesSessions(store.db, state)).toMatchObject({ sessionsAdded: 1, sessionsUpdated: 1, messagesAdded: 2 });
    expect(store.threads.history('hermes-20260530_184210_d4e5f6').map((m) => m.content).at(-1)).toBe('And for a spelt loaf?');
    expect(store.threads.getThreadRow('hermes-20260605_100000_ffffff')!.source).toBe('discord');
    // A thread the user deleted here stays deleted.
    store.threads.deleteThread('hermes-20260605_100000_ffffff');
    expect(importHermesSessions(store.db, state)).toMatchObject({ sessionsAdded: 0, skipped: 1 });
    store.close();
  });

  it('the start-up import goes in batches and reads state.db again only when it changed', async () => {
    const { dir, state } = copyHermesDb();
    const store = openStore(join(dir, 'hermes-host.db'));
    expect(await importHermesSessionsGradually(store.db, state, 1)).toMatchObject({ sessionsAdded: 3, messagesAdded: 8 });
    const again = openStore(join(dir, 'second.db'));
    expect(await importHermesIfChanged(again.db, state)).toMatchObject({ sessionsAdded: 3 });
    expect(await importHermesIfChanged(again.db, state)).toBeNull();
    store.close();
    again.close();
  });

  it("moves our own earlier state.db (with its WAL) to the new name once, and never Hermes's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-legacy-'));
    const old = join(dir, 'state.db');
    const store = openStore(old);
    store.threads.createThread({ id: 't-old', cwd: '/', model: 'm', source: 'cli', systemPrompt: null });
    // keep the writer open so the row sits in the WAL, as after a crash
    const target = join(dir, 'hermes-host.db');
    const wal = existsSync(`${old}-wal`);
    store.db.close();
    expect(wal).toBe(true);
    expect(stateDbKind(old)).toBe('ours');
    expect(adoptLegacyDatabase(old, target)).toBe(true);
    expect(existsSync(old) || existsSync(`${old}-wal`) || existsSync(`${old}-shm`)).toBe(false);
    const moved = openStore(target);
    expect(moved.threads.getThreadRow('t-old')).toBeDefined();
    moved.close();
    expect(adoptLegacyDatabase(old, target)).toBe(false);

    const { dir: d2, state } = copyHermesDb();
    expect(adoptLegacyDatabase(state, join(d2, 'hermes-host.db'))).toBe(false);
    expect(existsSync(state)).toBe(true);
  });
});
