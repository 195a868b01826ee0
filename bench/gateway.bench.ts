// Gateway throughput, latency and memory (issues 9, 10): 200 chats spread over the fake Telegram Bot API, the fake
// Discord (REST + gateway WebSocket) and the fake Slack (Socket Mode + Web API, real @slack/bolt in the host), and the
// built host started with --gateway; the scripted model answers each message after 50 ms.
//
// Two loads, on one host, one after the other:
//  - closed loop: each chat sends its next message when the previous one is answered (BENCH_CHATS × BENCH_MESSAGES).
//    With N conversations at once, Little's law makes the latency N / throughput, so this measures throughput; its
//    latency is queueing, not the gateway's own cost.
//  - open, paced load at human rates: every chat sends a message every CHATS / BENCH_RATE seconds on average (±50 %
//    jitter), whether or not the last one was answered (BENCH_OPEN_MESSAGES each). Here "added latency ≤ 25 ms"
//    is meaningful.
// For each: messages/s, reply latency p50/p99 and the part the gateway adds over the model's own time (baseline:
// the same streamed request made directly, measured in this run), the host's CPU time per message (utime + stime
// from /proc/<pid>/stat: the number that does not depend on how busy the machine is), its RSS, and the count of
// lost, duplicated and reordered replies.
//
// BENCH_PLATFORMS=telegram,discord,slack (default all three), BENCH_CHATS (200), BENCH_MESSAGES (20),
// BENCH_DIST=1 (latency percentiles on stderr), BENCH_MODE=closed,open, BENCH_RATE (open load, messages/s over all chats, default 40), BENCH_OPEN_MESSAGES (5),
// BENCH_HOST_ARGS (node flags for the host, e.g. --cpu-prof), BENCH_HOST_WRAP (a command the host runs under, e.g.
// `strace -f -c -o /tmp/s -e trace=fsync,fdatasync`), BENCH_MAIN (the host's main.js) and BENCH_BEFORE (another
// build's main.js, e.g. a copy of dist/ from before a change: it runs first with the same load and its figures are
// the baseline column), BENCH_HEAP_SNAPSHOT_DIR (a heap snapshot of the host after the loads, or when it is ready
// with BENCH_HEAP_SNAPSHOT_AT=ready).
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, percentile, report, type BenchRow } from './lib';
import { ScriptedModelServer, type ChatBody } from '../test/support/model-server';
import { FakeTelegram } from '../test/support/fake-telegram';
import { FakeDiscord } from '../test/support/fake-discord';
import { FakeSlack } from '../test/support/fake-slack';

const MAIN = resolve(process.env.BENCH_MAIN ?? resolve(__dirname, '../../dist/server/main.js'));
const BEFORE = process.env.BENCH_BEFORE ? resolve(process.env.BENCH_BEFORE) : undefined;
const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 40);
const OPEN_MESSAGES = Number(process.env.BENCH_OPEN_MESSAGES ?? 5);
const MODES = (process.env.BENCH_MODE ?? 'closed,open').split(',');
const MODEL_MS = 50;
const PLATFORMS = (process.env.BENCH_PLATFORMS ?? 'telegram,discord,slack').split(',').map((p) => p.trim());
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Chat c talks over this platform. */
const platformOf = (c: number) => PLATFORMS[c % PLATFORMS.length];
const discordUser = (c: number) => `5${String(c).padStart(17, '0')}`;
const lastUser = (b: ChatBody) => String([...b.messages].reverse().find((m) => m.role === 'user')?.content ?? '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One streamed request made directly to the model server: the model's own time, as the load generator sees it. */
async function directCall(url: string, i: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'test-model', stream: true, messages: [{ role: 'user', content: `m-0-${i}` }] }),
  });
  await res.text();
  return performance.now() - t0;
}

async function directBaseline(url: string, runs = 30): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await directCall(url, i));
  return median(times);
}

/** CPU ms (user + system) the process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

function memMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

interface Fakes {
  model: ScriptedModelServer;
  tg: FakeTelegram;
  dc: FakeDiscord;
  slack: FakeSlack;
}

interface PhaseResult {
  sent: number;
  answered: number;
  elapsedS: number;
  latencies: number[];
  hostCpuMs: number;
  platformCalls: number;
  /** Direct model calls made during the load (see `directCall`). */
  control: number[];
  genCpuMs: number;
  rss: number;
  reordered: number;
}

