// The script's way back to the host: a unix socket (mode 0600, in a 0700 directory of its own) speaking JSON lines
// — `{id, tool, args}` in, `{id, result}` or `{id, error}` out. Every call goes through `dispatch`, which runs the
// real tool with the script's turn context (its policy, its approval gate); this file only enforces the allowlist
// and the call budget.
import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

export interface RpcCall {
  tool: string;
  args: unknown;
}

export interface ToolChannelOptions {
  path: string;
  allowed: ReadonlySet<string>;
  maxCalls: number;
  /** Runs one allowed call; resolves with the text the script receives. */
  dispatch: (call: RpcCall, n: number) => Promise<string>;
}

export class ToolChannel {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  calls = 0;

  constructor(private readonly o: ToolChannelOptions) {}

  async listen(): Promise<void> {
    const server = createServer((s) => this.serve(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.path, () => resolve());
    });
    chmodSync(this.o.path, 0o600);
  }

  private serve(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => {});
    s.setEncoding('utf8');
    let buf = '';
    s.on('data', (d: string) => {
      buf += d;
      if (buf.length > 8 * 1024 * 1024) {
        s.destroy();
        return;
      }
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) void this.handle(s, line);
      }
    });
  }

  private async handle(s: Socket, line: string): Promise<void> {
    let id: unknown = null;
    const reply = (m: { result?: string; error?: string }) => {
      if (!s.destroyed) s.write(JSON.stringify({ id, ...m }) + '\n');
    };
    let msg: { id?: unknown; tool?: unknown; args?: unknown };
    try {
      msg = JSON.parse(line);
      id = msg.id ?? null;
    } catch {
      return reply({ error: 'the request is not valid JSON' });
    }
    const tool = typeof msg.tool === 'string' ? msg.tool : '';
    if (!this.o.allowed.has(tool)) {
      return reply({ error: `Tool '${tool}' is not available in execute_code. Available: ${[...this.o.allowed].sort().join(', ')}` });
    }
    if (this.calls >= this.o.maxCalls) {
      return reply({ error: `Tool call limit reached (${this.o.maxCalls} per execute_code run); do the rest in another run or with direct tool calls` });
    }
    const n = ++this.calls;
    try {
      reply({ result: await this.o.dispatch({ tool, args: msg.args ?? {} }, n) });
    } catch (e) {
      reply({ error: `${tool} failed: ${(e as Error).message}` });
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
