// End to end through the built host over JSON-RPC with `terminal.backend: docker` and `ssh` set in config.yaml: a
// scripted model calls terminal, write_file and read_file, and what comes back shows the work happened inside the
// container / on the SSH host, not on this machine's workspace. `hermes-host doctor --json` reports the backend
// reachable, and unreachable once it is gone.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { scopeName } from '../../../server/sandbox/docker-container';
import { importBusyboxImage } from '../../support/busybox-image';
import { startDockerd, type Dockerd } from '../../support/dockerd';
import { runCli, startHost, tempHome, writeTestConfig, type HostProcess } from '../../support/host-process';
import { ScriptedModelServer, type ScriptedToolCall } from '../../support/model-server';
import { startSshd, type Sshd } from '../../support/sshd';

let model: ScriptedModelServer;
const hosts: HostProcess[] = [];
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-host-backends-')));

beforeAll(async () => {
  model = await ScriptedModelServer.start();
});
afterAll(async () => {
  await model?.close();
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.kill();
  expect(model.pending()).toBe(0);
});

interface Session {
  home: string;
  /** The workspace folder the client opened on this machine. */
  ws: string;
  host: HostProcess;
  threadId: string;
}

async function open(name: string, terminalYaml: string): Promise<Session> {
  const home = tempHome(`hermes-${name}-home-`);
  const ws = join(scratch, `${name}-ws`);
  mkdirSync(ws, { recursive: true });
  writeTestConfig(home, model.baseURL, `terminal:\n${terminalYaml}`);
  const host = startHost({ home });
  hosts.push(host);
  await host.client.initialize({ workspace: ws });
  const { thread } = await host.client.request('thread/start', {});
  return { home, ws, host, threadId: thread.id };
}

/** One turn in which the model makes each group of tool calls in turn (a group per model response), then stops.
 * Returns the tool results the model was sent, in order. */
