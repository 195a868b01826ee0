// The terminal chat (`hermes-host chat` without -q) in a pseudo-terminal, attached to a running host:
//  - first paint: from spawning the command to the input box on screen; baseline: `hermes-host version` run to exit
//    in the same PTY (the CLI's own floor: Node start, launcher, bundle);
//  - keystroke-to-echo: from writing one character to the PTY to the chat drawing it; baseline: the same keystroke
//    echoed by `cat` (the terminal line discipline, no application in between).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as pty from 'node-pty';
import { median, report } from './lib';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const PAINTS = Number(process.env.BENCH_RUNS ?? 7);
const KEYS = 40;

function modelServer(): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'b' }] }));
  });
  server.unref();
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as any).port}/v1`)));
}

function term(file: string, args: string[], env: NodeJS.ProcessEnv) {
  const p = pty.spawn(file, args, { name: 'xterm-256color', cols: 110, rows: 40, env: env as Record<string, string> });
  let out = '';
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  p.onData((d) => {
    out += d;
    for (const w of waiters.splice(0)) (w.test(out) ? w.resolve : () => waiters.push(w))();
  });
  const exited = new Promise<void>((r) => p.onExit(() => r()));
  return {
    p,
    exited,
    mark: () => out.length,
    waitFor(test: (s: string) => boolean, timeoutMs = 30_000): Promise<void> {
      if (test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout; output so far: ${out.slice(-500)}`)), timeoutMs);
        waiters.push({ test, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    since: (i: number) => out.slice(i),
  };
}

async function main() {
  const url = await modelServer();
  const home = mkdtempSync(join(tmpdir(), 'hermes-bench-tui-'));
  writeFileSync(join(home, 'config.yaml'), `model:\n  default: test-model\n  provider: custom\n  base_url: ${url}\n`);
  const env = { ...process.env, HERMES_HOME: home, TERM: 'xterm-256color' };
  // A running owner, so the chat attaches (as it does next to an editor or the gateway).
  const host: ChildProcess = spawn(process.execPath, [MAIN, '--listen'], { env, stdio: 'ignore' });
  for (let i = 0; i < 300 && !existsSync(join(home, 'host.sock')); i++) await new Promise((r) => setTimeout(r, 50));

  const paints: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < PAINTS + 1; i++) {
    const t0 = performance.now();
    const v = term(process.execPath, [MAIN, 'version'], env);
    await v.exited;
    const floor = performance.now() - t0;
    const t1 = performance.now();
    const c = term(process.execPath, [MAIN, 'chat'], env);
    await c.waitFor((s) => s.includes('╰') && s.includes('Enter send'));
    const paint = performance.now() - t1;
    c.p.kill();
    await c.exited;
    if (i > 0) (paints.push(paint), floors.push(floor)); // the first run warms the V8 code cache
  }

  // Keystroke to echo in one long session.
  const c = term(process.execPath, [MAIN, 'chat'], env);
  await c.waitFor((s) => s.includes('Enter send'));
  const echo: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const from = c.mark();
    const t0 = performance.now();
    c.p.write(ch);
    await c.waitFor((s) => s.slice(from).includes(ch));
    echo.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  c.p.kill();
  const cat = term('/bin/cat', [], env);
  const catEcho: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const from = cat.mark();
    const t0 = performance.now();
    cat.p.write(ch);
    await cat.waitFor((s) => s.slice(from).includes(ch));
    catEcho.push(performance.now() - t0);
  }
  cat.p.kill();
  host.kill('SIGTERM');

  report('tui', [
    { metric: `first paint, attached to a running host (median of ${PAINTS})`, value: median(paints), unit: 'ms', baseline: median(floors), target: 'baseline: `hermes-host version` to exit' },
    { metric: `keystroke to echo (median of ${KEYS})`, value: median(echo), unit: 'ms', baseline: median(catEcho), target: 'baseline: cat in the same PTY' },
  ]);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
