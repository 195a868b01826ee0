// The model client's fetch (server/util/keep-alive-fetch.ts): plain http.request on keep-alive sockets answering with a
// real Response. The OpenAI SDK streams a completion through it; error statuses, compressed bodies, an abort mid-body,
// a connection cut mid-body and an unreachable endpoint behave as with Node's fetch, and the sockets are reused.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveFetch } from '../../../server/util/keep-alive-fetch';
import { classifyFailure } from '../../../server/agent/retry';
import { ScriptedModelServer } from '../../support/model-server';

let model: ScriptedModelServer;
let raw: Server;
let rawURL: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  model = await ScriptedModelServer.start();
  raw = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-seen-length': String(req.headers['content-length']) });
        res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
      } else if (req.url === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ packed: true })));
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      } else if (req.url === '/slow' || req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        if (req.url === '/cut') setTimeout(() => req.socket.destroy(), 50);
      }
    });
  });
  raw.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawURL = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await model.close();
  for (const s of sockets) s.destroy();
  await new Promise((r) => raw.close(r));
});

describe('keepAliveFetch', () => {
  it('streams a chat completion through the OpenAI SDK, tool calls and usage included', async () => {
    model.script({ text: 'hello there', toolCalls: [{ name: 'terminal', arguments: { command: 'ls' } }], usage: { prompt: 7, completion: 3 } });
    const client = new OpenAI({ apiKey: 'k', baseURL: model.baseURL, maxRetries: 0, fetch: keepAliveFetch });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    let args = '';
    let usage: unknown;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      args += c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe('hello there');
    expect(JSON.parse(args)).toEqual({ command: 'ls' });
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3 });
    expect(model.requests.at(-1)!.headers.authorization).toBe('Bearer k');
  });

  it('an error status reaches the SDK as its APIError with the status and the provider message', async () => {
    model.script({ kind: 'status', status: 429, message: 'slow down', retryAfter: 2 });
    const client = new OpenAI({ apiKey: 'k', baseURL: model.baseURL, maxRetries: 0, fetch: keepAliveFetch });
    const err = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(429);
    expect(classifyFailure(err)).toMatchObject({ retryable: true, httpStatus: 429, retryAfterMs: 2000 });
  });

  it('sends the body with its length, reuses one keep-alive socket, and decodes a compressed answer', async () => {
    const before = sockets.size;
    for (let i = 0; i < 3; i++) {
      const res = await keepAliveFetch(`${rawURL}/echo`, { method: 'POST', body: '{"é":1}', headers: new Headers({ authorization: 'Bearer x' }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-seen-length')).toBe(String(Buffer.byteLength('{"é":1}')));
      expect(await res.json()).toEqual({ method: 'POST', body: '{"é":1}', auth: 'Bearer x' });
    }
    expect(sockets.size - before).toBeLessThanOrEqual(1);
    expect(await (await keepAliveFetch(`${rawURL}/gzip`)).json()).toEqual({ packed: true });
    const empty = await keepAliveFetch(`${rawURL}/empty`, { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('an abort mid-body ends the body stream with the abort', async () => {
    const ac = new AbortController();
    const res = await keepAliveFetch(`${rawURL}/slow`, { signal: ac.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('first');
    const pending = reader.read();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(keepAliveFetch(`${rawURL}/slow`, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a connection cut mid-body errors the stream; an unreachable endpoint is a retryable network error', async () => {
    const res = await keepAliveFetch(`${rawURL}/cut`);
    await expect(res.text()).rejects.toThrow();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await keepAliveFetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: '{}' }).catch((e) => e);
    expect(err.code).toBe('ECONNREFUSED');
    expect(classifyFailure(err)).toMatchObject({ retryable: true });
  });

  it('a status the Response refuses (a broken server) fails the call without taking the process down', async () => {
    const tcp = createTcpServer((s) => s.once('data', () => s.end('HTTP/1.1 600 Odd\r\ncontent-length: 2\r\n\r\nhi')));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const err = await keepAliveFetch(`http://127.0.0.1:${(tcp.address() as AddressInfo).port}/`).catch((e) => e);
    expect(err).toBeInstanceOf(RangeError);
    await new Promise((r) => tcp.close(r));
  });
});
