// Spawns the *built* host (dist/server/main.js) and talks to it over stdio (or its socket) with vscode-jsonrpc,
// recording every notification so tests can wait for the ones they expect.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { AnyServerNotification, RequestParams, RequestResult, ClientRequestMethod } from '../../server/protocol';
import { checkNotification, checkResult, checkServerRequest } from './contract';

export const HOST_ENTRY = resolve(__dirname, '../../dist/server/main.js');

export function tempHome(prefix = 'hermes-home-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes config.yaml pointing the host at a scripted model server (plus any extra YAML). */
export function writeTestConfig(home: string, baseURL: string, extra = ''): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'config.yaml'),
    `model:\n  default: test-model\n  provider: custom\n  base_url: ${baseURL}\n  api_key_env: TEST_MODEL_KEY\n  retry_base_ms: 20\n  retry_max_ms: 200\n  stream_idle_timeout_ms: 1500\n${extra}`,
  );
}

export interface RequestHandlers {
  [method: string]: (params: any) => unknown | Promise<unknown>;
}

export class RpcClient {
  readonly notifications: AnyServerNotification[] = [];
  private waiters: { pred: (n: AnyServerNotification) => boolean; resolve: (n: AnyServerNotification) => void }[] = [];
  readonly serverRequests: { method: string; params: any }[] = [];
  /** Messages from the host that do not match the protocol schemas (each also fails the client). */
  readonly violations: string[] = [];
  private failure: Promise<never> | null = null;
  private failWith!: (e: Error) => void;

  constructor(readonly conn: MessageConnection, handlers: RequestHandlers = {}) {
    conn.onNotification((method, params) => {
      this.violation(checkNotification(method, params));
      const n = { method, params } as AnyServerNotification;
      this.notifications.push(n);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(n)) return true;
        w.resolve(n);
        return false;
      });
    });
    conn.onRequest((method, params) => {
      this.violation(checkServerRequest(method, params));
      this.serverRequests.push({ method, params });
      const h = handlers[method];
      if (!h) return new Promise(() => {}); // never answers: lets other clients or the timeout decide
      return h(params);
    });
    conn.listen();
    this.failure = new Promise<never>((_, reject) => (this.failWith = reject));
    this.failure.catch(() => {});
  }

  /** The whole e2e suite is a contract test: a message off the protocol fails every later request of this client. */
  private violation(problem: string | undefined): void {
    if (!problem) return;
    this.violations.push(problem);
    this.fail(new Error(`protocol contract violated: ${problem}`));
  }

  /** Makes pending and future requests fail (e.g. the host process exited), instead of hanging. */
  fail(e: Error): void {
    this.failWith(e);
  }

  request<M extends ClientRequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    return this.raw(method, params) as Promise<RequestResult<M>>;
  }

  /** Raw request, for sending invalid params on purpose; a successful result is still checked against the schema. */
  raw(method: string, params: unknown): Promise<unknown> {
    const checked = (this.conn.sendRequest(method, params as object) as Promise<unknown>).then((result) => {
      const problem = checkResult(method, result);
      if (problem) {
        this.violations.push(problem);
        throw new Error(`protocol contract violated: ${problem}`);
      }
      return result;
    });
    return Promise.race([checked, this.failure!]);
  }

  async initialize(opts: { name?: string; approvals?: boolean; clarify?: boolean; secrets?: Record<string, string>; workspace?: string } = {}) {
    const r = await this.request('initialize', {
      clientInfo: { name: opts.name ?? 'test' },
      hermesCapabilities: { approvals: opts.approvals ?? false, clarify: opts.clarify ?? false },
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
      ...(opts.workspace ? { workspaceFolders: [opts.workspace] } : {}),
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  /** Resolves with the first notification (already received or future) matching `pred`. */
  waitFor<M extends AnyServerNotification['method']>(
    method: M,
    pred: (p: Extract<AnyServerNotification, { method: M }>['params']) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Extract<AnyServerNotification, { method: M }>['params']> {
    const match = (n: AnyServerNotification) => n.method === method && pred(n.params as any);
    const seen = this.notifications.find(match);
    if (seen) return Promise.resolve(seen.params as any);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      this.waiters.push({
        pred: match,
        resolve: (n) => {
          clearTimeout(t);
          resolve(n.params as any);
        },
      });
    });
  }

  of<M extends AnyServerNotification['method']>(method: M): Extract<AnyServerNotification, { method: M }>['params'][] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.params) as any;
  }

  dispose(): void {
    this.conn.dispose();
  }
}

export interface HostProcess {
  proc: ChildProcess;
  client: RpcClient;
  home: string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
}

export function startHost(opts: {
  home: string;
  env?: Record<string, string>;
  args?: string[];
  handlers?: RequestHandlers;
  cwd?: string;
}): HostProcess {
  const proc = spawn(process.execPath, [HOST_ENTRY, ...(opts.args ?? ['--stdio'])], {
    env: { ...process.env, HERMES_HOME: opts.home, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', ...opts.env },
    cwd: opts.cwd ?? opts.home,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string | null>((r) => proc.on('exit', (code, sig) => r(code ?? sig)));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const client = new RpcClient(conn, opts.handlers);
  void exited.then((code) => client.fail(new Error(`host exited (${code}): ${err.slice(-2000)}`)));
  return {
    proc,
    client,
    home: opts.home,
    stderr: () => err,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      client.dispose();
      return exited;
    },
  };
}

export async function connectSocket(path: string, handlers?: RequestHandlers): Promise<RpcClient> {
  const socket = createConnection(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return new RpcClient(createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket)), handlers);
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [HOST_ENTRY, ...args], {
      env: { ...process.env, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
