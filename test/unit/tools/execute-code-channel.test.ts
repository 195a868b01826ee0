// The generated hermes_tools modules against the real tool socket (no sandbox here: this is about the wire): calls
// by object and by position, the allowlist and the call budget as errors the script can catch, concurrent calls.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolChannel } from '../../../server/tools/code/rpc-server';
import { jsGlobals, jsModule, pythonModule, stubParams } from '../../../server/tools/code/stubs';
import { findPython } from '../../../server/tools/code/confined-run';

const tools = [
  { name: 'read_file', params: stubParams({ properties: { path: {}, offset: {}, limit: {} }, required: ['path'] }) },
  { name: 'terminal', params: stubParams({ properties: { timeout: {}, command: {} }, required: ['command'] }) },
];
let dir = '';
let channel: ToolChannel | undefined;
afterEach(async () => {
  await channel?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setup(maxCalls = 5) {
  dir = mkdtempSync(join(tmpdir(), 'hermes-chan-'));
  const seen: unknown[] = [];
  channel = new ToolChannel({
    path: join(dir, 'rpc.sock'),
    allowed: new Set(['read_file', 'terminal']),
    maxCalls,
    dispatch: async (call) => {
      seen.push(call);
      return `${call.tool}:${JSON.stringify(call.args)}`;
    },
  });
  await channel.listen();
  return seen;
}

// Async: the tool socket is served by this very process.
function run(argv: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, HERMES_RPC_SOCKET: join(dir, 'rpc.sock'), PYTHONPATH: dir } });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    p.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('hermes_tools over the tool socket', () => {
  it('javascript: object and positional calls, concurrent calls, refusals as catchable errors', async () => {
    const seen = await setup(4);
    const pkg = join(dir, 'node_modules', 'hermes_tools');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'hermes_tools', type: 'module', exports: './index.mjs' }));
    writeFileSync(join(pkg, 'index.mjs'), jsModule(tools));
    writeFileSync(join(pkg, 'globals.mjs'), jsGlobals());
    writeFileSync(
      join(dir, 'script.mjs'),
      [
        "import { call } from 'hermes_tools';",
        "console.log(await read_file({ path: 'a.txt', limit: 3 }));",
        "console.log(await terminal('ls', { timeout: 5 }));",
        "console.log((await Promise.all([read_file('x'), read_file('y')])).join(' | '));",
        "try { await call('memory', {}); } catch (e) { console.log('refused:', e.message); }",
        "try { await read_file('z'); } catch (e) { console.log('refused:', e.message); }",
      ].join('\n'),
    );
    const r = await run([process.execPath, '--import', `file://${join(pkg, 'globals.mjs')}`, join(dir, 'script.mjs')]);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('read_file:{"path":"a.txt","limit":3}');
    expect(lines[1]).toBe('terminal:{"command":"ls","timeout":5}');
    expect(lines[2]).toBe('read_file:{"path":"x"} | read_file:{"path":"y"}');
    expect(lines[3]).toBe("refused: Tool 'memory' is not available in execute_code. Available: read_file, terminal");
    expect(lines[4]).toMatch(/^refused: Tool call limit reached \(4 per execute_code run\)/);
    expect(seen).toHaveLength(4);
    expect(channel!.calls).toBe(4);
  });

  it.skipIf(!findPython())('python: positional and keyword calls, helpers, refusals raise', async () => {
    await setup();
    writeFileSync(join(dir, 'hermes_tools.py'), pythonModule(tools));
    writeFileSync(
      join(dir, 'script.py'),
      [
        'from hermes_tools import *',
        'print(read_file("a.txt", limit=2))',
        'print(terminal(command="echo " + shell_quote("it\'s")))',
        'try:',
        '    call("web_search", {"query": "x"})',
        'except RuntimeError as e:',
        '    print("refused:", e)',
      ].join('\n'),
    );
    const r = await run([findPython()!, '-B', join(dir, 'script.py')]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      'read_file:{"path":"a.txt","limit":2}',
      `terminal:{"command":"echo 'it'\\"'\\"'s'"}`,
      "refused: Tool 'web_search' is not available in execute_code. Available: read_file, terminal",
    ]);
  });
});
