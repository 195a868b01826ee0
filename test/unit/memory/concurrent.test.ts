import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../server/memory';

let work: string;
let writerJs: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hermes-mem-conc-'));
  writerJs = join(work, 'writer.js');
  buildSync({
    entryPoints: [join(__dirname, 'fixtures', 'writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: writerJs,
    logLevel: 'error',
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function runWriter(dir: string, prefix: string, count: number, startAt: number, target: string) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [writerJs, dir, prefix, String(count), String(startAt), target], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('concurrent writers (real processes)', () => {
  it('loses no entry when several processes add to the same file at once', async () => {
    const dir = join(work, 'mem-a');
    const startAt = Date.now() + 400; // all children start adding at the same moment
    const names = ['alpha', 'beta', 'gamma'];
    const results = await Promise.all(names.map((n) => runWriter(dir, n, 20, startAt, 'memory')));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    const entries = new MemoryStore(dir, { memory: 1_000_000 }).read('memory').entries;
    expect(entries).toHaveLength(60);
    for (const n of names) {
      for (let i = 0; i < 20; i++) expect(entries).toContain(`${n} entry ${i}`);
      // each writer's own entries stay in the order it wrote them
      const mine = entries.filter((e) => e.startsWith(`${n} `));
      expect(mine).toEqual(Array.from({ length: 20 }, (_, i) => `${n} entry ${i}`));
    }
    // no temp files left behind; the lock is Hermes's lock FILE, which stays (as Hermes leaves it)
    expect(readdirSync(dir).sort()).toEqual(['MEMORY.md', 'MEMORY.md.lock']);
  });

  it('keeps the two targets independent under concurrent writes', async () => {
    const dir = join(work, 'mem-b');
    const startAt = Date.now() + 400;
    const results = await Promise.all([
      runWriter(dir, 'm1', 20, startAt, 'memory'),
      runWriter(dir, 'm2', 20, startAt, 'memory'),
      runWriter(dir, 'u1', 20, startAt, 'user'),
    ]);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const store = new MemoryStore(dir, { memory: 1_000_000, user: 1_000_000 });
    expect(store.read('memory').entryCount).toBe(40);
    expect(store.read('user').entryCount).toBe(20);
    expect(store.read('user').entries.every((e) => e.startsWith('u1 '))).toBe(true);
  });
});
