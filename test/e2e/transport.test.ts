// The JSON-RPC transport of a --listen host under bad input from one client: malformed frames are answered and
// resynchronised, hopeless ones close that client only, an oversize turn/start gets a clear error without the host
// buffering it, and other clients keep being served throughout. Also: --listen never deletes what is not a socket.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameParser } from '../../server/rpc/frame-parser';
import { useE2E } from '../support/e2e-env';
import { connectSocket, runCli, tempHome, writeTestConfig, type HostProcess, type RpcClient } from '../support/host-process';

const env = useE2E();

async function waitFor(cond: () => boolean, what: string, host?: HostProcess) {
  for (let i = 0; i < 400; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} never happened: ${host?.stderr() ?? ''}`);
}

async function listeningHost(extra = '') {
  const home = tempHome();
  writeTestConfig(home, env.model.baseURL, extra);
  const host = env.start({ home, args: ['--listen'] });
  const sock = join(home, 'host.sock');
  await waitFor(() => existsSync(sock), 'the socket', host);
  return { home, host, sock };
}

/** A client that speaks raw bytes and reads the host's framed answers. */
class RawClient {
  readonly answers: any[] = [];
  closed = false;
  private readonly parser = new FrameParser(1 << 30);
  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      for (const ev of this.parser.push(d)) if (ev.type === 'frame') this.answers.push(JSON.parse(ev.body.toString('utf8')));
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  static async connect(path: string): Promise<RawClient> {
    const s = createConnection(path);
    await new Promise<void>((res, rej) => (s.once('connect', res), s.once('error', rej)));
    return new RawClient(s);
  }
  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }
  frame(msg: object): void {
    const b = Buffer.from(JSON.stringify(msg));
    this.send(Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]));
  }
  async next(n = this.answers.length + 1): Promise<any> {
    await waitFor(() => this.answers.length >= n || this.closed, 'an answer');
    return this.answers[n - 1];
  }
}

async function ping(c: RpcClient): Promise<void> {
  const r = await c.request('thread/list', {});
  expect(Array.isArray(r.threads)).toBe(true);
}

describe('transport under bad framing', () => {
  it('answers malformed frames, resynchronises, closes only the hopeless client; another client is served throughout', async () => {
    const { sock } = await listeningHost('rpc:\n  max_message_bytes: 65536\n');
    const good = await connectSocket(sock);
    await good.initialize({ name: 'good' });
    const bad = await RawClient.connect(sock);
    bad.frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { clientInfo: { name: 'bad' } } });
    expect((await bad.next(1)).result.serverInfo.name).toBe('hermes-host');

    // Recoverable: bad Content-Length values, a header line without ':', JSON that is not JSON-RPC.
    bad.send('Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"thread/list"}');
    bad.frame({ jsonrpc: '2.0', id: 2, method: 'thread/list', params: {} });
    const e1 = await bad.next(2);
    expect(e1).toMatchObject({ id: null, error: { code: -32700, data: { kind: 'ParseError' } } });
    expect(e1.error.message).toMatch(/Content-Length is not a non-negative integer: "abc"/);
    expect((await bad.next(3))).toMatchObject({ id: 2, result: { threads: [] } });
    await ping(good);

    bad.send('Content-Length: -5\r\n\r\n');
    bad.send('Content-Length: 40\r\nno colon here\r\n\r\n{"jsonrpc":"2.0","id":3,"method":"x"}   ');
    bad.frame({ jsonrpc: '2.0', id: 4, method: 'thread/list', params: {} });
    expect((await bad.next(4)).error.data.kind).toBe('ParseError');
    expect(await bad.next(5)).toMatchObject({ id: 3, error: { code: -32600, data: { kind: 'InvalidRequest' } } });
    expect((await bad.next(6)).id).toBe(4);

    // Oversize: refused from its header, answered with its id, skipped without buffering.
    const big = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'turn/start', params: { threadId: 't', input: [{ type: 'text', text: 'x'.repeat(200_000) }] } });
    bad.send(`Content-Length: ${Buffer.byteLength(big)}\r\n\r\n${big}`);
    const tooBig = await bad.next(7);
    expect(tooBig).toMatchObject({ id: 5, error: { code: -32600, data: { kind: 'InvalidRequest' } } });
    expect(tooBig.error.message).toMatch(/exceeds the limit of 65536 bytes \(rpc\.max_message_bytes\)/);
    bad.frame({ jsonrpc: '2.0', id: 6, method: 'thread/list', params: {} });
    expect((await bad.next(8)).id).toBe(6);
    await ping(good);

    // Hopeless: a header that never ends. The client gets its error and is disconnected; nobody else is.
    bad.send('X-Flood: ' + 'y'.repeat(20_000));
    await waitFor(() => bad.closed, 'the bad client being closed');
    const last = bad.answers.at(-1);
    expect(last).toMatchObject({ id: null, error: { code: -32700, data: { kind: 'ParseError', fatal: true } } });
    expect(last.error.message).toMatch(/header block longer than 8192 bytes/);
    await ping(good);
    const other = await connectSocket(sock);
    await other.initialize({ name: 'later' });
    await ping(other);
    good.dispose();
    other.dispose();
  });

  it('a 50 MB turn/start gets a clear error at once; the host neither buffers nor stores it', async () => {
    const { home, host, sock } = await listeningHost();
    const c = await connectSocket(sock);
    await c.initialize({ name: 'big' });
    const { thread } = await c.request('thread/start', {});
    const db = join(home, 'hermes-host.db');
    const dbSize = () => ['', '-wal'].reduce((n, s) => n + (existsSync(db + s) ? statSync(db + s).size : 0), 0);
    const before = dbSize();
    const text = 'x'.repeat(50 * 1024 * 1024);
    await expect(c.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] })).rejects.toThrow(
      /exceeds the limit of 16777216 bytes \(rpc\.max_message_bytes\)/,
    );
    // The connection is still usable and nothing of the turn was stored.
    const read = await c.request('thread/read', { threadId: thread.id });
    expect(read.turns).toEqual([]);
    expect(dbSize() - before).toBeLessThan(1024 * 1024);
    // Peak RSS of the host stays far below the size of the message (today: ~2 GB).
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${host.proc.pid}/status`, 'utf8'))![1]) * 1024;
    expect(hwm).toBeLessThan(50 * 1024 * 1024 + 200 * 1024 * 1024);
    c.dispose();
  });

  it('an input over the per-turn limit but inside the frame limit is refused naming the limit', async () => {
    const { sock } = await listeningHost();
    const c = await connectSocket(sock);
    await c.initialize({ name: 'long' });
    const { thread } = await c.request('thread/start', {});
    await expect(c.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'y'.repeat(1_000_001) }] })).rejects.toThrow(
      /input: input is longer than the limit of 1000000 characters per turn/,
    );
    expect((await c.request('thread/read', { threadId: thread.id })).turns).toEqual([]);
    c.dispose();
  });
});

