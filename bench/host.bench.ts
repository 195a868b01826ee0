// Host benchmarks (issue: foundation): cold start to the initialize reply, one-shot `chat -q` against the scripted
// model next to a bare node process doing one streamed request (the floor), first-delta overhead over the model's
// own first-token time, and peak RSS of each.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { median, report, type BenchRow } from './lib';
import { ScriptedModelServer } from '../test/support/model-server';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function home(baseURL: string): string {
  const h = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  writeFileSync(join(h, 'config.yaml'), `model:\n  default: test-model\n  provider: custom\n  base_url: ${baseURL}\n`);
  return h;
}

/** Peak RSS (MB) of a command, via GNU time. Async: the scripted model runs in this process. */
function peakRss(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise) => {
    const p = spawn('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', () => resolvePromise(Number(err.trim().split('\n').at(-1)) / 1024));
  });
}

async function coldStart(h: string): Promise<{ ms: number; rssMb: number }> {
  const t0 = performance.now();
  const p = spawn(process.execPath, [MAIN, '--stdio'], { env: { ...process.env, HERMES_HOME: h }, stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(p.stdout!), new StreamMessageWriter(p.stdin!));
  conn.listen();
  await conn.sendRequest('initialize', { clientInfo: { name: 'bench' } });
  const ms = performance.now() - t0;
  const status = require('node:fs').readFileSync(`/proc/${p.pid}/status`, 'utf8') as string;
  const rssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  conn.dispose();
  p.kill('SIGKILL');
  await new Promise((r) => p.on('exit', r));
  return { ms, rssMb };
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.resume();
    p.on('exit', (code) => (code === 0 ? resolvePromise(performance.now() - t0) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

const FLOOR = (url: string) => `
const res = await fetch(${JSON.stringify(url)} + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
  body: JSON.stringify({ model: 'test-model', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
const dec = new TextDecoder(); let out = '';
for await (const chunk of res.body) { for (const line of dec.decode(chunk).split('\\n')) { if (line.startsWith('data: {')) { const d = JSON.parse(line.slice(6)); out += d.choices[0]?.delta?.content ?? ''; } } }
process.stdout.write(out + '\\n');`;

async function firstDeltaOverhead(model: ScriptedModelServer, h: string, runs: number) {
  const p = spawn(process.execPath, [MAIN, '--stdio'], { env: { ...process.env, HERMES_HOME: h, OPENAI_API_KEY: 'x' }, stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(p.stdout!), new StreamMessageWriter(p.stdin!));
  let onDelta: (() => void) | null = null;
  let onDone: (() => void) | null = null;
  conn.onNotification((method) => {
    if (method === 'item/agentMessage/delta' && onDelta) {
      onDelta();
      onDelta = null;
    }
    if (method === 'turn/completed' && onDone) onDone();
  });
  conn.listen();
  await conn.sendRequest('initialize', { clientInfo: { name: 'bench' } });
  const { thread } = (await conn.sendRequest('thread/start', {})) as { thread: { id: string } };
  const overhead: number[] = [];
  const FIRST_TOKEN = 40;
  for (let i = 0; i < runs + 2; i++) {
    model.script({ text: ['hello', ' world'], firstTokenDelayMs: FIRST_TOKEN });
    const t0 = performance.now();
    const gotDelta = new Promise<number>((r) => (onDelta = () => r(performance.now())));
    const done = new Promise<void>((r) => (onDone = r));
    await conn.sendRequest('turn/start', { threadId: thread.id, input: [{ type: 'text', text: `q${i}` }] });
    const t1 = await gotDelta;
    await done;
    if (i >= 2) overhead.push(t1 - t0 - FIRST_TOKEN);
  }
  conn.dispose();
  p.kill('SIGKILL');
  return overhead;
}

async function main() {
  const step = (s: string) => process.stderr.write(`[bench] ${s}\n`);
  const model = await ScriptedModelServer.start();
  model.fallback = { text: 'The answer is forty-two.' };
  const rows: BenchRow[] = [];

  step('cold start');
  // Baseline for cold start: a bare node process that only starts and exits.
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) bare.push(await runNode(['-e', '0'], process.env));
  const cold: { ms: number; rssMb: number }[] = [];
  for (let i = 0; i < RUNS; i++) cold.push(await coldStart(home(model.baseURL)));
  rows.push({ metric: 'cold start to initialize reply', value: median(cold.map((c) => c.ms)), unit: 'ms', baseline: median(bare), target: '<= 150 ms' });
  rows.push({ metric: 'peak RSS at initialize', value: median(cold.map((c) => c.rssMb)), unit: 'MB' });

  step('chat -q');
  const h = home(model.baseURL);
  const env = { ...process.env, HERMES_HOME: h, OPENAI_API_KEY: 'x' };
  const floorFile = join(h, 'floor.mjs');
  writeFileSync(floorFile, FLOOR(model.baseURL));
  const floor: number[] = [];
  const chat: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await runNode([floorFile], env));
    chat.push(await runNode([MAIN, 'chat', '-q', 'hi', '--quiet'], env));
  }
  rows.push({ metric: 'chat -q one-shot (zero-latency model)', value: median(chat), unit: 'ms', baseline: median(floor), target: '<= 350 ms and <= 3x floor' });
  rows.push({ metric: 'peak RSS chat -q', value: await peakRss([MAIN, 'chat', '-q', 'hi', '--quiet'], env), unit: 'MB', baseline: await peakRss([floorFile], env) });

  step('first delta');
  const overhead = await firstDeltaOverhead(model, home(model.baseURL), RUNS);
  rows.push({ metric: 'turn/start → first delta, over model first-token time', value: median(overhead), unit: 'ms', target: '<= 15 ms' });

  await model.close();
  report('host: start, chat, first delta', rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
