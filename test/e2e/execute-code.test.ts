// execute_code end to end: the built host runs the model's script under bubblewrap; the script calls host tools
// through the generated module over the 0600 socket. One host for the file (its client cannot answer approvals, as a
// `chat -q` run cannot), a workspace under ~/.cache so the sandbox can see it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import { useE2E } from '../support/e2e-env';
import type { ChatBody } from '../support/model-server';

const env = useE2E();
const cacheDir = join(homedir(), '.cache', 'hermes-host-tests');
let ws: string;
let host: HostProcess;

const hasToolResult = (b: ChatBody) => b.messages.some((m) => m.role === 'tool');

beforeAll(() => {
  mkdirSync(cacheDir, { recursive: true });
  ws = join(cacheDir, `exec-${process.pid}-${Date.now()}`);
  mkdirSync(join(ws, 'notes'), { recursive: true });
  writeFileSync(join(ws, 'notes', 'a.txt'), 'alpha\nTODO: fix the parser\nbeta\n');
  writeFileSync(join(ws, 'notes', 'b.txt'), 'nothing to do here\nTODO: write docs\n');
  writeFileSync(join(ws, 'keep.txt'), 'precious\n');
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

async function client() {
  // One host per test (useE2E stops it after each): the sandbox, socket and scratch dirs must not leak between them.
  const home = tempHome();
  writeTestConfig(home, env.model.baseURL);
  host = env.start({ home, cwd: ws });
  await host.client.initialize({ workspace: ws });
  const { thread } = await host.client.request('thread/start', { cwd: ws });
  return { c: host.client, thread };
}

async function runTurn(script: { code: string; language?: string }[], final = 'done') {
  env.model.script(
    { when: (b) => !hasToolResult(b), toolCalls: script.map((s) => ({ name: 'execute_code', arguments: s })) },
    { when: hasToolResult, text: final },
  );
  const { c, thread } = await client();
  const before = env.model.chatRequests().length;
  await c.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'run it' }] });
  const done = await c.waitFor('turn/completed', (p) => p.threadId === thread.id, 60_000);
  const requests = env.model.chatRequests().slice(before);
  const results = requests.at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)));
  return { c, thread, done, requests, results };
}

describe('execute_code', () => {
  it('a script reads, searches and writes through the tools in one turn', async () => {
    const code = [
      "const a = await read_file('notes/a.txt');",
      "const hits = await search_files({ pattern: 'TODO', path: 'notes' });",
      "const todos = hits.split('\\n').filter((l) => l.includes('TODO')).length;",
      "const w = await write_file('report.txt', `a.txt mentions alpha: ${a.includes('alpha')}\\nTODO lines: ${todos}\\n`);",
      "console.log('report written', todos);",
    ].join('\n');
    const { done, requests, results } = await runTurn([{ code }]);
    expect(done.turn.status).toBe('completed');
    // Three tool calls, one model round trip for all of them.
    expect(requests).toHaveLength(2);
    expect(results[0]).toMatchObject({ status: 'success', tool_calls_made: 3, exit_code: 0 });
    expect(results[0].output).toMatch(/report written 2/);
    expect(readFileSync(join(ws, 'report.txt'), 'utf8')).toBe('a.txt mentions alpha: true\nTODO lines: 2\n');
  });

  it('a dangerous command inside a script asks the gate and is denied when nobody can answer', async () => {
    const code = ['r = terminal("rm -rf notes")', 'print("RESULT:", r)', 'print("still here:", read_file("notes/b.txt")[:40])'].join('\n');
    const { c, thread, results } = await runTurn([{ code, language: 'python' }]);
    expect(results[0].status).toBe('success');
    expect(results[0].output).toMatch(/RESULT: BLOCKED: nobody who can answer approvals/);
    expect(existsSync(join(ws, 'notes', 'b.txt'))).toBe(true);
    // The request went through the gate and its audit, as a direct terminal call would.
    const audit = await c.request('approvals/list', { threadId: thread.id });
    expect(audit.entries[0]).toMatchObject({ tool: 'terminal', subject: 'rm -rf notes', decision: 'noAnswerer' });
  });

  it('a script cannot delete or write workspace files directly, and sees no network or secrets', async () => {
    const js = [
      "import { rmSync, writeFileSync } from 'node:fs';",
      "import { execSync } from 'node:child_process';",
      "for (const [name, f] of [['rmSync', () => rmSync('keep.txt')], ['write', () => writeFileSync('new.txt', 'x')], ['sh rm', () => execSync('rm -f keep.txt 2>&1')]]) {",
      "  try { f(); console.log(name, 'WORKED'); } catch (e) { console.log(name, 'failed:', e.code ?? e.status); }",
      '}',
      "console.log('key visible:', !!process.env.TEST_MODEL_KEY);",
      "await fetch('http://127.0.0.1:9/').then(() => console.log('net WORKED'), () => console.log('net failed'));",
    ].join('\n');
    const py = ['import os', 'try:', '    os.remove("keep.txt")', '    print("os.remove WORKED")', 'except OSError as e:', '    print("os.remove failed:", e.strerror)', 'os.system("rm -f keep.txt")'].join('\n');
    const { results } = await runTurn([{ code: js }, { code: py, language: 'python' }]);
    expect(results[0].output).toMatch(/rmSync failed: EROFS/);
    expect(results[0].output).toMatch(/write failed: EROFS/);
    expect(results[0].output).toMatch(/sh rm failed: 1/);
    expect(results[0].output).toMatch(/key visible: false/);
    expect(results[0].output).toMatch(/net failed/);
    expect(results[1].output).toMatch(/os.remove failed: Read-only file system/);
    expect(readFileSync(join(ws, 'keep.txt'), 'utf8')).toBe('precious\n');
    expect(existsSync(join(ws, 'new.txt'))).toBe(false);
  });
});