async function turn(s: Session, ...groups: ScriptedToolCall[][]): Promise<string[]> {
  model.script(...groups.map((toolCalls) => ({ toolCalls })), { text: 'done' });
  const before = s.host.client.of('turn/completed').length;
  await s.host.client.request('turn/start', { threadId: s.threadId, input: [{ type: 'text', text: 'go' }] });
  await s.host.client.waitFor('turn/completed', () => s.host.client.of('turn/completed').length > before, 60_000);
  const msgs = model.chatRequests().at(-1)!.body.messages;
  const lastUser = msgs.map((m) => m.role).lastIndexOf('user');
  return msgs.slice(lastUser).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

const terminal = (command: string): ScriptedToolCall => ({ name: 'terminal', arguments: { command } });
const NOTE = 'written by the model\n';
const fileCalls = [
  [{ name: 'write_file', arguments: { path: 'note.txt', content: NOTE } }],
  [{ name: 'read_file', arguments: { path: 'note.txt' } }],
  [terminal('cat note.txt; ls -n note.txt')],
];

async function doctor(home: string) {
  const r = await runCli(['doctor', '--json'], { HERMES_HOME: home });
  const res = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
  return { code: r.code, ok: res.ok, checks: Object.fromEntries(res.checks.map((c) => [c.name, c])) };
}

function commandItems(s: Session) {
  return s.host.client.of('item/completed').map((n) => n.item).filter((i) => i.type === 'commandExecution') as {
    command: string;
    backend?: string;
    cwd?: string;
    exitCode?: number;
  }[];
}

/** A script written there and run later is judged by what it contains there (read in the container / over SFTP):
 * nobody can answer here, so it is refused and does not run. (Its payload is harmless if it did run.) */
async function scriptJudgedThere(s: Session) {
  const script = 'echo tidying\ngit config core.fsmonitor "rm -rf victim"\n';
  const [wrote, ran] = await turn(s, [{ name: 'write_file', arguments: { path: 'cleanup.sh', content: script } }], [terminal('sh cleanup.sh')]);
  expect(wrote).toMatch(/^Wrote /);
  expect(ran).toMatch(/^BLOCKED: nobody who can answer approvals/);
  expect(ran).not.toContain('tidying');
}

describe('terminal.backend: docker', () => {
  let dockerd: Dockerd | undefined;
  let image = '';
  beforeAll(async () => {
    dockerd = await startDockerd();
    image = await importBusyboxImage(dockerd.socketPath);
  });
  afterAll(async () => dockerd?.stop());

  const yaml = () => `  backend: docker\n  docker_socket: ${dockerd!.socketPath}\n  docker_image: ${image}\n`;

  test('commands and file tools run in the thread’s container, on its workspace under HERMES_HOME/sandboxes', async () => {
    const s = await open('docker', yaml());
    const [who, wrote, read, cat] = await turn(s, [terminal('id -u; pwd; echo "$HERMES_SANDBOX"; hostname')], ...fileCalls);
    const [uid, cwd, marker, hostname] = who!.split('\n');
    expect([uid, cwd, marker]).toEqual(['1000', '/workspace', 'docker']);
    expect(who).toMatch(/\n\n\[exit code 0\]$/);
    // The model is told where its commands really run.
    expect(String(model.chatRequests().at(-1)!.body.messages[0].content)).toContain('the working directory there is /workspace');
    const container = await dockerd!.docker.getContainer(`hermes-${scopeName(s.threadId)}`).inspect();
    expect(container.Config.Hostname).toBe(hostname);
    expect(container.State.Running).toBe(true);

    expect(wrote).toBe(`Wrote ${NOTE.length} bytes to note.txt (new file).`);
    expect(read).toBe('1|written by the model');
    expect(cat).toMatch(/^written by the model\n-rw-\S+\s+1 1000\s+1000\s+21 .*note\.txt\n\n\[exit code 0\]$/);
    const onHost = join(s.home, 'sandboxes', scopeName(s.threadId), 'note.txt');
    expect(readFileSync(onHost, 'utf8')).toBe(NOTE);
    expect(statSync(onHost).uid).toBe(1000);
    expect(existsSync(join(s.ws, 'note.txt'))).toBe(false);

    const items = commandItems(s);
    expect(items.map((i) => [i.backend, i.cwd, i.exitCode])).toEqual([
      ['docker', '/workspace', 0],
      ['docker', '/workspace', 0],
    ]);
  });

  test('a script written in the container is judged by its content there', async () => {
    await scriptJudgedThere(await open('docker-script', yaml()));
  });

  test('doctor reports the engine and image reachable, and a missing socket unreachable', async () => {
    const home = tempHome('hermes-docker-doctor-');
    writeTestConfig(home, model.baseURL, `terminal:\n${yaml()}`);
    const good = await doctor(home);
    expect(good.checks['terminal backend (docker)']).toMatchObject({ ok: true, detail: expect.stringContaining(`image ${image} present`) });
    expect(good).toMatchObject({ code: 0, ok: true });

    const gone = join(scratch, 'no-such-docker.sock');
    writeTestConfig(home, model.baseURL, `terminal:\n  backend: docker\n  docker_socket: ${gone}\n  docker_image: ${image}\n`);
    const bad = await doctor(home);
    expect(bad.checks['terminal backend (docker)']).toMatchObject({ ok: false, detail: expect.stringContaining(`the engine at ${gone} does not answer`) });
    expect(bad).toMatchObject({ code: 1, ok: false });
  });
});

describe('terminal.backend: ssh', () => {
  let sshd: Sshd | undefined;
  const remoteDir = join(scratch, 'ssh-remote');
  beforeAll(async () => {
    sshd = await startSshd();
    mkdirSync(remoteDir, { recursive: true });
  });
  afterAll(async () => sshd?.stop());

  const yaml = () =>
    [
      '  backend: ssh',
      `  ssh_host: ${sshd!.host}`,
      `  ssh_port: ${sshd!.port}`,
      `  ssh_user: ${sshd!.user}`,
      `  ssh_key: ${sshd!.keyPath}`,
      `  ssh_known_hosts: ${sshd!.knownHostsPath}`,
      `  cwd: ${remoteDir}`,
      '',
    ].join('\n');

  test('commands run in a login over SSH in terminal.cwd, and file tools go over SFTP there', async () => {
    const s = await open('ssh', yaml());
    // SSH_CONNECTION is set by sshd for the session: client address and port, server address and port.
    const [who, wrote, read, cat] = await turn(s, [terminal('id -u; pwd; echo "$HERMES_SANDBOX"; echo "$SSH_CONNECTION"')], ...fileCalls);
    const [uid, cwd, marker, conn] = who!.split('\n');
    expect([uid, cwd, marker]).toEqual([String(userInfo().uid), remoteDir, 'ssh']);
    expect(String(model.chatRequests().at(-1)!.body.messages[0].content)).toContain(`over SSH on`);
    expect(conn!.split(' ')).toEqual(['127.0.0.1', expect.stringMatching(/^\d+$/), '127.0.0.1', String(sshd!.port)]);

    expect(wrote).toBe(`Wrote ${NOTE.length} bytes to note.txt (new file).`);
    expect(read).toBe('1|written by the model');
    expect(cat).toMatch(/^written by the model\n/);
    expect(readFileSync(join(remoteDir, 'note.txt'), 'utf8')).toBe(NOTE);
    expect(existsSync(join(s.ws, 'note.txt'))).toBe(false);
    expect(commandItems(s).map((i) => [i.backend, i.cwd, i.exitCode])).toEqual([
      ['ssh', remoteDir, 0],
      ['ssh', remoteDir, 0],
    ]);
  });

  test('a script written on the SSH host is judged by its content there', async () => {
    const dir = join(remoteDir, 'script');
    mkdirSync(dir, { recursive: true });
    await scriptJudgedThere(await open('ssh-script', yaml().replace(`  cwd: ${remoteDir}`, `  cwd: ${dir}`)));
  });

  test('doctor reports the SSH host reachable, and unreachable once sshd is stopped', async () => {
    const home = tempHome('hermes-ssh-doctor-');
    writeTestConfig(home, model.baseURL, `terminal:\n${yaml()}`);
    const good = await doctor(home);
    expect(good.checks['terminal backend (ssh)']).toMatchObject({ ok: true, detail: expect.stringContaining('connected, host key verified, commands run') });
    expect(good).toMatchObject({ code: 0, ok: true });

    await sshd!.kill();
    try {
      const bad = await doctor(home);
      expect(bad.checks['terminal backend (ssh)']).toMatchObject({ ok: false, detail: expect.stringMatching(/^ssh: .*ECONNREFUSED/) });
      expect(bad).toMatchObject({ code: 1, ok: false });
    } finally {
      await sshd!.restart();
    }
  });
});
