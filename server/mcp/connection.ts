// One configured MCP server, supervised: connects (stdio or HTTP) within `connect_timeout`, lists its tools,
// reconnects with exponential backoff when the process dies or the connection drops, and trips a circuit breaker
// after repeated call failures so a dead server costs the model one clear error, not a minute per call. Each server
// lives on its own: one failing never touches another's connection or tools.
import { appendFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from '../util/log';
import type { McpServerStatus } from '../protocol/mcp';
import { redact } from '../util/redact';
import { VERSION } from '../version';
import { transportOf, type McpServerConfig } from './config';
import { connectTransport } from './transport';

export type McpState = 'starting' | 'ready' | 'backoff' | 'failed' | 'disabled' | 'stopped';

export interface McpToolDef {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export type { McpServerStatus };

/** A call that could not reach the server; its message is what the model reads. */
export class McpDownError extends Error {}

export interface ConnectionDeps {
  env: () => Record<string, string | undefined>;
  log: Logger;
  /** stdio servers' stderr is appended here, line by line, prefixed with the server's name. */
  stderrFile?: string;
  onStatus: (s: McpServerStatus) => void;
  onTools: (tools: McpToolDef[]) => void;
  /** First reconnect delay; doubles up to MAX_BACKOFF_MS. */
  backoffBaseMs?: number;
}

const MAX_BACKOFF_MS = 60_000;
/** Consecutive failed connects after which the server is shown as failed (it is still retried). */
const FAILED_AFTER = 3;
/** Consecutive failed calls that open the circuit breaker, and for how long. */
const BREAKER_THRESHOLD = 3;
const BREAKER_COOLDOWN_MS = 60_000;
const STDERR_TAIL = 12;

export class McpConnection {
  private state: McpState = 'stopped';
  private since = Date.now();
  private lastError?: string;
  private retryAt?: number;
  private client?: Client;
  private transport?: Transport;
  private kind: 'stdio' | 'http' | 'sse';
  /** Bumped by every connect and by close: callbacks of an older connection are ignored. */
  private generation = 0;
  private connectFailures = 0;
  private callFailures = 0;
  private breakerUntil = 0;
  private restarts = 0;
  private everReady = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly waiters = new Set<() => void>();
  private stderrTail: string[] = [];
  private stderrPartial = '';
  tools: McpToolDef[] = [];
  capabilities: { resources: boolean; prompts: boolean } = { resources: false, prompts: false };

  constructor(
    readonly name: string,
    readonly cfg: McpServerConfig,
    private readonly deps: ConnectionDeps,
  ) {
    this.kind = transportOf(cfg);
  }

  status(): McpServerStatus {
    const pid = this.state === 'ready' ? (this.transport as { pid?: number | null } | undefined)?.pid : undefined;
    return {
      name: this.name,
      transport: this.kind,
      state: this.state,
      since: this.since,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.retryAt && (this.state === 'backoff' || this.state === 'failed') ? { retryAt: this.retryAt } : {}),
      tools: this.tools.length,
      resources: this.capabilities.resources && this.cfg.tools.resources,
      prompts: this.capabilities.prompts && this.cfg.tools.prompts,
      restarts: this.restarts,
      ...(this.breakerUntil > Date.now() ? { breakerUntil: this.breakerUntil } : {}),
      ...(pid ? { pid } : {}),
    };
  }

  start(): void {
    if (!this.cfg.enabled) return this.setState('disabled');
    void this.connect();
  }

  /** Resolves once a connect in progress has ended (ready or not), or rejects when `ms` pass first. */
  async connected(ms = this.cfg.connect_timeout * 1000, signal?: AbortSignal): Promise<void> {
    if (this.state === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const end = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', aborted);
      };
      const done = () => {
        end();
        resolve();
      };
      const aborted = () => {
        end();
        reject(new Error('interrupted while the MCP server was starting'));
      };
      const t = setTimeout(() => {
        end();
        reject(new McpDownError(this.downMessage()));
      }, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** A server waiting to reconnect (backoff or failed) tries again now instead of when its backoff ends. */
  retryNow(): boolean {
    if (this.state !== 'backoff' && this.state !== 'failed') return false;
    void this.connect();
    return true;
  }

  async close(): Promise<void> {
    this.generation++;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.transport = undefined;
    this.setState('stopped');
    await client?.close().catch(() => {});
  }

  /**
   * Runs one request against the server. A server that is not up, or whose breaker is open, fails at once with a
   * message for the model; a request that loses the connection or times out counts toward the breaker.
   */
  async request<T>(what: string, fn: (client: Client, opts: { timeout: number; signal?: AbortSignal }) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.state === 'disabled') throw new McpDownError(`MCP server ${this.name} is disabled (mcp_servers.${this.name}.enabled is false).`);
    if (this.state === 'stopped') throw new McpDownError(`MCP server ${this.name} is not running.`);
    if (this.breakerUntil > Date.now()) throw new McpDownError(this.downMessage());
    if (this.state === 'starting') await this.connected(undefined, signal);
    const client = this.client;
    if (this.state !== 'ready' || !client) throw new McpDownError(this.downMessage());
    const gen = this.generation;
    // A signal of its own per request: the SDK leaves its abort listener on the signal it is given, and the turn's
    // signal serves every call of the turn.
    const own = new AbortController();
    const onAbort = () => own.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await fn(client, { timeout: this.cfg.timeout * 1000, signal: own.signal });
      this.callFailures = 0;
      return r;
    } catch (e) {
      if (signal?.aborted) throw e;
      const err = e as { code?: unknown; name?: string };
      const timedOut = err.code === -32001;
      // A JSON-RPC error from the server (McpError other than "connection closed"/timeout) is the server answering:
      // it is alive, the request was just refused. HTTP errors (an expired session's 404, a 502) and network
      // errors mean the connection is gone.
      if (err.name === 'McpError' && err.code !== -32000 && !timedOut) throw e;
      this.callFailures++;
      const why = timedOut ? `${what} timed out after ${this.cfg.timeout} s` : `${what} failed: ${describe(e)}`;
      if (this.callFailures >= BREAKER_THRESHOLD) {
        this.breakerUntil = Date.now() + BREAKER_COOLDOWN_MS;
        this.deps.log.warn(`MCP server ${this.name}: ${this.callFailures} failed calls in a row; pausing calls for ${BREAKER_COOLDOWN_MS / 1000} s`);
      }
      if (!timedOut) this.lost(gen, why);
      else {
        this.lastError = why;
        this.emit();
      }
      throw new McpDownError(this.downMessage(why));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The text the model reads when this server cannot be used now. */
  downMessage(why?: string): string {
    const reason = why ?? this.lastError ?? this.state;
    const now = Date.now();
    if (this.breakerUntil > now) {
      return `MCP server ${this.name} is down: ${reason}. It failed ${this.callFailures} times in a row, so calls to it are paused for ${Math.ceil((this.breakerUntil - now) / 1000)} s. Do not retry it now; continue without it or tell the user.`;
    }
    const retry = this.retryAt && this.retryAt > now ? ` The host reconnects in ${Math.ceil((this.retryAt - now) / 1000)} s.` : this.state === 'starting' || this.state === 'ready' ? ' The host is reconnecting.' : '';
    return `MCP server ${this.name} is down: ${reason}.${retry} Do not retry this call right away; continue without it or tell the user.`;
  }

  private setState(state: McpState, error?: string): void {
    if (state !== this.state) this.since = Date.now();
    this.state = state;
    if (error !== undefined) this.lastError = error;
    // Calls waiting for a connect learn how it ended (ready, or down) at once, not at their timeout.
    if (state !== 'starting') for (const w of [...this.waiters]) w();
    this.emit();
  }

  private emit(): void {
    try {
      this.deps.onStatus(this.status());
    } catch {
      /* a listener's failure is not the server's */
    }
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    clearTimeout(this.retryTimer);
    this.setState('starting');
    let opened: { client: Client; transport: Transport } | undefined;
    try {
      opened = await withTimeout(this.open(gen), this.cfg.connect_timeout * 1000, `no answer within connect_timeout (${this.cfg.connect_timeout} s)`, (o) => void o.client.close().catch(() => {}));
      if (gen !== this.generation) {
        await opened.client.close().catch(() => {});
        return;
      }
      const caps = opened.client.getServerCapabilities() ?? {};
      this.capabilities = { resources: !!caps.resources, prompts: !!caps.prompts };
      const tools = caps.tools ? await withTimeout(listAllTools(opened.client), this.cfg.connect_timeout * 1000, 'tools/list timed out') : [];
      if (gen !== this.generation) {
        await opened.client.close().catch(() => {});
        return;
      }
      this.client = opened.client;
      this.transport = opened.transport;
      this.setTools(tools);
      this.connectFailures = 0;
      this.callFailures = 0;
      this.breakerUntil = 0;
      this.retryAt = undefined;
      if (this.everReady) this.restarts++;
      this.everReady = true;
      this.lastError = this.restarts ? this.lastError : undefined;
      this.setState('ready');
      this.deps.log.info(`MCP server ${this.name} ready`, { tools: this.tools.length, restarts: this.restarts });
    } catch (e) {
      if (gen !== this.generation) return;
      if (opened) await opened.client.close().catch(() => {});
      this.connectFailures++;
      this.lastError = this.withStderr(describe(e));
      this.deps.log.warn(`MCP server ${this.name} failed to start`, { error: this.lastError, attempt: this.connectFailures });
      this.scheduleRetry();
    }
  }

  /** The connection of generation `gen` is gone (process exited, stream closed, network error). */
  private lost(gen: number, why: string): void {
    // While starting, the failed connect itself reports (connect() catches it); only a ready connection is "lost".
    if (gen !== this.generation || this.state !== 'ready') return;
    this.connectFailures = 1;
    this.generation++;
    const client = this.client;
    this.client = undefined;
    this.transport = undefined;
    void client?.close().catch(() => {});
    this.lastError = this.withStderr(why);
    this.deps.log.warn(`MCP server ${this.name} lost`, { error: this.lastError });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const base = this.deps.backoffBaseMs ?? 1000;
    const delay = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, this.connectFailures - 1));
    this.retryAt = Date.now() + delay;
    this.setState(this.connectFailures >= FAILED_AFTER ? 'failed' : 'backoff');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref?.();
  }

  private setTools(all: McpToolDef[]): void {
    const { include, exclude } = this.cfg.tools;
    // Hermes: include wins when both are set.
    this.tools = include.length ? all.filter((t) => include.includes(t.name)) : all.filter((t) => !exclude.includes(t.name));
    this.deps.onTools(this.tools);
  }

  private async open(gen: number): Promise<{ client: Client; transport: Transport }> {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client(
      { name: 'hermes-host', version: VERSION },
      {
        capabilities: {},
        listChanged: {
          tools: {
            onChanged: (err, tools) => {
              if (err || !tools || gen !== this.generation) return;
              this.setTools(tools as McpToolDef[]);
              this.emit();
            },
          },
        },
      },
    );
    client.onclose = () => this.lost(gen, this.kind === 'stdio' ? 'the server process exited' : 'the connection closed');
    client.onerror = (e) => this.deps.log.debug(`MCP server ${this.name} transport error`, { error: redact(describe(e)) });

    const opened = await connectTransport(this.name, this.cfg, this.deps.env(), client, (text) => this.onStderr(text), () => (this.stderrTail = []));
    this.kind = opened.kind;
    return { client, transport: opened.transport };
  }

  private onStderr(text: string): void {
    const lines = (this.stderrPartial + text).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    const clean = lines.map((l) => redact(l.replace(/\r$/, ''))).filter(Boolean);
    if (!clean.length) return;
    this.stderrTail = [...this.stderrTail, ...clean].slice(-STDERR_TAIL);
    if (this.deps.stderrFile) {
      try {
        appendFileSync(this.deps.stderrFile, clean.map((l) => `[${this.name}] ${l}\n`).join(''), { mode: 0o600 });
      } catch {
        /* the log is a convenience */
      }
    }
  }

  /** The real cause is usually on the server's stderr: its last lines go with the error. */
  private withStderr(why: string): string {
    if (this.kind !== 'stdio') return redact(why);
    const tail = [...this.stderrTail, ...(this.stderrPartial ? [redact(this.stderrPartial)] : [])].slice(-3);
    return redact(tail.length ? `${why} (stderr: ${tail.join(' | ').slice(0, 600)})` : why);
  }
}

async function listAllTools(client: Client): Promise<McpToolDef[]> {
  const out: McpToolDef[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await client.listTools(cursor ? { cursor } : undefined);
    out.push(...(r.tools as McpToolDef[]));
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return out;
}

export function describe(e: unknown): string {
  if (!e) return 'unknown error';
  const err = e as { message?: string; code?: string | number; cause?: { code?: string; message?: string } };
  let m = err.message || String(e);
  if (err.cause?.code) m += ` (${err.cause.code})`;
  else if (err.cause?.message && !m.includes(err.cause.message)) m += ` (${err.cause.message})`;
  if (typeof err.code === 'string' && !m.includes(err.code)) m += ` (${err.code})`;
  return m.replace(/^MCP error -?\d+: /, '');
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string, onLate?: (v: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const t = setTimeout(() => {
      done = true;
      reject(new Error(message));
    }, ms);
    t.unref?.();
    p.then(
      (v) => {
        clearTimeout(t);
        if (done) onLate?.(v);
        else resolve(v);
      },
      (e) => {
        clearTimeout(t);
        if (!done) reject(e);
      },
    );
  });
}