describe('transport over stdio', () => {
  it('a hopeless frame from the spawning client is answered, then the host exits cleanly', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const host = env.start({ home });
    await host.client.initialize();
    let out = '';
    host.proc.stdout!.on('data', (d) => (out += d));
    host.proc.stdin!.write('Content-Type: text/plain\r\n' + 'z'.repeat(9000));
    expect(await host.exited).toBe(0);
    expect(out).toMatch(/"id":null,"error":\{"code":-32700,"message":"parse error: header block longer than 8192 bytes[^"]*","data":\{"kind":"ParseError","fatal":true\}/);
  });
});

describe('--listen <path>', () => {
  it('refuses a regular file at the path and leaves it alone', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const path = join(home, 'precious.txt');
    writeFileSync(path, 'do not delete me');
    const r = await runCli(['--listen', path], { HERMES_HOME: home });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to replace it: it is a regular file, not a socket/);
    expect(readFileSync(path, 'utf8')).toBe('do not delete me');
    // Refused before the host opened anything: no state.db was created.
    expect(existsSync(join(home, 'hermes-host.db'))).toBe(false);
  });

  it('refuses a directory, and a live socket of another host, naming what is there', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const dir = join(home, 'a-dir');
    mkdirSync(dir);
    const r = await runCli(['--listen', dir], { HERMES_HOME: home });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/it is a directory, not a socket/);
    const { sock } = await listeningHost();
    const again = await runCli(['--listen', sock], { HERMES_HOME: home });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/another hermes-host is already listening on/);
    expect(statSync(sock).isSocket()).toBe(true);
  });

  it('the socket appears only once it accepts connections, readable by its owner alone, under its own name', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const path = join(home, 'quick.sock');
    const host = env.start({ home, args: ['--listen', path] });
    // Connect the moment the file is there: bound-but-not-listening would be refused.
    for (let i = 0; i < 4000 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 2));
    const raw = await RawClient.connect(path);
    raw.socket.destroy();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(home).filter((n) => n.startsWith('.hermes-sock-'))).toEqual([]);
    const c = await connectSocket(path);
    await c.initialize({ name: 'quick' });
    await ping(c);
    c.dispose();
    host.proc.kill('SIGTERM');
    await host.exited;
    expect(existsSync(path)).toBe(false);
  });

  it('replaces a stale socket left by a host that was killed', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const path = join(home, 'stale.sock');
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise((r) => holder.stdout.once('data', r));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect(statSync(path).isSocket()).toBe(true);
    const host = env.start({ home, args: ['--listen', path] });
    await waitFor(() => host.stderr().includes('listening on'), 'the host listening', host);
    const c = await connectSocket(path);
    await c.initialize({ name: 'after-stale' });
    await ping(c);
    c.dispose();
  });
});
