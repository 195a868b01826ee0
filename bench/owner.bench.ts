// One host per HERMES_HOME (issue 8): `chat -q` attaching to a running owner vs starting an in-process owner, and
// 50 threads streaming at once through one host — the latency each delta gains on its way through the host (model
// server → host → socket client) over the same stream read straight from the model server, and the host's RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'node:net';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { median, percentile, report } from './lib';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const THREADS = Number(process.env.BENCH_THREADS ?? 50);
const CHUNKS = 40;
const CHUNK_MS = 25;

/** A model server whose every chunk carries the time it was written, so the reader can measure each one's trip. */
function timestampServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'b' }] }));
      return;
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // `chat -q` runs ask for a short answer at once, so the wall time measured is the host's, not the model's.
      const chunks = body.includes('"content":"hi"') ? 2 : CHUNKS;
      const every = chunks === CHUNKS ? CHUNK_MS : 0;
      let i = 0;
      const chunk = (content: string, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
      const tick = () => {
        if (i++ < chunks) {
          res.write(chunk(`${performance.timeOrigin + performance.now()} `, null));
          setTimeout(tick, every);
        } else {
          res.write(chunk('', 'stop'));
          res.end('data: [DONE]\n\n');
        }
      };
      tick();
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${(server.address() as any).port}/v1`, server })));
}

function makeHome(url: string): string {
  const h = mkdtempSync(join(tmpdir(), 'hermes-bench-owner-'));
  writeFileSync(join(h, 'config.yaml'), `model:\n  default: test-model\n  provider: custom\n  base_url: ${url}\ntoolsets: [todo]\n`);
  return h;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? res(performance.now() - t0) : rej(new Error(`exit ${code}: ${err}`))));
  });
}

async function startOwner(home: string): Promise<ChildProcess> {
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROF] : [];
  const p = spawn(process.execPath, [...prof, MAIN, '--listen'], { env: { ...process.env, HERMES_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  const sock = join(home, 'host.sock');
  for (let i = 0; i < 400 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
  return p;
}

async function connect(sock: string): Promise<MessageConnection> {
  const s = createConnection(sock);
  await new Promise((r) => s.once('connect', r));
  const c = createMessageConnection(new StreamMessageReader(s), new StreamMessageWriter(s));
  c.listen();
  await c.sendRequest('initialize', { clientInfo: { name: 'bench' } });
  await c.sendNotification('initialized', {});
  return c;
}

/** Latency of each timestamped token as read straight from the model server (the baseline). */
async function directLatencies(url: string, n: number): Promise<number[]> {
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(url + '/chat/completions', { method: 'POST', body: '{}' });
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const now = performance.timeOrigin + performance.now();
        for (const m of dec.decode(value).matchAll(/"content":"([\d.]+) "/g)) lat.push(now - Number(m[1]));
      }
    }),
  );
  return lat;
}

async function main() {
  const { url, server } = await timestampServer();

  // chat -q: attach to a running owner vs start an in-process owner (a home nobody owns).
  const ownedHome = makeHome(url);
  const owner = await startOwner(ownedHome);
  const attached: number[] = [];
  const inProcess: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const a = await run(['chat', '-q', 'hi'], { ...process.env, HERMES_HOME: ownedHome });
    const b = await run(['chat', '-q', 'hi'], { ...process.env, HERMES_HOME: makeHome(url) });
    if (i > 0) {
      attached.push(a);
      inProcess.push(b);
    }
  }

  // 50 threads streaming at once through the owner.
  const client = await connect(join(ownedHome, 'host.sock'));
  const lat: number[] = [];
  let completed = 0;
  const allDone = new Promise<void>((r) =>
    client.onNotification((method: string, p: any) => {
      if (method === 'item/agentMessage/delta') {
        const now = performance.timeOrigin + performance.now();
        for (const m of String(p.delta).matchAll(/([\d.]+) /g)) lat.push(now - Number(m[1]));
      } else if (method === 'turn/completed' && ++completed === THREADS) r();
    }),
  );
  const threads = await Promise.all(Array.from({ length: THREADS }, () => client.sendRequest('thread/start', {}) as Promise<{ thread: { id: string } }>));
  await Promise.all(threads.map((t) => client.sendRequest('turn/start', { threadId: t.thread.id, input: [{ type: 'text', text: 'go' }] })));
  await allDone;
  const rssMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${owner.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const direct = await directLatencies(url, THREADS);
  client.dispose();
  owner.kill('SIGTERM');
  server.close();

  report('one host per HERMES_HOME', [
    { metric: 'chat -q attached to a running owner (wall)', value: median(attached), unit: 'ms', baseline: median(inProcess), target: '≤ 0.5× in-process' },
    { metric: `${THREADS} threads streaming: delta latency p50 (model → client)`, value: percentile(lat, 50), unit: 'ms', baseline: percentile(direct, 50) },
    { metric: `${THREADS} threads streaming: delta latency p99 (model → client)`, value: percentile(lat, 99), unit: 'ms', baseline: percentile(direct, 99) },
    { metric: `${THREADS} threads streaming: added latency p99`, value: percentile(lat, 99) - percentile(direct, 99), unit: 'ms', target: '≤ 5 ms' },
    { metric: `${THREADS} threads streaming: host peak RSS`, value: rssMb, unit: 'MB' },
  ]);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