interface RunResult {
  closed?: PhaseResult;
  open?: PhaseResult;
  peakRss: number;
  lost: number;
  duplicated: number;
  ackMs: number[];
  startupCpuMs: number;
  readyRss: number;
}

/** Hosts still running: stopped if the bench fails, so that a failed run leaves no gateway polling behind. */
const hosts = new Set<ChildProcess>();
process.on('exit', () => {
  for (const h of hosts) if (h.exitCode === null) h.kill('SIGKILL');
});

/** Asks the host (started with --heapsnapshot-signal=SIGUSR2) for a heap snapshot and waits until it is written. */
async function heapSnapshot(pid: number, dir: string, tg: FakeTelegram): Promise<void> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  await tg.waitFor(() => readdirSync(dir).some((f) => !before.has(f) && f.endsWith('.heapsnapshot')), 120_000, 'the heap snapshot');
  await sleep(5000);
}

/** Starts a host on `main`, runs the loads, stops it. Each run gets its own HERMES_HOME and its own chats' history. */
async function runHost(main: string, f: Fakes, tag: string): Promise<RunResult> {
  const { tg, dc, slack } = f;
  const home = mkdtempSync(join(tmpdir(), 'hermes-gw-bench-'));
  writeFileSync(
    join(home, 'config.yaml'),
    `model:\n  default: test-model\n  provider: custom\n  base_url: ${f.model.baseURL}\ncompression:\n  enabled: false\ngateway:\n  busy_mode: queue\n  telegram:\n    poll_timeout: 1\n`,
  );
  const has = (p: string) => PLATFORMS.includes(p);
  const wrap = process.env.BENCH_HOST_WRAP?.split(' ').filter(Boolean) ?? [];
  const snapDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  const args = [
    ...(process.env.BENCH_HOST_ARGS?.split(' ').filter(Boolean) ?? []),
    ...(snapDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapDir}`] : []),
    main,
    '--gateway',
  ];
  const tgBefore = tg.calls.filter((c) => c.method === 'setMyCommands').length;
  // Each start registers the command list again (the fake keeps only the latest list, so count the requests).
  const commandPuts = () => dc.calls.filter((c) => c.method === 'PUT' && /\/commands$/.test(c.route)).length;
  const dcBefore = commandPuts();
  // The launcher writes a V8 code cache on a build's first start; start each build once beforehand so that both
  // builds are measured with their cache (a build without one starts with ~25 MiB more RSS and more CPU).
  spawnSync(process.execPath, [main, 'version'], { env: { ...process.env, HERMES_HOME: home }, stdio: 'ignore' });
  const stderr = openSync(join(home, 'host-stderr.log'), 'w');
  const host: ChildProcess = spawn(wrap[0] ?? process.execPath, wrap.length ? [...wrap.slice(1), process.execPath, ...args] : args, {
    env: {
      ...process.env,
      HERMES_HOME: home,
      ...(has('telegram') ? { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot } : {}),
      ...(has('discord') ? { DISCORD_BOT_TOKEN: dc.token, DISCORD_API_ROOT: dc.apiRoot } : {}),
      ...(has('slack') ? { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl } : {}),
      GATEWAY_ALLOW_ALL_USERS: 'true',
    },
    stdio: ['ignore', 'ignore', stderr],
  });
  hosts.add(host);
  const exited = new Promise((r) => host.on('exit', r));
  // Under a wrapper (strace) the node process is its child: measure that one.
  const hostPid = async (): Promise<number> => {
    if (!wrap.length) return host.pid!;
    for (;;) {
      const kids = readFileSync(`/proc/${host.pid}/task/${host.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      if (kids.length) return Number(kids[0]);
      await sleep(20);
    }
  };
  const ready = (what: string, pred: () => boolean) => tg.waitFor(() => pred() && existsSync(join(home, 'host.sock')), 60_000, `${what} (${tag}; see ${home}/host-stderr.log)`);
  if (has('telegram')) await ready('the gateway on Telegram', () => tg.calls.filter((c) => c.method === 'setMyCommands').length > tgBefore);
  if (has('discord')) await ready('the gateway on Discord', () => commandPuts() > dcBefore);
  if (has('slack')) await ready('the gateway on Slack', () => slack.connected);
  const pid = await hostPid();
  const startupCpuMs = cpuMs(pid);
  const readyRss = memMiB(pid).rss;
  if (snapDir && process.env.BENCH_HEAP_SNAPSHOT_AT === 'ready') await heapSnapshot(pid, snapDir, tg);

  const slackUser = (c: number) => `U${tag.toUpperCase()}${c}`;
  const sentAt = new Map<string, number>();
  const replies = new Map<string, number>(); // text → count
  let onFirst: (phase: string, chat: number, i: number, latency: number) => void = () => {};
  const send = (text: string, chat: number) => {
    sentAt.set(text, performance.now());
    const p = platformOf(chat);
    if (p === 'discord') dc.userSends({ userId: discordUser(chat), text });
    else if (p === 'slack') slack.userSends({ user: slackUser(chat), text });
    else tg.userSends({ userId: chat, text });
  };
  // Each host run has its own chats on the fakes (user ids differ by tag), so a late reply of one run is never taken
  // for another's.
  const textOf = (phase: string, chat: number, i: number) => `${tag}${phase}-${chat}-${i}`;
  const onReply = (reply: string) => {
    const k = /^re: ((\w+?)([co])-(\d+)-(\d+))$/.exec(reply);
    if (!k || k[2] !== tag) return;
    const n = (replies.get(k[1]) ?? 0) + 1;
    replies.set(k[1], n);
    if (n === 1) onFirst(k[3], Number(k[4]), Number(k[5]), performance.now() - sentAt.get(k[1])!);
  };
  tg.onMessage = (m) => onReply(m.text);
  dc.onMessage = (m) => onReply(m.content);
  slack.onMessage = (m) => onReply(m.text);

  // Requests the host made to the platforms (and, on Slack, socket frames it sent), every chat of every run.
  const platformCalls = () => tg.calls.length + dc.calls.length + slack.calls.length;
  /** Runs one load: `start` sends the first messages, `answered` hears each first reply (in order of arrival). */
  const phase = async (name: 'c' | 'o', total: number, start: () => void, answered: (chat: number, i: number) => void, timeoutMs: number): Promise<PhaseResult> => {
    const latencies: number[] = [];
    const order = new Map<number, number[]>();
    let count = 0;
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const byPlatform = new Map<string, number[]>();
    /** When each reply came (ms into the phase) and its latency: BENCH_DIST shows the tail per 5 s window. */
    const timeline: [number, number][] = [];
    let phaseStart = performance.now();
    onFirst = (p, chat, i, latency) => {
      if (p !== name) return;
      latencies.push(latency);
      timeline.push([performance.now() - phaseStart, latency]);
      byPlatform.set(platformOf(chat), [...(byPlatform.get(platformOf(chat)) ?? []), latency]);
      order.set(chat, [...(order.get(chat) ?? []), i]);
      count++;
      answered(chat, i);
      if (count === total) finish();
    };
    // The control: the same direct model call every 100 ms while the load runs. Its tail is what the machine (two
    // shared cores, this process's own event loop) adds to any request at that moment, gateway or not.
    const control: number[] = [];
    const probe = setInterval(() => void directCall(f.model.baseURL, control.length).then((ms) => control.push(ms)), 100);
    const cpu0 = cpuMs(pid);
    const calls0 = platformCalls();
    const gen0 = process.cpuUsage();
    const t0 = performance.now();
    phaseStart = t0;
    start();
    const timeout = setTimeout(finish, timeoutMs);
    await done;
    clearTimeout(timeout);
    clearInterval(probe);
    // BENCH_DIST: the whole latency distribution on stderr (a smooth tail is queueing; a step is one slow path).
    if (process.env.BENCH_DIST) {
      const xs = [...latencies].sort((a, b) => a - b);
      const at = (q: number) => xs[Math.min(xs.length - 1, Math.floor((q / 100) * xs.length))];
      console.error(`${name}: ${[50, 75, 90, 95, 98, 99, 99.5, 100].map((q) => `p${q}=${at(q).toFixed(0)}`).join(' ')} ms`);
      const windows = new Map<number, number[]>();
      for (const [at, ms] of timeline) windows.set(Math.floor(at / 5000), [...(windows.get(Math.floor(at / 5000)) ?? []), ms]);
      console.error(`  by 5 s window (replies, p99, max): ${[...windows].map(([w, ys]) => `${w * 5}s ${ys.length}/${percentile(ys, 99).toFixed(0)}/${Math.max(...ys).toFixed(0)}`).join('  ')}`);
      for (const pl of PLATFORMS) {
        const ys = byPlatform.get(pl) ?? [];
        if (PLATFORMS.length > 1 && ys.length) console.error(`  ${pl}: p50=${percentile(ys, 50).toFixed(0)} p99=${percentile(ys, 99).toFixed(0)} ms (${ys.length})`);
      }
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const gen = process.cpuUsage(gen0);
    return {
      sent: total,
      answered: count,
      elapsedS,
      latencies,
      hostCpuMs: cpuMs(pid) - cpu0,
      platformCalls: platformCalls() - calls0,
      control,
      genCpuMs: (gen.user + gen.system) / 1000,
      rss: memMiB(pid).rss,
      reordered: [...order.values()].filter((xs) => xs.some((x, j) => j > 0 && x < xs[j - 1])).length,
    };
  };

  const out: RunResult = { peakRss: 0, lost: 0, duplicated: 0, ackMs: [], startupCpuMs, readyRss };
  if (MODES.includes('closed')) {
    out.closed = await phase(
      'c',
      CHATS * MESSAGES,
      () => {
        for (let c = 1; c <= CHATS; c++) send(textOf('c', c, 0), c);
      },
      (chat, i) => {
        if (i + 1 < MESSAGES) send(textOf('c', chat, i + 1), chat);
      },
      900_000,
    );
  }
  if (MODES.includes('open')) {
    const meanGapMs = (CHATS / RATE) * 1000;
    const timers: NodeJS.Timeout[] = [];
    const total = CHATS * OPEN_MESSAGES;
    out.open = await phase(
      'o',
      total,
      () => {
        for (let c = 1; c <= CHATS; c++) {
          let at = Math.random() * meanGapMs;
          for (let i = 0; i < OPEN_MESSAGES; i++) {
            const text = textOf('o', c, i);
            timers.push(setTimeout(() => send(text, c), at));
            at += meanGapMs * (0.5 + Math.random());
          }
        }
      },
      () => {},
      meanGapMs * (OPEN_MESSAGES + 1) + 120_000,
    );
    timers.forEach(clearTimeout);
  }
  out.peakRss = memMiB(pid).peak;
  // Give late duplicates a moment to show up before counting.
  await sleep(2000);
  const expected = [...(out.closed ? [['c', MESSAGES]] : []), ...(out.open ? [['o', OPEN_MESSAGES]] : [])] as [string, number][];
  for (const [p, n] of expected)
    for (let c = 1; c <= CHATS; c++) for (let i = 0; i < n; i++) if (!replies.has(textOf(p, c, i))) out.lost++;
  out.duplicated = [...replies.values()].filter((n) => n > 1).length;
  // Envelope → ack times of this run's Slack users (Slack resends what is not acked within 3 s).
  const sentEnv = new Map(
    slack.calls.filter((c) => c.method === 'ws:envelope' && String(c.params.payload?.event?.user ?? '').startsWith(`U${tag.toUpperCase()}`)).map((c) => [c.params.envelope_id as string, c.at]),
  );
  out.ackMs = slack.calls.filter((c) => c.method === 'ws:ack' && sentEnv.has(c.params.envelope_id)).map((c) => c.at - sentEnv.get(c.params.envelope_id)!);
  // BENCH_HEAP_SNAPSHOT_DIR: a heap snapshot of the host after the loads, for finding what grows per chat.
  if (snapDir && process.env.BENCH_HEAP_SNAPSHOT_AT !== 'ready') await heapSnapshot(pid, snapDir, tg);
  host.kill('SIGTERM');
  await exited;
  return out;
}

function rows(r: RunResult, base: RunResult | undefined, modelBaseline: number): { closed: BenchRow[]; open: BenchRow[]; all: BenchRow[] } {
  const added = (xs: number[], p: number) => percentile(xs, p) - modelBaseline;
  const phaseRows = (p: PhaseResult | undefined, b: PhaseResult | undefined, target: boolean): BenchRow[] =>
    p
      ? [
          { metric: 'messages/s', value: p.answered / p.elapsedS, unit: 'msg/s', baseline: b && b.answered / b.elapsedS },
          { metric: 'reply latency p50 (model alone: ' + modelBaseline.toFixed(1) + ' ms)', value: median(p.latencies), unit: 'ms', baseline: b && median(b.latencies) },
          { metric: 'added latency p50 (over the direct model call)', value: added(p.latencies, 50), unit: 'ms', baseline: b && added(b.latencies, 50) },
          { metric: 'added latency p99 (over the direct model call)', value: added(p.latencies, 99), unit: 'ms', baseline: b && added(b.latencies, 99), ...(target ? { target: '≤ 25 ms' } : {}) },
          { metric: 'control: the model alone during the load, p50', value: median(p.control), unit: 'ms', baseline: b && median(b.control) },
          { metric: 'control: the model alone during the load, p99', value: percentile(p.control, 99), unit: 'ms', baseline: b && percentile(b.control, 99) },
          { metric: 'reply p99 over the control\'s p99 (same moments)', value: percentile(p.latencies, 99) - percentile(p.control, 99), unit: 'ms', baseline: b && percentile(b.latencies, 99) - percentile(b.control, 99) },
          { metric: 'host CPU per message', value: p.hostCpuMs / p.answered, unit: 'ms', baseline: b && b.hostCpuMs / b.answered },
          { metric: 'platform API calls per message', value: p.platformCalls / p.answered, unit: '', baseline: b && b.platformCalls / b.answered },
          { metric: 'load generator (fakes) CPU per message', value: p.genCpuMs / p.answered, unit: 'ms', baseline: b && b.genCpuMs / b.answered },
          { metric: 'host RSS at the end', value: p.rss, unit: 'MiB', baseline: b?.rss },
          { metric: 'reordered chats', value: p.reordered, unit: '', baseline: b?.reordered, target: '0' },
        ]
      : [];
  const rssTarget = PLATFORMS.length > 1 ? '≤ 250 MiB' : '≤ 200 MiB';
  const all: BenchRow[] = [
    { metric: 'host RSS when ready (before any message)', value: r.readyRss, unit: 'MiB', baseline: base?.readyRss },
    { metric: 'host peak RSS', value: r.peakRss, unit: 'MiB', baseline: base?.peakRss, target: rssTarget },
    { metric: 'host CPU from start to ready', value: r.startupCpuMs, unit: 'ms', baseline: base?.startupCpuMs },
    { metric: 'lost', value: r.lost, unit: '', baseline: base?.lost, target: '0' },
    { metric: 'duplicated', value: r.duplicated, unit: '', baseline: base?.duplicated, target: '0' },
    ...(r.ackMs.length
      ? [
          { metric: 'Slack envelope → ack p99', value: percentile(r.ackMs, 99), unit: 'ms', baseline: base && percentile(base.ackMs, 99) },
          { metric: 'Slack envelope → ack max', value: Math.max(...r.ackMs), unit: 'ms', baseline: base && Math.max(...base.ackMs), target: '< 3000 ms (Slack resends)' },
        ]
      : []),
  ];
  return { closed: phaseRows(r.closed, base?.closed, false), open: phaseRows(r.open, base?.open, true), all };
}

async function main() {
  const model = await ScriptedModelServer.start();
  // Every request is answered with a reply naming the message it answers, after the model's 50 ms.
  (model as any).take = (body: ChatBody) => ({ text: `re: ${lastUser(body)}`, firstTokenDelayMs: MODEL_MS });
  // Nothing needs the recorded requests; 4,000+ bodies with growing histories would only weigh on the load generator.
  Object.defineProperty(model, 'requests', { value: { push: () => 0, length: 0 } });
  const tg = await FakeTelegram.start();
  const dc = await FakeDiscord.start();
  const slack = await FakeSlack.start();
  // Acks under load are what this measures, not the fake's patience: no Slack redelivery during the run.
  slack.ackTimeoutMs = 600_000;
  // The fakes share this process with 200 conversations; with seconds of event-loop lag, Node's 5 s keep-alive
  // closes idle sockets just as the host reuses them. The real platforms keep connections far longer.
  for (const srv of [(model as any).server, (tg as any).server, (dc as any).server, (slack as any).server]) srv.keepAliveTimeout = 120_000;
  const modelBaseline = await directBaseline(model.baseURL);
  const fakes = { model, tg, dc, slack };

  const before = BEFORE ? await runHost(BEFORE, fakes, 'b') : undefined;
  const after = await runHost(MAIN, fakes, 'a');
  await tg.close();
  await dc.close();
  await slack.close();
  await model.close();

  const r = rows(after, before, modelBaseline);
  const what = `${CHATS} chats (${PLATFORMS.join(' + ')}), model ${MODEL_MS} ms${before ? `; baseline column: ${BEFORE}` : ''}`;
  if (r.closed.length) report(`gateway, closed loop: ${what}, ${MESSAGES} messages each, next sent when answered`, r.closed);
  if (r.open.length) report(`gateway, open load: ${what}, ${RATE} msg/s in all (each chat every ${(CHATS / RATE).toFixed(1)} s ±50 %), ${OPEN_MESSAGES} messages each`, r.open);
  report(`gateway, whole run: ${what}`, r.all);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
