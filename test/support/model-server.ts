// A scripted OpenAI-compatible server for tests and benchmarks. It speaks the real wire protocol (SSE chunks with
// text, reasoning and tool-call deltas split across chunks, a usage chunk, [DONE]; non-stream JSON; /v1/models)
// so the real `openai` client runs against it, and it can inject faults: 429 with Retry-After, 500, a stream cut
// mid-way, a stall, malformed tool-call arguments.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** Object (serialised) or raw string (sent as is, e.g. malformed JSON). */
  arguments: unknown;
}

export interface ReplyStep {
  kind?: 'reply';
  /** Text chunks; a string is split into a few chunks. */
  text?: string | string[];
  reasoning?: string | string[];
  toolCalls?: ScriptedToolCall[];
  usage?: { prompt?: number; completion?: number; cost?: number; cached?: number };
  /** Delay between chunks (ms). */
  chunkDelayMs?: number;
  /** Delay before the first byte (ms): the model's own first-token latency. */
  firstTokenDelayMs?: number;
  when?: (body: ChatBody) => boolean;
}

export type FaultStep =
  | { kind: 'status'; status: number; message?: string; retryAfter?: number | string; when?: (b: ChatBody) => boolean }
  | { kind: 'cut'; text: string; when?: (b: ChatBody) => boolean }
  | { kind: 'stall'; text?: string; when?: (b: ChatBody) => boolean };

export type Step = ReplyStep | FaultStep;

export interface ChatBody {
  model: string;
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { function: { name: string } }[];
  stream?: boolean;
  [k: string]: unknown;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: ChatBody;
  at: number;
}

const split = (s: string | string[] | undefined, n = 3): string[] => {
  if (s === undefined) return [];
  if (Array.isArray(s)) return s;
  if (s.length <= n) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
};

export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  private queue: Step[] = [];
  private server!: Server;
  private sockets = new Set<import('node:net').Socket>();
  /** Served when the queue is empty. */
  fallback: ReplyStep | null = { text: 'script exhausted' };
  models = ['test-model', 'fallback-model'];
  /** What POST /v1/audio/transcriptions answers (an OpenAI-compatible speech-to-text route). */
  transcript = 'transcribed speech';
  /** Bytes of each audio upload received by the transcription route. */
  readonly transcriptions: number[] = [];
  /** When set, chat completions without `Authorization: Bearer <requireKey>` get 401 (as a hosted API does). */
  requireKey: string | null = null;
  /** OpenRouter's model list needs no key; set false to make /models require it too. */
  publicModels = true;
  port = 0;

  static async start(): Promise<ScriptedModelServer> {
    const s = new ScriptedModelServer();
    await s.listen();
    return s;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  script(...steps: Step[]): this {
    this.queue.push(...steps);
    return this;
  }

  /** Drops the scripted steps not used yet (a test killed the host mid-script). */
  reset(): void {
    this.queue = [];
  }

  pending(): number {
    return this.queue.length;
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions'));
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private take(body: ChatBody): Step | null {
    const i = this.queue.findIndex((s) => !s.when || s.when(body));
    if (i < 0) return this.fallback;
    return this.queue.splice(i, 1)[0];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    const isModels = req.method === 'GET' && url.endsWith('/models');
    if (this.requireKey !== null && !(isModels && this.publicModels) && req.headers.authorization !== `Bearer ${this.requireKey}`) {
      this.requests.push({ path: url, headers: req.headers, body: {} as ChatBody, at: Date.now() });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'No auth credentials found', code: 401 } }));
      return;
    }
    if (isModels) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) }));
      return;
    }
    if (req.method === 'POST' && url.endsWith('/audio/transcriptions')) {
      let size = 0;
      for await (const c of req) size += (c as Buffer).length;
      this.transcriptions.push(size);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: this.transcript }));
      return;
    }
    if (req.method !== 'POST' || !url.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${url}` } }));
      return;
    }
    let raw = '';
    for await (const c of req) raw += c;
    const body = JSON.parse(raw) as ChatBody;
    this.requests.push({ path: url, headers: req.headers, body, at: Date.now() });
    const step = this.take(body);
    if (!step) {
      res.writeHead(500).end();
      return;
    }
    if (step.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
      res.writeHead(step.status, headers);
      res.end(JSON.stringify({ error: { message: step.message ?? `scripted ${step.status}`, type: 'scripted', code: step.status } }));
      return;
    }
    if (!body.stream) return this.nonStream(body, step, res);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model };
    const send = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    if (step.kind === 'cut') {
      send({ role: 'assistant', content: step.text });
      await new Promise((r) => setTimeout(r, 10));
      req.socket.destroy();
      return;
    }
    if (step.kind === 'stall') {
      if (step.text) send({ role: 'assistant', content: step.text });
      // Never finishes; the client's stall detection must give up. Closed when the client aborts.
      return;
    }
    const wait = (ms?: number) => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
    await wait(step.firstTokenDelayMs);
    let closed = false;
    res.on('close', () => (closed = true));
    send({ role: 'assistant' });
    for (const r of split(step.reasoning)) {
      if (closed) return;
      send({ reasoning_content: r });
      await wait(step.chunkDelayMs);
    }
    for (const t of split(step.text)) {
      if (closed) return;
      send({ content: t });
      await wait(step.chunkDelayMs);
    }
    (step.toolCalls ?? []).forEach((tc, index) => {
      const args = typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments);
      const id = tc.id ?? `call_${index}_${Math.random().toString(36).slice(2, 8)}`;
      const parts = split(args, 3);
      send({ tool_calls: [{ index, id, type: 'function', function: { name: tc.name, arguments: parts[0] ?? '' } }] });
      for (const p of parts.slice(1)) send({ tool_calls: [{ index, function: { arguments: p } }] });
    });
    if (closed) return;
    send({}, step.toolCalls?.length ? 'tool_calls' : 'stop');
    const u = step.usage ?? {};
    const prompt = u.prompt ?? 10;
    const completion = u.completion ?? 5;
    res.write(
      `data: ${JSON.stringify({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          ...(u.cached ? { prompt_tokens_details: { cached_tokens: u.cached } } : {}),
          ...(u.cost !== undefined ? { cost: u.cost } : {}),
        },
      })}\n\n`,
    );
    res.write('data: [DONE]\n\n');
    res.end();
  }

  private nonStream(body: ChatBody, step: Step, res: ServerResponse) {
    const s = step as ReplyStep;
    const text = Array.isArray(s.text) ? s.text.join('') : s.text ?? '';
    const tool_calls = (s.toolCalls ?? []).map((tc, i) => ({
      id: tc.id ?? `call_${i}`,
      type: 'function',
      function: { name: tc.name, arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments) },
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text || null, ...(tool_calls.length ? { tool_calls } : {}) }, finish_reason: tool_calls.length ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: s.usage?.prompt ?? 10, completion_tokens: s.usage?.completion ?? 5, total_tokens: (s.usage?.prompt ?? 10) + (s.usage?.completion ?? 5) },
      }),
    );
  }
}
