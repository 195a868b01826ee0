// Session store at scale: insert rate (one committed transaction per message, as the host does) and thread/search
// p50/p95 over 1,000,000 stored messages. Baselines in the same run: inserts into a bare table without the FTS
// index, and the raw FTS5 match without the join and snippet the host adds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../server/store';
import { median, percentile, report, type BenchRow } from './lib';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const THREADS = 2_000;

// A Zipf-like vocabulary, so common words match hundreds of thousands of rows and rare ones a handful.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const VOCAB = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}${'xyzqk'[i % 5]}`);
const word = () => VOCAB[Math.min(VOCAB.length - 1, Math.floor(1 / (rand() * 0.999 + 0.001) ** 1.1) - 1)];
const sentence = () => Array.from({ length: 8 + Math.floor(rand() * 40) }, word).join(' ');

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-store-bench-'));
  const store = openStore(join(dir, 'state.db'));
  const t = store.threads;
  for (let i = 0; i < THREADS; i++) t.createThread({ id: `t${i}`, title: `thread ${i}`, cwd: '/', model: 'm', source: 'bench', systemPrompt: '' });

  // Baseline: the same rows into a plain table (no full-text index), one transaction each.
  store.db.exec('CREATE TABLE plain (id INTEGER PRIMARY KEY, thread_id TEXT, role TEXT, content TEXT, created_at INTEGER)');
  const plain = store.db.prepare('INSERT INTO plain (thread_id, role, content, created_at) VALUES (?, ?, ?, ?)');
  const N_BASE = Math.min(100_000, TOTAL);
  let t0 = performance.now();
  for (let i = 0; i < N_BASE; i++) store.db.transaction(() => plain.run(`t${i % THREADS}`, 'user', sentence(), Date.now()))();
  const baseRate = N_BASE / ((performance.now() - t0) / 1000);
  store.db.exec('DROP TABLE plain');

  t0 = performance.now();
  let firstRate = 0;
  for (let i = 0; i < TOTAL; i++) {
    t.insertMessage({ threadId: `t${i % THREADS}`, turnId: null, role: i % 2 ? 'assistant' : 'user', content: sentence(), reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
    if (i + 1 === N_BASE) firstRate = N_BASE / ((performance.now() - t0) / 1000);
  }
  const storeMs = performance.now() - t0;
  const allRate = TOTAL / (storeMs / 1000);
  // The full-text index is written in batches after the messages (search-index.ts); the first search indexes all
  // that is pending, so this is the indexing the host does in the background, all at once.
  t0 = performance.now();
  store.search.search('warmup', { limit: 1 });
  const indexMs = performance.now() - t0;

  // Whole words of every frequency, two-word queries, partial words as typed (prefixes), and a miss.
  const queries = [VOCAB[0], VOCAB[3], VOCAB[40], VOCAB[900], VOCAB[15000], `${VOCAB[1]} ${VOCAB[60]}`, VOCAB[0].slice(0, 2), VOCAB[44].slice(0, 3), 'w1', 'nothingmatchesthis'];
  const raw = store.db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 20");
  const host: number[] = [];
  const base: number[] = [];
  for (let round = 0; round < 25; round++) {
    for (const q of queries) {
      let s = performance.now();
      store.search.search(q, { limit: 20 });
      host.push(performance.now() - s);
      s = performance.now();
      raw.all(`"${q.split(' ').join('" "')}"*`);
      base.push(performance.now() - s);
    }
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  const rows: BenchRow[] = [
    { metric: `insert rate, first ${N_BASE.toLocaleString()} messages`, value: firstRate, unit: 'msg/s', baseline: baseRate },
    { metric: `insert rate, all ${TOTAL.toLocaleString()} messages`, value: allRate, unit: 'msg/s', baseline: baseRate },
    { metric: `stored and indexed, all ${TOTAL.toLocaleString()} messages`, value: TOTAL / ((storeMs + indexMs) / 1000), unit: 'msg/s', baseline: baseRate },
    { metric: `thread/search p50 at ${TOTAL.toLocaleString()} messages`, value: median(host), unit: 'ms', baseline: median(base) },
    { metric: `thread/search p95 at ${TOTAL.toLocaleString()} messages`, value: percentile(host, 95), unit: 'ms', baseline: percentile(base, 95), target: '<= 20 ms' },
    { metric: 'peak RSS (bench process)', value: rss, unit: 'MB' },
  ];
  store.close();
  report('session store', rows);
}

main();
