// `npm install -g` of the packed CLI into a clean prefix, as a user would: the tarball from scripts/pack-cli.mjs,
// the user's npm fetching the runtime dependencies from the registry and building node-pty (--allow-scripts), then
// the installed `hermes-host` runs a turn with a terminal call against the scripted model, finds its bundled skills
// and reports itself healthy. better-sqlite3 comes prebuilt for the running Node's ABI (no install script).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { tempHome, writeTestConfig } from '../support/host-process';

const ROOT = resolve(__dirname, '../..');
let model: ScriptedModelServer;
let bin: string;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'hermes-global-'));
  const tarball = execFileSync(process.execPath, [join(ROOT, 'scripts', 'pack-cli.mjs'), '--out', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const prefix = join(work, 'prefix');
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--allow-scripts=node-pty', tarball], {
    cwd: work,
    stdio: 'pipe',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  bin = join(prefix, 'bin', 'hermes-host');
  model = await ScriptedModelServer.start();
}, 15 * 60_000);
afterAll(async () => model?.close());

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const p = spawn(bin, args, { env: { ...process.env, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm install -g of the packed CLI', () => {
  it('gives a working hermes-host: a turn with a terminal call, bundled skills, doctor', async () => {
    expect(existsSync(bin)).toBe(true);
    expect((await run(['version'], {})).stdout).toMatch(/^hermes-host \d+\.\d+\.\d+/);
    const home = tempHome('hermes-global-home-');
    writeTestConfig(home, model.baseURL);
    model.script(
      { toolCalls: [{ name: 'terminal', arguments: { command: 'echo installed-globally' } }], when: (b) => JSON.stringify(b.messages).includes('from the global install') },
      { text: 'done from the installed CLI' },
    );
    const r = await run(['chat', '-q', 'hello from the global install'], { HERMES_HOME: home });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toContain('done from the installed CLI');
    const tools = model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(tools.join('\n')).toContain('installed-globally');
    // The bundled skills shipped in the tarball were found and seeded into HERMES_HOME.
    expect(existsSync(join(home, 'skills', 'git', 'commit-message', 'SKILL.md'))).toBe(true);
    const d = await run(['doctor', '--json'], { HERMES_HOME: home });
    const checks = JSON.parse(d.stdout).checks as { name: string; ok: boolean }[];
    expect(checks.find((c) => c.name === 'better-sqlite3')).toMatchObject({ ok: true });
    expect(checks.find((c) => c.name === 'node-pty')).toMatchObject({ ok: true });
  }, 120_000);
});
