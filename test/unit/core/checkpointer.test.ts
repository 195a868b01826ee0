// A long-lived store copies its write-ahead log into the database from a worker thread (server/store/checkpointer.ts):
// the main connection never checkpoints on commit, the worker keeps the log from growing, closing the store still
// leaves no log behind, and a worker that cannot run puts the checkpoints back on the main connection.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../server/store';
import { openDatabase } from '../../../server/store/db';
import { startCheckpointer } from '../../../server/store/checkpointer';
import { until } from '../../support/until';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'hermes-ckpt-')), 'state.db');

/** Writes ~4 MB in 200 commits: past SQLite's 1,000-page automatic checkpoint several times over. */
function writeALot(db: ReturnType<typeof openDatabase>): void {
  db.exec('CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data BLOB)');
  const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)');
  for (let i = 0; i < 200; i++) insert.run(Buffer.alloc(20_000, i));
}

describe('WAL checkpoints on a worker thread', () => {
  it('the main connection stops checkpointing and the worker copies the log into the database', async () => {
    const path = dbPath();
    const s = openStore(path, { checkpointInWorker: { intervalMs: 20 } });
    expect(s.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    writeALot(s.db);
    // Only a checkpoint writes pages into the database file itself; until then they live in the log.
    await until(() => statSync(path).size > before + 3_000_000, 'the worker to checkpoint the log into the database', 10_000);
    // All of it: a checkpoint now finds nothing left to copy.
    await until(() => {
      const [r] = s.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      return r.log === r.checkpointed;
    }, 'a checkpoint with nothing left to copy');
    s.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('without the worker the log is checkpointed by SQLite as usual (a one-shot store)', () => {
    const path = dbPath();
    const s = openStore(path);
    expect(s.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    s.close();
  });

  it('closing right after opening (the worker still starting) is clean, and the data is all there', () => {
    const path = dbPath();
    const s = openStore(path, { checkpointInWorker: {} });
    writeALot(s.db);
    s.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const db = openDatabase(path);
    expect((db.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(200);
    db.close();
  });

  it('a worker that cannot open the database puts the checkpoints back on the main connection and says so', async () => {
    const path = dbPath();
    const db = openDatabase(path);
    const errors: string[] = [];
    const c = startCheckpointer(db, join(path, 'missing', 'nothing.db'), { onError: (m) => errors.push(m) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await until(() => errors.length > 0, 'the fallback to be reported', 10_000);
    expect(errors[0]).toMatch(/WAL checkpoints are back on the main thread/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    c.close();
    db.close();
  });
});
