// The OpenAI-compatible HTTP API (issue 12): what the HTTP path adds on top of the host's own stream.
// 1. First token: one streaming request at a time; the model server stamps each chunk with its send time, a
//    JSON-RPC client following every thread receives the host's first delta and the HTTP client its first chunk —
//    both for the same turn, so the difference is what the API adds.
// 2. 10 and 100 concurrent streaming chat completions (40 chunks 25 ms apart each): every chunk's latency from the model
//    server's write to the HTTP client's read, against the same 100 streams read straight from the model server;
//    and the host's peak RSS.
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
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 100);
const CHUNKS = 40;
const CHUNK_MS = 25;
const now = () => performance.timeOrigin + performance.now();

/** A model server that stamps every chunk; a request whose last message says "one" gets a single chunk. */
function stampServer(): Promise<{ url: string; server: Server }> {
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
      const chunks = body.includes('first-token') ? 1 : CHUNKS;
      let i = 0;
      const chunk = (content: string, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
      const tick = () => {
        if (i++ < chunks) {
          res.write(chunk(`${now()} `, null));
          setTimeout(tick, CHUNK_MS);
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

async function startHost(modelUrl: string): Promise<{ proc: ChildProcess; home: string; api: string }> {
  const home = mkdtempSync(join(tmpdir(), 'hermes-bench-api-'));
  writeFileSync(
    join(home, 'config.yaml'),
    `model:\n  default: test-model\n  provider: custom\n  base_url: ${modelUrl}\ntoolsets: [todo]\napi:\n  enabled: true\n  port: 0\n  rate_limit:\n    per_minute: 1000000\n    burst: 100000\n`,
  );
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROF] : [];
  const proc = spawn(process.execPath, [...prof, MAIN, '--listen'], { env: { ...process.env, HERMES_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  for (let i = 0; i < 800; i++) {
    const m = /HTTP API listening on (http:\/\/\S+)/.exec(err);
    if (m && existsSync(join(home, 'host.sock'))) return { proc, home, api: m[1] };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`host did not start: ${err}`);
}

async function connect(sock: string): Promise<MessageConnection> {
  const s = createConnection(sock);
  await new Promise((r) => s.once('connect', r));
  const c = createMessageConnection(new StreamMessageReader(s), new StreamMessageWriter(s));
  c.listen();
  await c.sendRequest('initialize', { clientInfo: { name: 'bench' } });
  await c.sendNotification('initialized', {});
  await c.sendRequest('thread/subscribe', { all: true });
  return c;
}

/** Streams a response body, calling `onStamp` with each stamped token's latency as it is read. */
async function readStamps(res: Response, onStamp: (latency: number) => void): Promise<void> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const t = now();
    for (const m of dec.decode(value).matchAll(/"content":"([\d.]+) "/g)) onStamp(t - Number(m[1]));
  }
}

/** n turns started at once on a JSON-RPC client; each streamed token's latency (model write → client read). */
async function rpcStreams(sock: string, n: number): Promise<number[]> {
  const c = await connect(sock);
  const lat: number[] = [];
  let completed = 0;
  const done = new Promise<void>((r) =>
    c.onNotification((method: string, p: any) => {
      if (method === 'item/agentMessage/delta') {
        const t = now();
        for (const m of String(p.delta).matchAll(/([\d.]+) /g)) lat.push(t - Number(m[1]));
      } else if (method === 'turn/completed' && ++completed === n) r();
    }),
  );
  const threads = await Promise.all(Array.from({ length: n }, () => c.sendRequest('thread/start', {}) as Promise<{ thread: { id: string } }>));
  await Promise.all(threads.map((t, i) => c.sendRequest('turn/start', { threadId: t.thread.id, input: [{ type: 'text', text: `rpc stream ${n}-${i}` }] })));
  await done;
  c.dispose();
  return lat;
}

const chat = (api: string, text: string) =>
  fetch(api + '/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'hermes-agent', stream: true, messages: [{ role: 'user', content: text }] }),
  });

async function main() {
  const { url, server } = await stampServer();
  const { proc, home, api } = await startHost(url);
  const rpc = await connect(join(home, 'host.sock'));

  // 1. First token: HTTP client vs the JSON-RPC client, same turn.
  let rpcFirst: ((lat: number) => void) | undefined;
  rpc.onNotification((method: string, p: any) => {
    if (method !== 'item/agentMessage/delta' || !rpcFirst) return;
    const t = now();
    const m = /([\d.]+) /.exec(String(p.delta));
    if (m) {
      rpcFirst(t - Number(m[1]));
      rpcFirst = undefined;
    }
  });
  const httpLat: number[] = [];
  const rpcLat: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const viaRpc = new Promise<number>((r) => (rpcFirst = r));
    let first: number | undefined;
    await readStamps(await chat(api, `first-token run ${i}`), (lat) => (first ??= lat));
    const r = await viaRpc;
    if (i < 2 || first === undefined) continue; // warm-up
    httpLat.push(first);
    rpcLat.push(r);
    added.push(first - r);
  }

  // 2. Concurrent streaming requests (10, then 100), and the same streams read directly from the model server.
  rpc.dispose();
  const rows: Parameters<typeof report>[1] = [];
  for (const n of [10, CONCURRENT]) {
    const lat: number[] = [];
    await Promise.all(Array.from({ length: n }, async (_, i) => readStamps(await chat(api, `stream ${n}-${i}`), (l) => lat.push(l))));
    if (lat.length !== n * CHUNKS) throw new Error(`expected ${n * CHUNKS} tokens over HTTP, got ${lat.length}`);
    const direct: number[] = [];
    await Promise.all(
      Array.from({ length: n }, async () => readStamps(await fetch(url + '/chat/completions', { method: 'POST', body: '{"stream":true}' }), (l) => direct.push(l))),
    );
    // The same n turns started over JSON-RPC: the host's own streaming under the same load, without HTTP.
    const viaRpc = await rpcStreams(join(home, 'host.sock'), n);
    rows.push(
      { metric: `${n} concurrent streams: token latency p50 (model → HTTP client)`, value: percentile(lat, 50), unit: 'ms', baseline: percentile(direct, 50) },
      { metric: `${n} concurrent streams: token latency p99`, value: percentile(lat, 99), unit: 'ms', baseline: percentile(direct, 99) },
      { metric: `${n} concurrent streams: added latency p99 (over direct)`, value: percentile(lat, 99) - percentile(direct, 99), unit: 'ms' },
      { metric: `${n} concurrent turns over JSON-RPC instead: token latency p50 / p99`, value: percentile(viaRpc, 50), unit: 'ms', baseline: percentile(viaRpc, 99) },
    );
  }
  const rssMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  proc.kill('SIGTERM');
  server.close();

  report('OpenAI-compatible HTTP API', [
    { metric: 'first token: model write → HTTP client (median)', value: median(httpLat), unit: 'ms', baseline: median(rpcLat) },
    { metric: 'first token: added by the HTTP path over the host’s own first delta (median)', value: median(added), unit: 'ms', target: '≤ 5 ms' },
    { metric: 'first token: added, p90', value: percentile(added, 90), unit: 'ms' },
    ...rows,
    { metric: `host peak RSS (after ${CONCURRENT} concurrent streams)`, value: rssMb, unit: 'MB' },
  ]);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
