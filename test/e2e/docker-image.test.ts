// The Docker image, built offline by scripts/docker-image.mjs on the test dockerd and run as a user would run it:
// the gateway as the default command with a named HERMES_HOME volume, reaching the scripted model and the fake
// Telegram on 127.0.0.1 (--network host: the test engine has no bridge). `chat -q` through `docker exec`, the
// gateway answering an allowed user and pairing another, a stop/start that keeps threads, pairings and the
// Telegram offset, the HEALTHCHECK, files in the volume owned by the uid the image was built with, and the docker
// backend explaining that the engine's socket must be mounted.
// The first run builds the base from Debian's mirror and compiles the native modules (minutes); the engine's data
// root is kept under .cache/docker/engine, so later runs reuse every layer.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { FakeTelegram } from '../support/fake-telegram';
import { E2E_IMAGE, startImageEngine, type ImageEngine } from '../support/image-engine';
import { lastUserText } from '../support/gateway-env';
import { untilOk } from '../support/until';

const { uid: UID, tag: TAG } = E2E_IMAGE;
const NAME = 'hermes-e2e';
const VOLUME = 'hermes-e2e-home';
const ALICE = 1001;
const BOB = 2002;

const API_KEY = 'hermes-e2e-api-key-0123456789abcdef';
let apiPort: number;
let engine: ImageEngine;
let model: ScriptedModelServer;
let tg: FakeTelegram;

const config = (baseURL: string) =>
  [
    'model:',
    '  default: test-model',
    '  provider: custom',
    `  base_url: ${baseURL}`,
    '  api_key_env: TEST_MODEL_KEY',
    '  retry_base_ms: 20',
    '  retry_max_ms: 200',
    'gateway:',
    '  edit_interval_ms: 200',
    '  drain_timeout: 3',
    '  telegram:',
    '    poll_timeout: 1',
    // TELEGRAM_ALLOWED_USERS is set and Bob still gets a pairing code: the owner asked for pairing.
    '    unauthorized_dm_behavior: pair',
    '',
  ].join('\n');

async function inspect(format: string): Promise<string> {
  return (await engine.docker(['inspect', '--format', format, NAME])).stdout.trim();
}

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000) => untilOk(what, fn, timeoutMs, 250);

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

const healthy = () => until('the container to be healthy', async () => (await inspect('{{.State.Health.Status}}')) === 'healthy');

beforeAll(async () => {
  engine = await startImageEngine();
  await engine.build({ tag: TAG, uid: UID, gid: UID });
  model = await ScriptedModelServer.start();
  tg = await FakeTelegram.start();
  // Left over from an interrupted run (the engine's data root persists).
  await engine.docker(['rm', '-f', NAME], { allowFail: true });
  await engine.docker(['volume', 'rm', '-f', VOLUME], { allowFail: true });
  await engine.docker(['volume', 'create', VOLUME]);
  apiPort = await freePort();
  // config.yaml written into the volume by the image itself, as its user.
  await engine.docker(['run', '--rm', '-v', `${VOLUME}:/data/hermes`, '-e', `CFG=${config(model.baseURL)}`, '--entrypoint', 'sh', TAG, '-c', 'printf %s "$CFG" > /data/hermes/config.yaml']);
  await engine.docker([
    'run', '-d', '--name', NAME, '--network', 'host', '-v', `${VOLUME}:/data/hermes`,
    '-e', 'TEST_MODEL_KEY=sk-test-key-for-the-scripted-model', '-e', `TELEGRAM_BOT_TOKEN=${tg.token}`,
    '-e', `TELEGRAM_API_ROOT=${tg.apiRoot}`, '-e', `TELEGRAM_ALLOWED_USERS=${ALICE}`,
    // As compose.yaml runs it: the HTTP API on every interface of the container, behind API_SERVER_KEY.
    '-e', 'API_SERVER_ENABLED=true', '-e', 'API_SERVER_HOST=0.0.0.0', '-e', `API_SERVER_PORT=${apiPort}`, '-e', `API_SERVER_KEY=${API_KEY}`,
    // The image's HEALTHCHECK runs every 30 s; the test asks for the same command more often.
    '--health-interval', '1s', '--health-start-period', '30s',
    TAG,
  ]);
}, 60 * 60_000);

afterAll(async () => {
  if (engine) {
    await engine.docker(['rm', '-f', NAME], { allowFail: true });
    await engine.docker(['volume', 'rm', '-f', VOLUME], { allowFail: true });
    await engine.stop();
  }
  await tg?.close();
  await model?.close();
}, 120_000);

