// Memory writes take the Hermes agent's own lock: an exclusive flock on MEMORY.md.lock, a FILE. A real python
// process holding that flock (as tools/memory_tool.py does) must keep our write out until it lets go.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../server/memory';
import { withFileLock } from '../../../server/memory/flock';

const HOLD = `
import fcntl, sys
f = open(sys.argv[1], "a+", encoding="utf-8")
fcntl.flock(f, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
# Hermes re-reads and writes the memory file while it holds the lock
open(sys.argv[2], "a").write("\\n§\\nwritten by python under the lock")
fcntl.flock(f, fcntl.LOCK_UN)
print("released", flush=True)
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function pythonHolder(lock: string, file: string): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn('python3', ['-c', HOLD, lock, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      lines.push(...d.toString().split('\n').filter(Boolean));
      if (lines.includes('held')) resolve({ child, lines });
    });
    child.on('error', reject);
  });
}

describe('memory lock shared with the Hermes agent', () => {
  it('writes while Hermes\'s lock file is there, and leaves it a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-lock-'));
    writeFileSync(join(dir, 'MEMORY.md'), 'an entry Hermes wrote');
    writeFileSync(join(dir, 'MEMORY.md.lock'), '');
    const store = new MemoryStore(dir);
    const r = await store.add('memory', 'an entry we wrote');
    expect(r.success).toBe(true);
    expect(readFileSync(join(dir, 'MEMORY.md'), 'utf8')).toBe('an entry Hermes wrote\n§\nan entry we wrote\n');
    expect(statSync(join(dir, 'MEMORY.md.lock')).isFile()).toBe(true);
  });

  it('waits for a python process holding fcntl.flock, then writes on top of what it wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-lock-'));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'MEMORY.md');
    writeFileSync(file, 'first');
    const { child, lines } = await pythonHolder(`${file}.lock`, file);
    const store = new MemoryStore(dir);
    let done = false;
    const write = store.add('memory', 'ours').then((r) => {
      done = true;
      return r;
    });
    // While python holds the flock our write cannot have happened: give it ample chance to (wrongly) go ahead.
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first');
    child.stdin!.write('go\n');
    const r = await write;
    expect(r.success).toBe(true);
    expect(lines).toContain('released');
    // Our write re-read the file under the lock, so python's entry is kept and ours follows it.
    expect(r.entries).toEqual(['first', 'written by python under the lock', 'ours']);
  });

  it('replaces an empty lock directory left by an earlier version and never fails with ENOTDIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-lock-'));
    mkdirSync(join(dir, 'USER.md.lock'), { recursive: true });
    const r = await new MemoryStore(dir).add('user', 'likes tea');
    expect(r.success).toBe(true);
    expect(statSync(join(dir, 'USER.md.lock')).isFile()).toBe(true);
  });

  it('gives up with a clear error when the lock stays held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-lock-'));
    const file = join(dir, 'MEMORY.md');
    await pythonHolder(`${file}.lock`, file);
    await expect(withFileLock(`${file}.lock`, () => 1, { timeoutMs: 300 })).rejects.toThrow(/held by another process/);
  });
});
