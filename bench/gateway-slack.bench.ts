// Gateway throughput on Slack (issue 10): N DM conversations × M messages through the fake Slack (Socket Mode
// envelopes in, Web API out) and the built host started with --gateway, real @slack/bolt in between; the scripted
// model answers each message after 50 ms. Each conversation sends its next message when the previous one is
// answered. Prints messages/s, the latency the gateway adds over the model's own time (baseline: the same streamed
// request made directly, measured in this run), the host's peak RSS, the slowest envelope ack, and lost,
// duplicated and reordered replies.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, percentile, report } from './lib';
import { ScriptedModelServer, type ChatBody } from '../test/support/model-server';
import { FakeSlack } from '../test/support/fake-slack';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const MODEL_MS = 50;

const lastUser = (b: ChatBody) => String([...b.messages].reverse().find((m) => m.role === 'user')?.content ?? '');

async function directBaseline(url: string, runs = 30): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', stream: true, messages: [{ role: 'user', content: `m-0-${i}` }] }),
    });
    await res.text();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main() {
  const model = await ScriptedModelServer.start();
  (model as any).take = (body: ChatBody) => ({ text: `re: ${lastUser(body)}`, firstTokenDelayMs: MODEL_MS });
  const slack = await FakeSlack.start();
  // Slack acks under load are what this measures, not the fake's patience: no redelivery during the run.
  slack.ackTimeoutMs = 600_000;
  for (const srv of [(model as any).server, (slack as any).server]) srv.keepAliveTimeout = 120_000;
  const baseline = await directBaseline(model.baseURL);

  const home = mkdtempSync(join(tmpdir(), 'hermes-gw-slack-bench-'));
  writeFileSync(
    join(home, 'config.yaml'),
    `model:\n  default: test-model\n  provider: custom\n  base_url: ${model.baseURL}\ncompression:\n  enabled: false\ngateway:\n  busy_mode: queue\n`,
  );
  const host = spawn(process.execPath, [...(process.env.BENCH_HOST_ARGS?.split(' ').filter(Boolean) ?? []), MAIN, '--gateway'], {
    env: { ...process.env, HERMES_HOME: home, SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl, GATEWAY_ALLOW_ALL_USERS: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await slack.waitFor(() => slack.connected && existsSync(join(home, 'host.sock')), 30_000, 'the gateway');

  const sentAt = new Map<string, number>();
  const replies = new Map<string, number>();
  const order = new Map<number, number[]>();
  const latencies: number[] = [];
  let answered = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const send = (chat: number, i: number) => {
    const text = `m-${chat}-${i}`;
    sentAt.set(text, performance.now());
    slack.userSends({ user: `U${chat}`, text });
  };
  slack.onMessage = (m) => {
    const k = /^re: (m-(\d+)-(\d+))$/.exec(m.text);
    if (!k) return;
    const n = (replies.get(k[1]) ?? 0) + 1;
    replies.set(k[1], n);
    if (n > 1) return;
    const chat = Number(k[2]);
    const i = Number(k[3]);
    latencies.push(performance.now() - sentAt.get(k[1])!);
    order.set(chat, [...(order.get(chat) ?? []), i]);
    answered++;
    if (i + 1 < MESSAGES) send(chat, i + 1);
    if (answered === CHATS * MESSAGES) finish();
  };
  const t0 = performance.now();
  for (let c = 1; c <= CHATS; c++) send(c, 0);
  const timeout = setTimeout(finish, 600_000);
  await done;
  clearTimeout(timeout);
  const elapsed = (performance.now() - t0) / 1000;
  const status = readFileSync(`/proc/${host.pid}/status`, 'utf8');
  const rssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  await new Promise((r) => setTimeout(r, 2000));
  // Envelope → ack times (Slack resends what is not acked within 3 s).
  const sent = new Map(slack.calls.filter((c) => c.method === 'ws:envelope').map((c) => [c.params.envelope_id as string, c.at]));
  const ackMs = slack.calls.filter((c) => c.method === 'ws:ack' && sent.has(c.params.envelope_id)).map((c) => c.at - sent.get(c.params.envelope_id)!);
  const total = CHATS * MESSAGES;
  const lost = total - [...replies.keys()].length;
  const duplicated = [...replies.values()].filter((n) => n > 1).length;
  const reordered = [...order.values()].filter((xs) => xs.some((x, j) => j > 0 && x < xs[j - 1])).length;
  host.kill('SIGTERM');
  await new Promise((r) => host.on('exit', r));
  await slack.close();
  await model.close();
  report(`gateway (Slack): ${CHATS} chats × ${MESSAGES} messages, model ${MODEL_MS} ms`, [
    { metric: 'messages/s', value: answered / elapsed, unit: 'msg/s' },
    { metric: 'reply latency p50', value: median(latencies), unit: 'ms', baseline },
    { metric: 'added latency p50 (over the direct model call)', value: median(latencies) - baseline, unit: 'ms' },
    { metric: 'added latency p99 (over the direct model call)', value: percentile(latencies, 99) - baseline, unit: 'ms', target: '≤ 25 ms' },
    { metric: 'envelope → ack p50', value: median(ackMs), unit: 'ms' },
    { metric: 'envelope → ack p99', value: percentile(ackMs, 99), unit: 'ms' },
    { metric: 'envelope → ack max', value: Math.max(...ackMs), unit: 'ms', target: '< 3000 ms (Slack resends)' },
    { metric: 'host peak RSS', value: rssMb, unit: 'MiB', target: '≤ 250 MiB' },
    { metric: 'lost', value: lost, unit: '', target: '0' },
    { metric: 'duplicated', value: duplicated, unit: '', target: '0' },
    { metric: 'reordered chats', value: reordered, unit: '', target: '0' },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
