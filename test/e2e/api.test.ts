// The OpenAI-compatible HTTP API end to end: the built host serving it, the real `openai` client calling it, the
// scripted model behind it. Auth, streaming and not, sessions, the Responses API, idempotency, approvals.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { useE2E } from '../support/e2e-env';
import { connectSocket, runCli, tempHome, writeTestConfig } from '../support/host-process';
import { startApiHost, type ApiHost } from '../support/api-env';
import type { ChatBody } from '../support/model-server';

vi.setConfig({ testTimeout: 60_000 });

const env = useE2E();
const KEY = 'k'.repeat(20) + '-api-test-key-0123456789';
const userTexts = (b: ChatBody) => b.messages.filter((m) => m.role === 'user').map((m) => String(m.content));
const toolResults = (b: ChatBody) => b.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
const scratch = () => {
  const base = join(homedir(), '.cache', 'hermes-host-tests');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'api-'));
};

/** Raw SSE text of a streaming request (what a client that reads the wire sees). */
async function rawStream(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  expect(r.status).toBe(200);
  return r.text();
}

function auditDecisions(home: string): { decision: string; answered_by: string }[] {
  const db = new Database(join(home, 'hermes-host.db'), { readonly: true });
  try {
    return db.prepare('SELECT decision, answered_by FROM approvals ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

describe('HTTP API with a key (approvals: deny)', () => {
  let api: ApiHost;
  let client: OpenAI;
  // One host for this block: every test scripts the replies it needs.
  beforeAll(async () => {
    api = await startApiHost(env.model.baseURL, { api: '  max_request_bytes: 65536\n  cors_origins: [http://allowed.example]\n', env: { API_SERVER_KEY: KEY } });
    client = new OpenAI({ apiKey: KEY, baseURL: api.url + '/v1', maxRetries: 0 });
  });
  afterAll(async () => {
    await api?.host.kill();
  });

  it('health needs no key; a missing or wrong key is a 401 the openai client raises; models list the agent and the model', async () => {
    const h = await fetch(api.url + '/health');
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok' });
    await expect(new OpenAI({ apiKey: 'wrong', baseURL: api.url + '/v1', maxRetries: 0 }).models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    const noKey = await fetch(api.url + '/v1/models');
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error).toMatchObject({ type: 'authentication_error' });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['hermes-agent', 'test-model']);
    // A browser page from an origin nobody configured is refused; a configured one gets CORS headers.
    const evil = await fetch(api.url + '/v1/models', { headers: { authorization: `Bearer ${KEY}`, origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    const ok = await fetch(api.url + '/v1/models', { headers: { authorization: `Bearer ${KEY}`, origin: 'http://allowed.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    const preflight = await fetch(api.url + '/v1/chat/completions', { method: 'OPTIONS', headers: { origin: 'http://allowed.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    const caps = await (await fetch(api.url + '/v1/capabilities', { headers: { authorization: `Bearer ${KEY}` } })).json();
    expect(caps).toMatchObject({ auth: { required: true }, features: { session_continuity_header: 'X-Hermes-Session-Id', approvals: 'deny' } });
    // Past the body limit: 413, before the body is read.
    await expect(client.chat.completions.create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] })).rejects.toMatchObject({ status: 413 });
    // An unknown model is named in the error.
    await expect(client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect(env.model.chatRequests()).toHaveLength(0);
  });

  it('non-streaming and streaming chat completions: content, usage, a finish chunk before [DONE], tool progress the openai client passes over', async () => {
    env.model.script({ text: 'Hello from the agent.', usage: { prompt: 12, completion: 4 } });
    const { data, response } = await client.chat.completions.create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'say hello' }] }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Hello from the agent.' }, finish_reason: 'stop' });
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 });
    expect(data.model).toBe('test-model');
    expect(response.headers.get('x-hermes-session-id')).toMatch(/^auto-/);
    expect(userTexts(env.model.chatRequests().at(-1)!.body)).toEqual(['say hello']);

    // Streaming with a tool call in the middle: a plain loop over the openai stream reads only text.
    env.model.script({ text: 'Let me check.', toolCalls: [{ name: 'terminal', arguments: { command: 'echo api-tool-$((6*7))' } }] }, { text: 'It printed api-tool-42.', usage: { prompt: 20, completion: 6 } });
    const stream = await client.chat.completions.create({ model: 'test-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'run it' }] });
    let text = '';
    const chunks: any[] = [];
    for await (const c of stream) {
      chunks.push(c);
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Let me check.\n\nIt printed api-tool-42.');
    const progress = chunks.filter((c) => c.object === 'hermes.tool.progress');
    expect(progress.map((p) => [p.tool, p.status])).toEqual([['terminal', 'running'], ['terminal', 'completed']]);
    expect(progress[1]).toMatchObject({ outcome: 'completed', label: expect.stringContaining('echo api-tool'), choices: [] });
    const finish = chunks.findIndex((c) => c.choices?.[0]?.finish_reason === 'stop');
    const usage = chunks.findIndex((c) => c.usage);
    expect(finish).toBeGreaterThan(0);
    expect(usage).toBe(chunks.length - 1);
    expect(finish).toBeLessThan(usage);
    expect(chunks[usage].usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 11 });
    expect(toolResults(env.model.chatRequests().at(-1)!.body).join()).toContain('api-tool-42');

    // On the wire, progress is a named event a line-reading client can skip; [DONE] ends it.
    env.model.script({ text: 'plain' });
    const wire = await rawStream(api.url, '/v1/chat/completions', { model: 'hermes-agent', stream: true, messages: [{ role: 'user', content: 'wire' }] }, { authorization: `Bearer ${KEY}` });
    expect(wire.trim().endsWith('data: [DONE]')).toBe(true);
    expect(wire).toContain('"finish_reason":"stop"');
  });

  it('a session id (header or body) continues one thread; without one the client history is the history, reusing the thread while it matches', async () => {
    env.model.script({ text: 'Noted: blue.' }, { text: 'You said blue.' });
    await client.chat.completions.create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'my colour is blue' }] }, { headers: { 'X-Hermes-Session-Id': 'conv-1' } });
    const second = await client.chat.completions
      .create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'what colour?' }] }, { headers: { 'X-Hermes-Session-Id': 'conv-1' } })
      .withResponse();
    expect(second.data.choices[0].message.content).toBe('You said blue.');
    expect(second.response.headers.get('x-hermes-session-id')).toBe('conv-1');
    const seen = env.model.chatRequests().at(-1)!.body.messages;
    expect(userTexts(env.model.chatRequests().at(-1)!.body)).toEqual(['my colour is blue', 'what colour?']);
    expect(seen.some((m) => m.role === 'assistant' && m.content === 'Noted: blue.')).toBe(true);
    const threadId = second.response.headers.get('x-hermes-thread-id')!;

    // The same session named in the body lands on the same thread.
    env.model.script({ text: 'Still blue.' });
    const viaBody = await client.chat.completions.create({ model: 'hermes-agent', metadata: { session_id: 'conv-1' }, messages: [{ role: 'user', content: 'again?' }] }).withResponse();
    expect(viaBody.response.headers.get('x-hermes-thread-id')).toBe(threadId);

    // The thread is the host's: an editor attached to the socket sees the API conversation.
    const vs = await connectSocket(api.socket);
    await vs.initialize({ name: 'vscode' });
    const read = await vs.request('thread/read', { threadId });
    expect(read.thread.source).toBe('api');
    expect(read.items.filter((i) => i.type === 'agentMessage').map((i: any) => i.text)).toEqual(['Noted: blue.', 'You said blue.', 'Still blue.']);
    vs.dispose();

    // Stateless (no session): the client's messages are the history the model sees, system text included.
    env.model.script({ text: 'A1' }, { text: 'A2' }, { text: 'B2' });
    const sys = { role: 'system' as const, content: 'Answer tersely.' };
    const r1 = await client.chat.completions.create({ model: 'hermes-agent', messages: [sys, { role: 'user', content: 'q1' }] }).withResponse();
    const r2 = await client.chat.completions
      .create({ model: 'hermes-agent', messages: [sys, { role: 'user', content: 'q1' }, { role: 'assistant', content: 'A1' }, { role: 'user', content: 'q2' }] })
      .withResponse();
    const body2 = env.model.chatRequests().at(-1)!.body;
    expect(userTexts(body2)).toEqual(['q1', 'q2']);
    expect(body2.messages.filter((m) => m.role === 'system').map((m) => m.content)).toContain('Answer tersely.');
    expect(body2.messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['A1']);
    // The client's history matched the thread: the same thread continued, nothing duplicated.
    expect(r2.response.headers.get('x-hermes-thread-id')).toBe(r1.response.headers.get('x-hermes-thread-id'));
    // An edited earlier answer is another conversation: a new thread holding exactly what the client sent.
    const r3 = await client.chat.completions
      .create({ model: 'hermes-agent', messages: [sys, { role: 'user', content: 'q1' }, { role: 'assistant', content: 'A1 (edited)' }, { role: 'user', content: 'q2' }] })
      .withResponse();
    expect(r3.data.choices[0].message.content).toBe('B2');
    expect(r3.response.headers.get('x-hermes-thread-id')).not.toBe(r1.response.headers.get('x-hermes-thread-id'));
    const body3 = env.model.chatRequests().at(-1)!.body;
    expect(body3.messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['A1 (edited)']);
    expect(userTexts(body3)).toEqual(['q1', 'q2']);

    // `user` names a person, not a conversation: the same first message from another user is another thread.
    env.model.script({ text: 'for bob' });
    const bob = await client.chat.completions.create({ model: 'hermes-agent', user: 'bob', messages: [sys, { role: 'user', content: 'q1' }] }).withResponse();
    expect(bob.response.headers.get('x-hermes-thread-id')).not.toBe(r1.response.headers.get('x-hermes-thread-id'));
    expect(userTexts(env.model.chatRequests().at(-1)!.body)).toEqual(['q1']);
  });

  it('Responses API: previous_response_id continues (and branches), stored responses are read back, streaming events build the same response', async () => {
    env.model.script({ text: 'The capital is Paris.' }, { text: 'About 2.1 million.' }, { text: 'Lyon is second.' });
    const r1 = await client.responses.create({ model: 'hermes-agent', input: 'capital of France?', instructions: 'Be brief.' });
    expect(r1.status).toBe('completed');
    expect(r1.output_text).toBe('The capital is Paris.');
    expect(env.model.chatRequests().at(-1)!.body.messages.some((m) => m.role === 'system' && m.content === 'Be brief.')).toBe(true);
    const r2 = await client.responses.create({ model: 'hermes-agent', input: 'population?', previous_response_id: r1.id, instructions: 'Be brief.' });
    expect(r2.output_text).toBe('About 2.1 million.');
    // Instructions sent again with each request join the conversation once.
    expect(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.content === 'Be brief.')).toHaveLength(1);
    expect(r2.previous_response_id).toBe(r1.id);
    expect(userTexts(env.model.chatRequests().at(-1)!.body)).toEqual(['capital of France?', 'population?']);
    // Branching from r1 again: the model sees r1's conversation, not r2's.
    const r3 = await client.responses.create({ model: 'hermes-agent', input: 'second city?', previous_response_id: r1.id });
    expect(r3.output_text).toBe('Lyon is second.');
    expect(userTexts(env.model.chatRequests().at(-1)!.body)).toEqual(['capital of France?', 'second city?']);
    // Stored: read back as it was returned.
    const got = await client.responses.retrieve(r2.id);
    expect(got.output_text).toBe('About 2.1 million.');
    expect(got.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
    await expect(client.responses.create({ model: 'hermes-agent', input: 'x', previous_response_id: 'resp_missing' })).rejects.toMatchObject({ status: 404, code: 'previous_response_not_found' });
    // store: false is answered but not kept.
    env.model.script({ text: 'ephemeral' });
    const eph = await client.responses.create({ model: 'hermes-agent', input: 'x', store: false });
    await expect(client.responses.retrieve(eph.id)).rejects.toMatchObject({ status: 404 });

    // Streaming through the SDK's own accumulator: every event fits, the final response matches the stream.
    env.model.script({ text: 'Checking.', toolCalls: [{ name: 'terminal', arguments: { command: 'echo resp-tool' } }] }, { text: 'Done: resp-tool.' });
    const st = client.responses.stream({ model: 'hermes-agent', input: 'run the tool', previous_response_id: r2.id });
    const types: string[] = [];
    let deltas = '';
    for await (const ev of st) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') deltas += ev.delta;
    }
    const final = await st.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Checking.\n\nDone: resp-tool.');
    expect(deltas).toBe(final.output_text);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(final.output.map((o) => o.type)).toEqual(['message', 'function_call', 'function_call_output']);
    expect((final.output[2] as any).output).toContain('resp-tool');
    expect((await client.responses.retrieve(final.id)).output_text).toBe(final.output_text);
  });

  it('Idempotency-Key: the same key and body get the same response without a second turn; another body with that key is refused', async () => {
    env.model.script({ text: 'only once' });
    const before = env.model.chatRequests().length;
    const body = { model: 'hermes-agent', messages: [{ role: 'user' as const, content: 'charge the card' }] };
    // Sent twice at once: the second waits for the first instead of running its own turn.
    const [a, b] = await Promise.all([
      client.chat.completions.create(body, { headers: { 'Idempotency-Key': 'pay-1' } }).withResponse(),
      client.chat.completions.create(body, { headers: { 'Idempotency-Key': 'pay-1' } }).withResponse(),
    ]);
    expect(a.data.id).toBe(b.data.id);
    const later = await client.chat.completions.create(body, { headers: { 'Idempotency-Key': 'pay-1' } }).withResponse();
    expect(later.data).toEqual(a.data);
    expect(later.response.headers.get('idempotent-replayed')).toBe('true');
    expect(env.model.chatRequests().length - before).toBe(1);
    await expect(
      client.chat.completions.create({ ...body, messages: [{ role: 'user', content: 'charge it twice' }] }, { headers: { 'Idempotency-Key': 'pay-1' } }),
    ).rejects.toMatchObject({ status: 422, code: 'idempotency_key_reused' });

    env.model.script({ text: 'response once' });
    const r1 = await client.responses.create({ model: 'hermes-agent', input: 'once please' }, { headers: { 'Idempotency-Key': 'resp-1' } });
    const r2 = await client.responses.create({ model: 'hermes-agent', input: 'once please' }, { headers: { 'Idempotency-Key': 'resp-1' } });
    expect(r2.id).toBe(r1.id);
    expect(env.model.chatRequests().length - before).toBe(2);
  });

  it('approvals: deny — a dangerous command in an API turn is refused at once, the stream says so, the audit records it', async () => {
    const dir = scratch();
    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: `rm -rf ${dir} && echo removed-it` } }] }, { text: 'I could not delete it.' });
    const stream = await client.chat.completions.create({ model: 'hermes-agent', stream: true, messages: [{ role: 'user', content: 'delete the folder' }] });
    const progress: any[] = [];
    let text = '';
    for await (const c of stream) {
      if ((c as any).object === 'hermes.tool.progress') progress.push(c);
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('I could not delete it.');
    expect(progress.at(-1)).toMatchObject({ tool: 'terminal', status: 'completed', outcome: 'declined' });
    const result = toolResults(env.model.chatRequests().at(-1)!.body).join();
    expect(result).toContain('BLOCKED');
    expect(result).not.toContain('removed-it');
    expect(auditDecisions(api.home).at(-1)).toMatchObject({ decision: 'policy-deny' });
  });

  it('a client that goes away mid-stream interrupts its turn, so nothing keeps running for nobody', async () => {
    env.model.script({ text: Array.from({ length: 30 }, (_, i) => `word${i} `), chunkDelayMs: 150 });
    const controller = new AbortController();
    const stream = await client.chat.completions
      .create({ model: 'hermes-agent', stream: true, messages: [{ role: 'user', content: 'talk slowly' }] }, { signal: controller.signal })
      .withResponse();
    const threadId = stream.response.headers.get('x-hermes-thread-id')!;
    for await (const c of stream.data) {
      if (c.choices[0]?.delta?.content) {
        controller.abort();
        break;
      }
    }
    const vs = await connectSocket(api.socket);
    await vs.initialize({ name: 'vscode' });
    let turns: { status: string }[] = [];
    for (let i = 0; i < 200; i++) {
      turns = (await vs.request('thread/read', { threadId })).turns;
      if (turns.at(-1)?.status !== 'inProgress') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(turns.at(-1)?.status).toBe('interrupted');
    vs.dispose();
  });
});

