// Gateway throughput (issues 9, 10): N chats × M messages through the fake Telegram Bot API and the fake Discord
// (REST + gateway WebSocket; chats alternate between the platforms, BENCH_PLATFORMS=telegram|discord for one) and
// the built host started with --gateway, the scripted model answering each message after 50 ms. Each chat sends its next message when the
// previous one is answered (N conversations at once). Prints messages/s, the latency the gateway adds over the
// model's own time (baseline: the same streamed request made directly, measured in this run), the host's peak RSS,
// and the count of lost, duplicated and reordered replies.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, percentile, report } from './lib';
import { ScriptedModelServer, type ChatBody } from '../test/support/model-server';
import { FakeTelegram } from '../test/support/fake-telegram';
import { FakeDiscord } from '../test/support/fake-discord';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const MODEL_MS = 50;
const PLATFORMS = (process.env.BENCH_PLATFORMS ?? 'telegram,discord').split(',');
/** Chat c talks over this platform. */
const platformOf = (c: number) => PLATFORMS[c % PLATFORMS.length];
const discordUser = (c: number) => `5${String(c).padStart(17, '0')}`;

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
  // Every request is answered with a reply naming the message it answers, after the model's 50 ms.
  (model as any).take = (body: ChatBody) => ({ text: `re: ${lastUser(body)}`, firstTokenDelayMs: MODEL_MS });
  const tg = await FakeTelegram.start();
  const dc = await FakeDiscord.start();
  // The fakes share this process with 200 conversations; with seconds of event-loop lag, Node's 5 s keep-alive
  // closes idle sockets just as the host reuses them. Telegram's own servers keep connections far longer.
  for (const srv of [(model as any).server, (tg as any).server, (dc as any).server]) srv.keepAliveTimeout = 120_000;
  const baseline = await directBaseline(model.baseURL);

  const home = mkdtempSync(join(tmpdir(), 'hermes-gw-bench-'));
  writeFileSync(
    join(home, 'config.yaml'),
    `model:\n  default: test-model\n  provider: custom\n  base_url: ${model.baseURL}\ncompression:\n  enabled: false\ngateway:\n  busy_mode: queue\n  telegram:\n    poll_timeout: 1\n`,
  );
  // BENCH_HOST_ARGS: extra node flags for the host (e.g. --cpu-prof).
  const host = spawn(process.execPath, [...(process.env.BENCH_HOST_ARGS?.split(' ').filter(Boolean) ?? []), MAIN, '--gateway'], {
    env: {
      ...process.env,
      HERMES_HOME: home,
      ...(PLATFORMS.includes('telegram') ? { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot } : {}),
      ...(PLATFORMS.includes('discord') ? { DISCORD_BOT_TOKEN: dc.token, DISCORD_API_ROOT: dc.apiRoot } : {}),
      GATEWAY_ALLOW_ALL_USERS: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (PLATFORMS.includes('telegram')) await tg.waitFor(() => tg.calls.some((c) => c.method === 'setMyCommands') && existsSync(join(home, 'host.sock')), 30_000, 'the gateway');
  if (PLATFORMS.includes('discord')) await dc.waitFor(() => dc.commands.length > 0 && existsSync(join(home, 'host.sock')), 30_000, 'the gateway on Discord');

  const sentAt = new Map<string, number>();
  const replies = new Map<string, number>(); // text → count
  const order = new Map<number, number[]>(); // chat → message indexes in reply order
  const latencies: number[] = [];
  let answered = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const send = (chat: number, i: number) => {
    const text = `m-${chat}-${i}`;
    sentAt.set(text, performance.now());
    if (platformOf(chat) === 'discord') dc.userSends({ userId: discordUser(chat), text });
    else tg.userSends({ userId: chat, text });
  };
  const onReply = (reply: string) => {
    const k = /^re: (m-(\d+)-(\d+))$/.exec(reply);
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
  tg.onMessage = (m) => onReply(m.text);
  dc.onMessage = (m) => onReply(m.content);
  const t0 = performance.now();
  for (let c = 1; c <= CHATS; c++) send(c, 0);
  const timeout = setTimeout(finish, 600_000);
  await done;
  clearTimeout(timeout);
  const elapsed = (performance.now() - t0) / 1000;
  const status = readFileSync(`/proc/${host.pid}/status`, 'utf8');
  const rssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  // Give late duplicates a moment to show up before counting.
  await new Promise((r) => setTimeout(r, 2000));
  const total = CHATS * MESSAGES;
  const lost = total - [...replies.keys()].length;
  const duplicated = [...replies.values()].filter((n) => n > 1).length;
  const reordered = [...order.values()].filter((xs) => xs.some((x, j) => j > 0 && x < xs[j - 1])).length;
  host.kill('SIGTERM');
  await new Promise((r) => host.on('exit', r));
  await tg.close();
  await dc.close();
  await model.close();
  report(`gateway: ${CHATS} chats (${PLATFORMS.join(' + ')}) × ${MESSAGES} messages, model ${MODEL_MS} ms`, [
    { metric: 'messages/s', value: answered / elapsed, unit: 'msg/s' },
    { metric: 'reply latency p50', value: median(latencies), unit: 'ms', baseline },
    { metric: 'added latency p50 (over the direct model call)', value: median(latencies) - baseline, unit: 'ms' },
    { metric: 'added latency p99 (over the direct model call)', value: percentile(latencies, 99) - baseline, unit: 'ms', target: '≤ 25 ms' },
    { metric: 'host peak RSS', value: rssMb, unit: 'MiB', target: PLATFORMS.length > 1 ? '≤ 250 MiB' : '≤ 200 MiB' },
    { metric: 'lost', value: lost, unit: '', target: '0' },
    { metric: 'duplicated', value: duplicated, unit: '', target: '0' },
    { metric: 'reordered chats', value: reordered, unit: '', target: '0' },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
