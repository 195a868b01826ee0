// execute_code vs direct tool calls (issue 15): a 20-step read/grep/summarise pipeline over 20 files, done as one
// script (one execute_code call: 20 read_file calls over the tool socket, grep and summary in the script) and as 20
// read_file tool calls, one per model response, against the scripted model. Measured: model round trips, what was
// sent to the model (characters of request messages; ≈ 4 per token), and wall time from turn/start to turn/completed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { median, report } from './lib';
import { ScriptedModelServer, type ChatBody } from '../test/support/model-server';

const MAIN = resolve(__dirname, '../../dist/server/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = 20;

const SCRIPT = `
let hits = 0, lines = 0;
for (let i = 0; i < ${FILES}; i++) {
  const text = await read_file({ path: \`src/mod\${i}.txt\` });
  lines += text.split('\\n').length;
  hits += text.split('\\n').filter((l) => /TODO/.test(l)).length;
}
console.log(\`\${${FILES}} files, \${lines} lines, \${hits} TODO lines\`);
`;

async function main() {
  const model = await ScriptedModelServer.start();
  const ws = join(homedir(), '.cache', 'hermes-host-tests', `bench-exec-${process.pid}`);
  mkdirSync(join(ws, 'src'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const body = Array.from({ length: 80 }, (_, j) => (j % 17 === 0 ? `// TODO item ${i}.${j}` : `const v${j} = ${i * j}; // filler line for module ${i}`));
    writeFileSync(join(ws, 'src', `mod${i}.txt`), body.join('\n') + '\n');
  }
  const home = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  writeFileSync(join(home, 'config.yaml'), `model:\n  default: test-model\n  provider: custom\n  base_url: ${model.baseURL}\n`);
  const p = spawn(process.execPath, [MAIN, '--stdio'], { env: { ...process.env, HERMES_HOME: home, OPENAI_API_KEY: 'x' }, cwd: ws, stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(p.stdout!), new StreamMessageWriter(p.stdin!));
  const done = new Map<string, () => void>();
  conn.onNotification((method, params: any) => {
    if (method === 'turn/completed') done.get(params.threadId)?.();
  });
  conn.listen();
  await conn.sendRequest('initialize', { clientInfo: { name: 'bench' }, workspaceFolders: [ws] });

  const sent = (bodies: ChatBody[]) => bodies.reduce((n, b) => n + JSON.stringify(b.messages).length, 0);
  async function turn(script: () => void): Promise<{ ms: number; calls: number; chars: number }> {
    const { thread } = (await conn.sendRequest('thread/start', { cwd: ws })) as { thread: { id: string } };
    script();
    const before = model.chatRequests().length;
    const ended = new Promise<void>((r) => done.set(thread.id, r));
    const t0 = performance.now();
    await conn.sendRequest('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'count the TODO lines in src/' }] });
    await ended;
    const ms = performance.now() - t0;
    const reqs = model.chatRequests().slice(before).map((r) => r.body);
    return { ms, calls: reqs.length, chars: sent(reqs) };
  }
  const direct = () => {
    for (let i = 0; i < FILES; i++) model.script({ toolCalls: [{ name: 'read_file', arguments: { path: `src/mod${i}.txt` } }] });
    model.script({ text: `${FILES} files read; the TODO lines are counted.` });
  };
  const scripted = () => {
    model.script({ toolCalls: [{ name: 'execute_code', arguments: { code: SCRIPT } }] }, { text: `${FILES} files read; the TODO lines are counted.` });
  };

  await turn(scripted); // warm-up: bwrap, the node interpreter's first start, file caches
  await turn(direct);
  const a: Awaited<ReturnType<typeof turn>>[] = [];
  const b: Awaited<ReturnType<typeof turn>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    b.push(await turn(direct));
    a.push(await turn(scripted));
  }
  report('execute-code', [
    { metric: 'model round trips (20-step pipeline)', value: median(a.map((x) => x.calls)), unit: 'calls', baseline: median(b.map((x) => x.calls)) },
    { metric: 'chars sent to the model', value: median(a.map((x) => x.chars)), unit: 'chars', baseline: median(b.map((x) => x.chars)) },
    { metric: '≈ prompt tokens sent (chars/4)', value: median(a.map((x) => x.chars / 4)), unit: 'tok', baseline: median(b.map((x) => x.chars / 4)) },
    { metric: 'wall time turn/start → turn/completed', value: median(a.map((x) => x.ms)), unit: 'ms', baseline: median(b.map((x) => x.ms)) },
  ]);
  conn.dispose();
  p.kill('SIGTERM');
  await new Promise((r) => p.on('exit', r));
  await model.close();
  rmSync(ws, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
