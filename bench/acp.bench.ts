// What the ACP adapter adds: the first session/update (agent_message_chunk) an ACP client gets for a prompt, against
// the host's own first item/agentMessage/delta seen by a socket client of the same --listen host (the baseline,
// measured in the same run, interleaved). Also the whole prompt (its answer) against turn/completed. The adapter is a
// socket client of the host itself, so the difference is one more hop (host socket → adapter → ACP stdio).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import * as acp from '@agentclientprotocol/sdk';
import { median, percentile, report } from './lib';
import { ScriptedModelServer } from '../test/support/model-server';
import { AcpTestClient } from '../test/support/acp-client';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const gapAfterLast: number[] = [];

async function main() {
  const model = await ScriptedModelServer.start();
  model.fallback = { text: 'a short streamed answer' };
  const home = mkdtempSync(join(tmpdir(), 'hermes-bench-acp-'));
  const ws = mkdtempSync(join(tmpdir(), 'hermes-bench-acp-ws-'));
  writeFileSync(join(home, 'config.yaml'), `model:\n  default: test-model\n  provider: custom\n  base_url: ${model.baseURL}\n  api_key_env: TEST_MODEL_KEY\n`);
  const env = { ...process.env, HERMES_HOME: home, TEST_MODEL_KEY: 'sk-bench' };
  const host = spawn(process.execPath, [MAIN, '--listen'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const sock = join(home, 'host.sock');
  for (let i = 0; i < 400 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));

  // Baseline: a plain socket client of the host.
  const s = createConnection(sock);
  await new Promise((r) => s.once('connect', r));
  const conn = createMessageConnection(new StreamMessageReader(s), new StreamMessageWriter(s));
  let onDelta: (() => void) | null = null;
  let onDone: (() => void) | null = null;
  conn.onNotification((method) => {
    if (method === 'item/agentMessage/delta' && onDelta) (onDelta(), (onDelta = null));
    if (method === 'turn/completed' && onDone) (onDone(), (onDone = null));
  });
  conn.listen();
  await conn.sendRequest('initialize', { clientInfo: { name: 'bench' } });
  await conn.sendNotification('initialized', {});
  const { thread } = (await conn.sendRequest('thread/start', { cwd: ws })) as { thread: { id: string } };
  const hostTurn = async () => {
    const first = new Promise<void>((r) => (onDelta = r));
    const done = new Promise<void>((r) => (onDone = r));
    const t0 = performance.now();
    await conn.sendRequest('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    await first;
    const t1 = performance.now();
    await done;
    return [t1 - t0, performance.now() - t0] as const;
  };

  // ACP: the adapter attached to the same host, driven by the SDK's client.
  const a = AcpTestClient.start({ home, cwd: ws, env: { TEST_MODEL_KEY: 'sk-bench' } });
  await a.initialize();
  const { sessionId } = await a.agent.request(acp.methods.agent.session.new, { cwd: ws, mcpServers: [] });
  const acpTurn = async () => {
    const before = a.of('agent_message_chunk', sessionId).length;
    const t0 = performance.now();
    const answered = a.agent.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'hi' }] });
    await a.until(() => a.of('agent_message_chunk', sessionId).length > before, 'the first chunk');
    const t1 = performance.now();
    await answered;
    const t2 = performance.now();
    gapAfterLast.push(t2 - a.updates.at(-1)!.at);
    return [t1 - t0, t2 - t0] as const;
  };

  await hostTurn();
  await acpTurn();
  const hostFirst: number[] = [];
  const hostAll: number[] = [];
  const acpFirst: number[] = [];
  const acpAll: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [hf, ha] = await hostTurn();
    hostFirst.push(hf);
    hostAll.push(ha);
    const [af, aa] = await acpTurn();
    acpFirst.push(af);
    acpAll.push(aa);
  }
  await a.close();
  conn.dispose();
  s.end();
  host.kill('SIGTERM');
  await new Promise((r) => host.once('exit', r));
  await model.close();

  report(`ACP adapter (hermes-host acp attached to a --listen host; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`, [
    { metric: 'prompt → first agent_message_chunk over ACP, p50 (baseline: turn/start → first delta on the socket)', value: median(acpFirst), unit: 'ms', baseline: median(hostFirst) },
    { metric: 'same, p90', value: percentile(acpFirst, 90), unit: 'ms', baseline: percentile(hostFirst, 90) },
    // Each ACP prompt runs right after a socket turn: the median of the pairwise differences is less noisy than
    // the difference of the medians on a loaded machine.
    { metric: 'added to the first update by the adapter (median of paired differences)', value: median(acpFirst.map((v, i) => v - hostFirst[i])), unit: 'ms', target: '≤ 5 ms' },
    { metric: 'last update → prompt answer, p50', value: median(gapAfterLast), unit: 'ms' },
    { metric: 'prompt → its answer (end_turn), p50 (baseline: turn/start → turn/completed)', value: median(acpAll), unit: 'ms', baseline: median(hostAll) },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