describe('docker image', () => {
  it('runs the gateway as its default command, as the configured uid, and turns healthy through `hermes-host health`', async () => {
    await healthy();
    // Healthy as soon as the host answers; the check's own line then follows Telegram's state to `ready`.
    const last = async () => (JSON.parse(await inspect('{{json .State.Health.Log}}')) as { ExitCode: number; Output: string }[]).at(-1);
    const ready = await until('a health check that sees Telegram ready', async () => {
      const l = await last();
      return l && /telegram ready/.test(l.Output) ? l : undefined;
    });
    expect(ready).toMatchObject({ ExitCode: 0, Output: expect.stringMatching(/^healthy: host \S+ answers; gateway: telegram ready; outbox 0 pending\n$/) });
    expect(await inspect('{{json .Config.Cmd}}')).toBe('["--gateway"]');
    // PID 1 is tini, the host its child.
    const ps = (await engine.docker(['exec', NAME, 'ps', '-o', 'pid=,comm=', '-p', '1'])).stdout;
    expect(ps.trim()).toMatch(/^1 tini$/);
    expect((await engine.docker(['exec', NAME, 'id', '-u'])).stdout.trim()).toBe(String(UID));
    const logs = await engine.docker(['logs', NAME]);
    expect(logs.stderr).toContain('gateway running: telegram');
    // No bubblewrap in a container: commands run in the container itself, said once and plainly.
    expect(logs.stderr).toMatch(/running in a docker container: commands run directly in the container/);
  });

  it('`chat -q` through docker exec attaches to the gateway and runs a command in the container', async () => {
    model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'echo ran-as-$(id -u) && test -f /.dockerenv && echo in-docker' } }] }, { text: 'Done: the command ran in the container.' });
    const r = await engine.docker(['exec', NAME, 'hermes-host', 'chat', '-q', 'run the check', '--quiet'], { timeoutMs: 60_000 });
    expect(r.stdout).toContain('Done: the command ran in the container.');
    const tool = model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool');
    expect(String(tool?.content)).toContain(`ran-as-${UID}`);
    expect(String(tool?.content)).toContain('in-docker');
    // Bubblewrap's absence is not reported to the model as a warning: it is told where it runs.
    expect(String(tool?.content)).not.toContain('UNCONFINED');
    expect(JSON.stringify(model.chatRequests().at(-1)!.body.messages[0])).toContain('Commands run directly in this container');
  });

  it('answers an allowed Telegram user, and pairs another through `docker exec … pairing approve`', async () => {
    model.script({ text: 'Hello Alice, from the container.' });
    tg.userSends({ userId: ALICE, text: 'first message' });
    await tg.waitFor(() => tg.sentTo(ALICE).find((m) => m.text.includes('Hello Alice, from the container.') && !m.text.includes('▉')), 30_000, 'the reply to Alice');

    tg.userSends({ userId: BOB, text: 'let me in' });
    const codeMsg = await tg.waitFor(() => tg.sentTo(BOB).find((m) => /pairing code is ([A-Z2-9]{8})/.test(m.text)), 30_000, 'a pairing code');
    const code = /pairing code is ([A-Z2-9]{8})/.exec(codeMsg.text)![1]!;
    const approve = await engine.docker(['exec', NAME, 'hermes-host', 'pairing', 'approve', 'telegram', code]);
    expect(approve.stdout).toContain(`approved telegram user ${BOB}`);
  });

  it('a stop (SIGTERM through tini, clean exit) and start keeps the thread, the pairing and the Telegram offset', async () => {
    await engine.docker(['stop', '-t', '30', NAME], { timeoutMs: 60_000 });
    // Exit code 0: tini passed SIGTERM on and the gateway drained and exited by itself (a kill would be 137).
    expect(await inspect('{{.State.ExitCode}}')).toBe('0');
    await engine.docker(['start', NAME]);
    await healthy();

    const before = model.chatRequests().length;
    model.script({ text: 'Second answer for Alice.' }, { text: 'Welcome, Bob.' });
    tg.userSends({ userId: ALICE, text: 'second message' });
    await tg.waitFor(() => tg.sentTo(ALICE).find((m) => m.text.includes('Second answer for Alice.') && !m.text.includes('▉')), 30_000, 'the reply after the restart');
    // The same conversation continues: the model sees the first exchange.
    const req = model.chatRequests().at(-1)!.body;
    expect(lastUserText(req)).toBe('second message');
    expect(JSON.stringify(req.messages)).toContain('first message');
    expect(JSON.stringify(req.messages)).toContain('Hello Alice, from the container.');

    // Bob's pairing survived the restart: he is answered, not given a new code.
    tg.userSends({ userId: BOB, text: 'hello again' });
    await tg.waitFor(() => tg.sentTo(BOB).find((m) => m.text.includes('Welcome, Bob.') && !m.text.includes('▉')), 30_000, "Bob's reply");
    expect(tg.sentTo(BOB).filter((m) => /pairing code/.test(m.text))).toHaveLength(1);

    // Nothing from before the restart was read again (the offset was kept): exactly two new turns, each answered once.
    expect(model.chatRequests().length - before).toBe(2);
    expect(tg.sentTo(ALICE).filter((m) => m.text.includes('Hello Alice, from the container.'))).toHaveLength(1);
    expect(tg.sentTo(ALICE).filter((m) => m.text.includes('Second answer for Alice.'))).toHaveLength(1);
  });

  it('serves the HTTP API beyond loopback only with its key', async () => {
    const url = `http://127.0.0.1:${apiPort}/v1/models`;
    expect((await fetch(url)).status).toBe(401);
    const r = await fetch(url, { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    expect((await engine.docker(['logs', NAME])).stderr).toContain(`HTTP API listening on http://0.0.0.0:${apiPort}`);
  });

  it('files in the HERMES_HOME volume belong to the uid and gid the image was built with', async () => {
    const stat = await engine.docker(['exec', NAME, 'stat', '-c', '%u:%g %a', '/data/hermes', '/data/hermes/hermes-host.db', '/data/hermes/config.yaml']);
    const lines = stat.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(new RegExp(`^${UID}:${UID} `));
    expect(lines[0]).toBe(`${UID}:${UID} 700`);
    const strangers = await engine.docker(['exec', '-u', '0', NAME, 'find', '/data/hermes', '(', '!', '-uid', String(UID), '-o', '!', '-gid', String(UID), ')', '-print']);
    expect(strangers.stdout.trim()).toBe('');
  });

  it('the docker backend in the container says the engine socket must be mounted', async () => {
    const r = await engine.docker(
      ['run', '--rm', '--entrypoint', 'sh', TAG, '-c', 'export HERMES_HOME=$(mktemp -d) && hermes-host config set terminal.backend docker >/dev/null && hermes-host doctor'],
      { allowFail: true },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/terminal backend \(docker\): .*\/var\/run\/docker\.sock does not exist in this container: the docker backend needs the engine's socket mounted explicitly/);
  });
});
