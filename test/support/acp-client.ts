// A real ACP client for tests and benchmarks: the @agentclientprotocol/sdk client app (schema-validating) driving a
// spawned `hermes-host acp` over stdio. It records every session/update with a sequence number and answers the
// agent's permission and file requests with handlers the test gives.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk';
import { HOST_ENTRY } from './host-process';

export interface AcpHandlers {
  /** `signal` aborts when the agent withdraws the question ($/cancel_request). */
  permission?: (p: acp.RequestPermissionRequest, signal: AbortSignal) => acp.RequestPermissionResponse | Promise<acp.RequestPermissionResponse>;
  readTextFile?: (p: acp.ReadTextFileRequest) => acp.ReadTextFileResponse | Promise<acp.ReadTextFileResponse>;
  writeTextFile?: (p: acp.WriteTextFileRequest) => acp.WriteTextFileResponse | Promise<acp.WriteTextFileResponse>;
  elicit?: (p: acp.CreateElicitationRequest) => acp.CreateElicitationResponse | Promise<acp.CreateElicitationResponse>;
}

export interface RecordedUpdate {
  seq: number;
  sessionId: string;
  update: acp.SessionUpdate;
  at: number;
}

export class AcpTestClient {
  readonly updates: RecordedUpdate[] = [];
  readonly permissions: acp.RequestPermissionRequest[] = [];
  stderr = '';
  private seq = 0;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly conn: acp.ClientConnection,
  ) {
    child.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  static start(opts: { home: string; cwd: string; env?: Record<string, string>; handlers?: AcpHandlers }): AcpTestClient {
    const child = spawn(process.execPath, [HOST_ENTRY, 'acp'], {
      cwd: opts.cwd,
      env: { ...process.env, HERMES_HOME: opts.home, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const h = opts.handlers ?? {};
    let self: AcpTestClient | undefined;
    let app = acp
      .client({ name: 'hermes-test-client' })
      .onNotification(acp.methods.client.session.update, ({ params }) => self!.record(params))
      .onRequest(acp.methods.client.session.requestPermission, async ({ params, signal }) => {
        self!.permissions.push(params);
        self!.wake();
        if (!h.permission) return { outcome: { outcome: 'cancelled' } };
        return h.permission(params, signal);
      });
    if (h.readTextFile) app = app.onRequest(acp.methods.client.fs.readTextFile, ({ params }) => h.readTextFile!(params));
    if (h.elicit) app = app.onRequest(acp.methods.client.elicitation.create, ({ params }) => h.elicit!(params));
    if (h.writeTextFile) app = app.onRequest(acp.methods.client.fs.writeTextFile, async ({ params }) => (await h.writeTextFile!(params)) ?? {});
    const stream = acp.ndJsonStream(Writable.toWeb(child.stdin) as WritableStream<Uint8Array>, Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>);
    self = new AcpTestClient(child, app.connect(stream));
    return self;
  }

  get agent(): acp.ClientContext {
    return this.conn.agent;
  }

  initialize(caps: { read?: boolean; write?: boolean; elicit?: boolean } = {}): Promise<acp.InitializeResponse> {
    return this.agent.request(acp.methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: {
        ...(caps.read || caps.write ? { fs: { readTextFile: !!caps.read, writeTextFile: !!caps.write } } : {}),
        ...(caps.elicit ? { elicitation: { form: {} } } : {}),
      },
      clientInfo: { name: 'hermes-test-client', version: '1.0.0' },
    });
  }

  private record(n: acp.SessionNotification): void {
    this.updates.push({ seq: ++this.seq, sessionId: n.sessionId, update: n.update, at: performance.now() });
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      if (w.pred()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once `pred` holds (checked on every update and permission request). */
  until(pred: () => boolean, what: string, ms = 20_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr}`)), ms);
      this.waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  of<K extends acp.SessionUpdate['sessionUpdate']>(kind: K, sessionId?: string): (acp.SessionUpdate & { sessionUpdate: K })[] {
    return this.updates
      .filter((u) => u.update.sessionUpdate === kind && (!sessionId || u.sessionId === sessionId))
      .map((u) => u.update as acp.SessionUpdate & { sessionUpdate: K });
  }

  /** The agent's text for a session (every agent_message_chunk joined). */
  text(sessionId: string): string {
    return this.of('agent_message_chunk', sessionId)
      .map((u) => (u.content.type === 'text' ? u.content.text : ''))
      .join('');
  }

  /** Closes stdin (how an editor ends an agent) and waits for the process to exit. */
  async close(): Promise<number | null> {
    this.conn.close();
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