describe('HTTP API on loopback without a key (approvals: forward)', () => {
  let api: ApiHost;
  let client: OpenAI;
  beforeAll(async () => {
    api = await startApiHost(env.model.baseURL, { api: '  approvals: forward\n  rate_limit:\n    per_minute: 1\n    burst: 12\n', extra: 'approvals:\n  timeout: 120\n' });
    client = new OpenAI({ apiKey: 'unused', baseURL: api.url + '/v1', maxRetries: 0 });
  });
  afterAll(async () => {
    await api?.host.kill();
  });

  it("approvals go to the thread's editor, which allows the command; with nobody following, the command is denied at once", async () => {
    const dir = scratch();
    const vs = await connectSocket(api.socket, { 'approval/request': async () => ({ decision: 'once' }) });
    await vs.initialize({ name: 'vscode', approvals: true });
    const { thread } = await vs.request('thread/start', {}); // the editor follows the thread it starts
    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: `rm -rf ${dir} && echo removed-by-approval` } }] }, { text: 'Deleted.' });
    // The API continues the editor's thread by its id.
    const wire = await rawStream(api.url, '/v1/chat/completions', { model: 'hermes-agent', stream: true, messages: [{ role: 'user', content: 'delete it' }] }, { 'X-Hermes-Session-Id': thread.id });
    expect(wire).toContain('event: hermes.approval');
    const approvals = wire.split('\n').filter((l) => l.startsWith('data: {') && l.includes('"hermes.approval"')).map((l) => JSON.parse(l.slice(6)));
    expect(approvals[0]).toMatchObject({ status: 'pending', command: expect.stringContaining('rm -rf'), askedOf: [expect.stringContaining('vscode')] });
    expect(approvals[1]).toMatchObject({ status: 'resolved', outcome: 'answered', requestId: approvals[0].requestId });
    // (Outside the workspace the sandbox refuses the write, so a second request asks to run it outside; both allowed.)
    expect(new Set(vs.serverRequests.map((r) => r.method))).toEqual(new Set(['approval/request']));
    expect(approvals.filter((a) => a.status === 'pending')).toHaveLength(vs.serverRequests.length);
    expect(toolResults(env.model.chatRequests().at(-1)!.body).join()).toContain('removed-by-approval');
    vs.dispose();

    // A new API conversation nobody else follows: asked of nobody, denied at once rather than after approvals.timeout.
    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: `rm -rf ${dir}/x && echo removed-x` } }] }, { text: 'Not allowed.' });
    const res = await client.chat.completions.create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'delete x' }] });
    expect(res.choices[0].message.content).toBe('Not allowed.');
    expect(toolResults(env.model.chatRequests().at(-1)!.body).join()).toMatch(/nobody who can answer approvals follows this thread.*denied at once/);
    const decisions = auditDecisions(api.home);
    expect(decisions.at(-1)).toMatchObject({ decision: 'noAnswerer' });
    expect(decisions.slice(0, -1).every((d) => d.decision === 'once' && d.answered_by.includes('vscode'))).toBe(true);
  });

  it('without a key: session continuation works on loopback, a foreign Host header is refused, the rate limit answers 429 with Retry-After', async () => {
    env.model.script({ text: 'first' }, { text: 'second' });
    await client.chat.completions.create({ model: 'hermes-agent', session_id: 's-1', messages: [{ role: 'user', content: 'one' }] } as never);
    await client.chat.completions.create({ model: 'hermes-agent', session_id: 's-1', messages: [{ role: 'user', content: 'two' }] } as never);
    expect(userTexts(env.model.chatRequests().at(-1)!.body)).toEqual(['one', 'two']);
    // A DNS-rebinding page reaches 127.0.0.1 under its own name: refused.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(api.url);
      httpRequest({ host: u.hostname, port: u.port, path: '/v1/models', headers: { host: 'attacker.example:80' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
    let limited: any;
    for (let i = 0; i < 20 && !limited; i++) await client.models.list().catch((e) => (limited = e));
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('HTTP API bind rules', () => {
  it('refuses a non-loopback bind without a key of 32 characters, with a message naming the setting; starts with one', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL, 'api:\n  enabled: true\n  host: 0.0.0.0\n  port: 0\n');
    const none = await runCli(['--listen'], { HERMES_HOME: home, API_SERVER_KEY: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/api\.host: the HTTP API would listen on 0\.0\.0\.0, which is not a loopback address.*at least 32 characters \(it is not set\)/);
    const short = await runCli(['--listen'], { HERMES_HOME: home, API_SERVER_KEY: 'short-key' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('(it is 9 characters)');
    expect(short.stderr).not.toContain('short-key');
    const api = await startApiHost(env.model.baseURL, { api: '  host: 0.0.0.0\n', env: { API_SERVER_KEY: KEY }, start: (o) => env.start(o) });
    const ok = await fetch(api.url.replace('0.0.0.0', '127.0.0.1') + '/v1/models', { headers: { authorization: `Bearer ${KEY}` } });
    expect(ok.status).toBe(200);
  });
});
