// execute_code's script process under real bwrap: the workspace read-only, /tmp its own scratch, HERMES_HOME's
// secrets and ~/.ssh hidden, no network; killed with its whole process tree on timeout and on interrupt.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runConfined } from '../../../server/tools/code/confined-run';
import { resolveConfinement } from '../../../server/sandbox/local';
import { defaultConfig } from '../../../server/config/schema';

const cacheDir = join(homedir(), '.cache', 'hermes-host-tests');
mkdirSync(cacheDir, { recursive: true });
const root = realpathSync(mkdtempSync(join(cacheDir, 'script-confine-')));
const home = join(root, 'home');
const hermesHome = join(home, '.hermes');
const ws = join(root, 'ws');
const scratch = join(root, 'scratch');
for (const d of [join(home, '.ssh'), hermesHome, ws, scratch]) mkdirSync(d, { recursive: true });
writeFileSync(join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY MATERIAL\n');
writeFileSync(join(hermesHome, '.env'), 'OPENAI_API_KEY=sk-host-secret\n');
writeFileSync(join(ws, 'data.txt'), 'workspace data\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const policy = resolveConfinement({ terminal: defaultConfig().terminal, cwd: ws, hermesHome, home }).policy!;

function sleepers(): string[] {
  return readdirSync('/proc').filter((p) => {
    try {
      return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('612.25');
    } catch {
      return false;
    }
  });
}

function run(code: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  return runConfined({
    policy,
    scratch,
    cwd: ws,
    argv: [process.execPath, '-e', code],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
    timeoutMs: o.timeoutMs ?? 20_000,
    signal: o.signal ?? new AbortController().signal,
    keepChars: 1000,
  });
}

describe('execute_code script confinement', () => {
  it('reads the workspace, writes only /tmp, sees no secrets and no network', async () => {
    const r = await run(`
      const fs = require('fs');
      const tryIt = (name, f) => { try { const v = f(); console.log(name, 'ok', v ?? ''); } catch (e) { console.log(name, e.code); } };
      tryIt('read', () => fs.readFileSync('data.txt', 'utf8').trim());
      tryIt('write-ws', () => fs.writeFileSync('x.txt', 'x'));
      tryIt('write-tmp', () => { fs.writeFileSync('/tmp/x.txt', 'x'); return fs.readFileSync('/tmp/x.txt', 'utf8'); });
      tryIt('env-file', () => fs.readFileSync(${JSON.stringify(join(hermesHome, '.env'))}, 'utf8'));
      tryIt('ssh', () => fs.readdirSync(${JSON.stringify(join(home, '.ssh'))}).length);
      require('net').connect(80, '1.1.1.1').on('error', (e) => console.log('net', e.code)).on('connect', () => console.log('net ok'));
    `);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('read ok workspace data');
    expect(r.stdout).toContain('write-ws EROFS');
    expect(r.stdout).toContain('write-tmp ok x');
    expect(r.stdout).toMatch(/env-file (ok \n|EACCES)/); // hidden: unreadable, or /dev/null in its place
    expect(r.stdout).not.toContain('sk-host-secret');
    expect(r.stdout).toContain('ssh ok 0'); // hidden: an empty directory
    expect(r.stdout).toMatch(/net (ENETUNREACH|EHOSTUNREACH|ECONNREFUSED)/);
  });

  it('kills the script and its children on timeout and on interrupt, keeping a bounded output', async () => {
    const t = await run(`require('child_process').spawn('sleep', ['612.25'], { stdio: 'ignore' }); process.stdout.write('y'.repeat(5000)); setInterval(() => {}, 1000);`, { timeoutMs: 1500 });
    expect(t.timedOut).toBe(true);
    expect(t.stdout.length).toBeLessThan(2200);
    expect(t.stdout).toContain('characters dropped');
    // The PID namespace went with it: its grandchild is gone too.
    await expect.poll(() => sleepers(), { timeout: 5000 }).toEqual([]);
    const ac = new AbortController();
    const p = run(`setInterval(() => {}, 1000); console.log('started');`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 500);
    const i = await p;
    expect(i.interrupted).toBe(true);
  });
});
