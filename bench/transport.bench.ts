// Transport benchmark (issue 8): a 50 MB turn/start against a --listen host. The frame is refused from its header
// (rpc.max_message_bytes, 16 MiB) and answered once its id is read, so neither the host's memory nor the database
// grows with it. Baseline in the same run: a normal 1 KB turn/start on the same connection. Before this change the
// same 50 MB request took ~33 s, ~2 GB of host RSS and added ~264 MB to state.db (figures from the issue).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { median, report } from './lib';
import { FrameParser } from '../server/rpc/frame-parser';
import { ScriptedModelServer } from '../test/support/model-server';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const hwmMb = (p: ChildProcess) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const dbBytes = (h: string) => ['state.db', 'state.db-wal'].reduce((n, f) => n + (existsSync(join(h, f)) ? statSync(join(h, f)).size : 0), 0);

async function main() {
  const model = await ScriptedModelServer.start();
  model.fallback = { text: 'ok' };
  const h = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  writeFileSync(join(h, 'config.yaml'), `model:\n  default: test-model\n  provider: custom\n  base_url: ${model.baseURL}\n`);
  const host = spawn(process.execPath, [MAIN, '--listen'], { env: { ...process.env, HERMES_HOME: h, OPENAI_API_KEY: 'sk-bench' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const sock = join(h, 'host.sock');
  for (let i = 0; i < 400 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
  const s = createConnection(sock);
  await new Promise((r) => s.once('connect', r));
  const conn: MessageConnection = createMessageConnection(new StreamMessageReader(s), new StreamMessageWriter(s));
  conn.listen();
  await conn.sendRequest('initialize', { clientInfo: { name: 'bench' } });
  conn.sendNotification('initialized', {});
  const { thread } = (await conn.sendRequest('thread/start', {})) as { thread: { id: string } };

  const small: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await conn.sendRequest('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'k'.repeat(1024) }] });
    small.push(performance.now() - t0);
    // Let the turn finish so the next one is not refused as busy.
    for (let j = 0; j < 200; j++) {
      const r = (await conn.sendRequest('thread/read', { threadId: thread.id })) as { turns: { status: string }[] };
      if (r.turns.every((t) => t.status !== 'inProgress')) break;
      await new Promise((res) => setTimeout(res, 10));
    }
  }
  const rssBefore = hwmMb(host);
  const dbBefore = dbBytes(h);
  // Host side: a pre-encoded 50 MB frame written on a raw socket, timed from the first byte to the error.
  const raw = createConnection(sock);
  await new Promise((r) => raw.once('connect', r));
  const answers: unknown[] = [];
  const waiters: (() => void)[] = [];
  const parser = new FrameParser(1 << 30);
  raw.on('data', (d) => {
    for (const ev of parser.push(d)) if (ev.type === 'frame') answers.push(JSON.parse(ev.body.toString())), waiters.shift()?.();
  });
  const send = (msg: object | Buffer) => {
    const body = Buffer.isBuffer(msg) ? msg : Buffer.from(JSON.stringify(msg));
    raw.write(`Content-Length: ${body.length}\r\n\r\n`);
    raw.write(body);
    return new Promise<any>((r) => waiters.push(() => r(answers.at(-1))));
  };
  await send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { clientInfo: { name: 'raw' } } });
  const text = 'x'.repeat(50 * 1024 * 1024);
  const bigBody = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'turn/start', params: { threadId: thread.id, input: [{ type: 'text', text }] } }));
  const big: number[] = [];
  let message = '';
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const a = await send(bigBody);
    big.push(performance.now() - t0);
    message = a.error?.message ?? 'accepted?!';
    // Let the rest of the body drain before the next run.
    await new Promise<void>((r) => (raw.writableLength === 0 ? r() : raw.once('drain', () => r())));
  }
  // End to end through vscode-jsonrpc, which spends most of this encoding the 50 MB request on the client.
  const e2e: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const t0 = performance.now();
    await conn.sendRequest('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] }).catch(() => {});
    e2e.push(performance.now() - t0);
  }
  const rssAfter = hwmMb(host);
  const dbGrowth = (dbBytes(h) - dbBefore) / 1024 / 1024;
  console.log(`50 MB turn/start answer: ${message}`);
  report('transport', [
    { metric: '50 MB turn/start: host answers with the error (median)', value: median(big), unit: 'ms', baseline: median(small), target: 'clear error, fast (was ~33 s)' },
    { metric: '1 KB turn/start accepted (median, baseline)', value: median(small), unit: 'ms' },
    { metric: '50 MB turn/start via vscode-jsonrpc, client encoding included (median)', value: median(e2e), unit: 'ms' },
    { metric: 'host peak RSS after the 50 MB requests', value: rssAfter, unit: 'MB', baseline: rssBefore, target: 'bounded (was ~2 GB)' },
    { metric: 'state.db growth from the 50 MB requests', value: dbGrowth, unit: 'MB', target: '~0 (was ~264 MB)' },
  ]);
  raw.destroy();
  conn.dispose();
  s.destroy();
  host.kill('SIGTERM');
  await new Promise((r) => host.on('exit', r));
  await model.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
