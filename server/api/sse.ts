// Server-sent events on one response: `data:` lines for the OpenAI stream, `event:` + `data:` for the typed events
// (Responses API, Hermes's tool progress), a comment every 30 s so proxies keep a long tool run's stream open.
import type { ServerResponse } from 'node:http';

const KEEPALIVE_MS = 30_000;

export class SseWriter {
  private timer: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    res.flushHeaders();
    this.timer = setInterval(() => this.write(': keepalive\n\n'), KEEPALIVE_MS);
    this.timer.unref();
    res.on('close', () => clearInterval(this.timer));
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  data(obj: unknown): void {
    this.write(`data: ${JSON.stringify(obj)}\n\n`);
  }

  event(name: string, obj: unknown): void {
    this.write(`event: ${name}\ndata: ${JSON.stringify(obj)}\n\n`);
  }

  done(): void {
    this.write('data: [DONE]\n\n');
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    if (!this.res.writableEnded) this.res.end();
  }

  private write(s: string): void {
    if (this.closed) return;
    this.res.write(s);
  }
}
