// bot-fetch.ts against a real HTTP server on 127.0.0.1: what grammy relies on (a JSON answer through res.json(),
// errors it can classify, abort), and file uploads handed to Node's fetch.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botFetch } from '../../../server/gateway/telegram/bot-fetch';

let server: Server;
let base: string;
const seen: { method: string; url: string; length?: string; body: string; socket: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, length: req.headers['content-length'], body, socket: req.socket });
      if (req.url!.includes('/html')) return res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
      if (req.url!.includes('/hang')) return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result: { echo: body ? JSON.parse(body) : null } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const noStream = () => Promise.reject(new Error('not a streamed body'));

describe('the Bot API fetch', () => {
  it('posts a JSON body with its length and reads the JSON answer, reusing the connection', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: 1, text: 'héllo ✓' }) };
    const a = await botFetch(`${base}/bot1/sendMessage`, init, noStream);
    expect(a.ok).toBe(true);
    expect(await a.json()).toEqual({ ok: true, result: { echo: { chat_id: 1, text: 'héllo ✓' } } });
    await botFetch(`${base}/bot1/sendMessage`, init, noStream);
    const [x, y] = seen.slice(-2);
    expect(x.length).toBe(String(Buffer.byteLength(init.body)));
    expect(x.socket).toBe(y.socket); // keep-alive
  });

  it("rejects json() of a proxy's HTML error page with a SyntaxError, as Response.json() does", async () => {
    const r = await botFetch(`${base}/bot1/html`, { method: 'POST', body: '{}' }, noStream);
    expect(r.status).toBe(502);
    expect(r.ok).toBe(false);
    await expect(r.json()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('aborts a call in flight and refuses one already aborted, with an AbortError', async () => {
    const c = new AbortController();
    const p = botFetch(`${base}/bot1/hang`, { method: 'POST', body: '{}', signal: c.signal }, noStream);
    setTimeout(() => c.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await expect(botFetch(`${base}/bot1/getMe`, { signal: c.signal }, noStream)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails with the socket error code when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(botFetch(`http://127.0.0.1:${port}/bot1/getMe`, {}, noStream)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('hands a streamed (multipart) body to the streamed fetch', async () => {
    const body = (async function* () {
      yield new Uint8Array([1, 2, 3]);
    })();
    const r = await botFetch(`${base}/bot1/sendDocument`, { method: 'POST', body }, async (url) => ({ ok: true, status: 200, json: async () => ({ via: url }), text: async () => '' }));
    expect(await r.json()).toEqual({ via: `${base}/bot1/sendDocument` });
  });
});
