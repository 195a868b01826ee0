// Importing a Hermes user's history (state.db, hermes_state.py's schema) into our database: the first import, a
// re-run that finds nothing new, and the start-up check when state.db has not changed. Baseline in the same run:
// our own store taking the same number of messages (FTS-indexed, in one transaction) — the floor any import pays.
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../server/store';
import { importHermesIfChanged, importHermesSessions } from '../server/store/hermes-import';
import { median, report, timeRuns } from './lib';

const SESSIONS = Number(process.env.BENCH_HERMES_SESSIONS ?? 2_000);
const PER = 25;

function hermesDb(dir: string): string {
  const path = join(dir, 'state.db');
  copyFileSync(resolve('test/fixtures/hermes-home/state.db'), path); // bench/run.mjs runs from the repository root
  const db = new Database(path);
  const s = db.prepare('INSERT INTO sessions (id, source, started_at, title) VALUES (?, ?, ?, ?)');
  const m = db.prepare('INSERT INTO messages (session_id, role, content, timestamp) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < SESSIONS; i++) {
      const id = `2026${String(i).padStart(8, '0')}_x`;
      s.run(id, i % 3 ? 'cli' : 'telegram', 1780000000 + i * 60, `session ${i}`);
      for (let j = 0; j < PER; j++) m.run(id, j % 2 ? 'assistant' : 'user', `message ${j} of session ${i}: deploy script rsync hydration ${i * j}`, 1780000000 + i * 60 + j);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-import-bench-'));
  const state = hermesDb(dir);
  let k = 0;
  const floor = await timeRuns(() => {
    const store = openStore(join(dir, `floor-${k++}.db`));
    store.threads.createThread({ id: 't', cwd: '/', model: 'm', source: 'bench', systemPrompt: null });
    store.db.transaction(() => {
      for (let i = 0; i < SESSIONS * PER; i++) {
        store.threads.insertMessage({ threadId: 't', turnId: null, role: 'user', content: `message ${i % PER} of session ${i}: deploy script rsync hydration ${i}`, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
      }
    })();
    store.close();
  }, 3, 0);
  let n = 0;
  const first = await timeRuns(() => {
    const store = openStore(join(dir, `ours-${n++}.db`));
    importHermesSessions(store.db, state);
    store.close();
  }, 3, 0);
  const store = openStore(join(dir, 'ours-again.db'));
  importHermesSessions(store.db, state);
  const rerun = await timeRuns(() => importHermesSessions(store.db, state), 3);
  await importHermesIfChanged(store.db, state);
  const unchanged = await timeRuns(() => importHermesIfChanged(store.db, state), 20);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  const msgs = SESSIONS * PER;
  report(`hermes-import (${SESSIONS} sessions, ${msgs} messages)`, [
    { metric: 'first import', value: median(first), unit: 'ms', baseline: median(floor), target: 'baseline: our store inserting as many messages' },
    { metric: 'first import per message', value: (median(first) * 1000) / msgs, unit: 'µs' },
    { metric: 're-run, nothing new', value: median(rerun), unit: 'ms' },
    { metric: 'start-up check, state.db unchanged', value: median(unchanged), unit: 'ms' },
  ]);
}

void main();
