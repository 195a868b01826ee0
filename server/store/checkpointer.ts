// SQLite copies the write-ahead log back into the database (a checkpoint) on the connection that commits, once the
// log passes 1,000 pages. On a busy host that is about once a second, and each checkpoint writes ~4 MB and fsyncs
// them on the event loop, stalling every turn and delivery in flight for several milliseconds. Here a worker thread
// with its own connection checkpoints instead, PASSIVE (it never waits for or blocks a writer), and the main
// connection's automatic checkpoints are off. If the worker cannot start or dies, they are switched back on, so the
// log never grows without bound.
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { packagedBinding } from './sqlite';

/** SQLite's default, restored when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;

// Plain CommonJS so that it runs from a string in the bundle and from source alike. PASSIVE on a log already
// copied returns at once, so a short interval costs nothing while idle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
db.pragma('busy_timeout = 0');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { if (e && e.code !== 'SQLITE_BUSY' && e.code !== 'SQLITE_LOCKED') throw e; }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  Atomics.store(workerData.closed, 0, 1);
  Atomics.notify(workerData.closed, 0);
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export interface Checkpointer {
  /**
   * Stops the worker. Its connection is closed before this returns (waiting at most a moment for a checkpoint in
   * progress), so the main connection's close is the last one and removes the log as before.
   */
  close(): void;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  onError?: (message: string) => void;
}

/** Moves `db`'s WAL checkpoints to a worker thread. `path` is the database file `db` has open. */
export function startCheckpointer(db: Database.Database, path: string, opts: CheckpointerOptions = {}): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  let closing = false;
  let ready = false;
  const closed = new Int32Array(new SharedArrayBuffer(4));
  const fallBack = (why: string) => {
    if (closing) return;
    closing = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    opts.onError?.(`WAL checkpoints are back on the main thread: ${why}`);
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: require.resolve('better-sqlite3'), nativeBinding: packagedBinding(), path, intervalMs: opts.intervalMs ?? 500, closed },
      // A few MiB are plenty for one connection and a timer; the default young generation alone is larger.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
  } catch (e) {
    fallBack((e as Error).message);
    return { close: () => {} };
  }
  // The host's lifetime is its sockets' and timers'; this thread must not keep it alive.
  worker.unref();
  worker.once('message', () => (ready = true));
  worker.on('error', (e) => fallBack(e.message));
  worker.once('exit', (code) => fallBack(`the checkpoint worker exited (code ${code})`));
  return {
    close: () => {
      if (closing) return;
      closing = true;
      // A worker still starting has at most just opened its connection; terminating it closes that too.
      if (ready) {
        worker.postMessage('close');
        Atomics.wait(closed, 0, 0, 2000);
      }
      void worker.terminate();
    },
  };
}
