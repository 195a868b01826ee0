// The HTTP API's pure parts: settings (Hermes's API_SERVER_* variables, the bind rule), the token bucket, the key
// comparison, idempotency claims, and how client messages become the agent's conversation.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultConfig, HermesConfigSchema } from '../../../server/config/schema';
import { apiSettings, checkBind, isLoopbackHost, ApiSettingsError } from '../../../server/api/settings';
import { RateLimiter } from '../../../server/api/rate-limit';
import { keyMatches } from '../../../server/api/auth';
import { fingerprint, Idempotency } from '../../../server/api/idempotency';
import { fromChatMessages, fromResponsesInput, splitConversation } from '../../../server/api/messages';
import { migrate } from '../../../server/store/migrations';
import { ApiError } from '../../../server/api/errors';

const where = { config: '/h/config.yaml', env: '/h/.env' };

describe('api settings', () => {
  it('config.yaml wins; unset keys fall back to API_SERVER_* as Hermes names them, then defaults', () => {
    const d = apiSettings(defaultConfig(), {}, where);
    expect(d).toMatchObject({ enabled: false, host: '127.0.0.1', port: 8642, approvals: 'deny', agentId: 'hermes-agent', corsOrigins: [] });
    const env = { API_SERVER_ENABLED: 'true', API_SERVER_HOST: '0.0.0.0', API_SERVER_PORT: '9000', API_SERVER_KEY: ' k ', API_SERVER_CORS_ORIGINS: 'http://a.example/, http://b.example', API_SERVER_MODEL_NAME: 'my-agent' };
    expect(apiSettings(defaultConfig(), env, where)).toMatchObject({ enabled: true, host: '0.0.0.0', port: 9000, key: 'k', corsOrigins: ['http://a.example', 'http://b.example'], agentId: 'my-agent' });
    const cfg = HermesConfigSchema.parse({ api: { enabled: false, host: '127.0.0.2', port: 0, approvals: 'forward' } });
    expect(apiSettings(cfg, env, where)).toMatchObject({ enabled: false, host: '127.0.0.2', port: 0, approvals: 'forward' });
    expect(() => apiSettings(defaultConfig(), { API_SERVER_ENABLED: '1', API_SERVER_PORT: 'eighty' }, where)).toThrow(/\.env: API_SERVER_PORT: "eighty" is not a port number/);
    expect(apiSettings(defaultConfig(), { API_SERVER_PORT: 'eighty' }, where).enabled).toBe(false); // off: not read
  });

  it('loopback binds need no key; anything else needs one of 32+ characters', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', '127.0.0.256', 'example.com', '']) expect(isLoopbackHost(h)).toBe(false);
    const s = apiSettings(HermesConfigSchema.parse({ api: { enabled: true } }), { API_SERVER_HOST: '0.0.0.0' }, where);
    expect(() => checkBind(s, where)).toThrow(ApiSettingsError);
    expect(() => checkBind({ ...s, key: 'x'.repeat(31) }, where)).toThrow(/it is 31 characters/);
    expect(() => checkBind({ ...s, key: 'x'.repeat(32) }, where)).not.toThrow();
    expect(() => checkBind({ ...s, host: '127.0.0.1' }, where)).not.toThrow();
    // Enabled only by Hermes's API_SERVER_ENABLED (a Hermes gateway may share the .env): reported, not fatal.
    const fromEnv = apiSettings(defaultConfig(), { API_SERVER_ENABLED: 'true', API_SERVER_HOST: '0.0.0.0' }, where);
    expect(fromEnv.enabledBy).toBe('env');
    expect(() => checkBind(fromEnv, where)).toThrow(expect.objectContaining({ fatal: false, message: expect.stringMatching(/^\/h\/\.env: API_SERVER_ENABLED with \/h\/config\.yaml: api\.host/) }));
    expect(() => checkBind(s, where)).toThrow(expect.objectContaining({ fatal: true }));
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refuses with the seconds until the next token, and refills over time', () => {
    let now = 0;
    const rl = new RateLimiter(60, 3, () => now);
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0]);
    expect(rl.take('a')).toBe(1);
    expect(rl.take('b')).toBe(0); // buckets are per key
    now += 1000;
    expect(rl.take('a')).toBe(0);
    const slow = new RateLimiter(1, 1, () => now);
    slow.take('x');
    expect(slow.take('x')).toBe(60);
    expect(slow.blocked('x')).toBe(60);
  });
});

describe('key comparison and idempotency', () => {
  it('compares keys of any length without throwing', () => {
    expect(keyMatches('secret-key', 'secret-key')).toBe(true);
    expect(keyMatches('secret-ke', 'secret-key')).toBe(false);
    expect(keyMatches('', 'secret-key')).toBe(false);
  });

  it('the same key and body replay; concurrent repeats wait; another body conflicts; a failure frees the key', async () => {
    expect(fingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(fingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
    const db = new Database(':memory:');
    migrate(db);
    const idem = new Idempotency(db);
    const first = idem.claim('s', 'k', 'fp1');
    expect(first.kind).toBe('new');
    const waiting = idem.claim('s', 'k', 'fp1');
    expect(waiting.kind).toBe('wait');
    expect(() => idem.claim('s', 'k', 'fp2')).toThrow(ApiError);
    if (first.kind === 'new') first.finish({ status: 200, body: { id: 'x' } });
    if (waiting.kind === 'wait') expect(await waiting.response).toEqual({ status: 200, body: { id: 'x' } });
    expect(idem.claim('s', 'k', 'fp1')).toMatchObject({ kind: 'done', response: { body: { id: 'x' } } });
    expect(idem.claim('other-caller', 'k', 'fp2').kind).toBe('new'); // keys are per caller
    const failing = idem.claim('s', 'k2', 'fp');
    if (failing.kind === 'new') failing.fail();
    expect(idem.claim('s', 'k2', 'fp').kind).toBe('new');
    db.close();
  });
});

const PNG_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('client messages', () => {
  it('chat messages: text parts joined, images named, client tool plumbing left out, the last user message is the input', () => {
    const msgs = fromChatMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric.' }] },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: PNG_URL } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c', content: 'r' },
      { role: 'assistant', content: 'seen' },
      { role: 'user', content: 'and now?' },
    ]);
    const c = splitConversation(msgs, 'messages');
    expect(c.system).toBe('Be brief.\n\nUse metric.');
    expect(c.history).toEqual([
      { role: 'user', text: 'look\n[image]' },
      { role: 'assistant', text: 'seen' },
    ]);
    expect(c.input).toBe('and now?');
    expect(c.images).toEqual([]);
    expect(() => splitConversation(fromChatMessages([{ role: 'assistant', content: 'hi' }]), 'messages')).toThrow(/last message must be from the user/);
    expect(() => fromChatMessages([])).toThrow(/non-empty/);
    expect(() => fromChatMessages([{ role: 'wizard', content: 'x' }])).toThrow(/messages\[0\]\.role/);
    expect(() => fromChatMessages([{ role: 'user', content: [{ type: 'video' }] }])).toThrow(/messages\[0\]\.content\[0\]: unsupported content part type "video"/);
  });

  it('images: a data URL in the last message goes to the turn; by URL it is named; a bad one is a 400 naming the part', () => {
    const chat = splitConversation(fromChatMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: PNG_URL, detail: 'high' } }] }]), 'messages');
    expect(chat).toMatchObject({ input: '', images: [PNG_URL] });
    const resp = splitConversation(fromResponsesInput([{ role: 'user', content: [{ type: 'input_text', text: 'what?' }, { type: 'input_image', image_url: PNG_URL }] }]), 'input');
    expect(resp).toMatchObject({ input: 'what?', images: [PNG_URL] });
    expect(fromChatMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }])[0]).toEqual({
      role: 'user',
      text: '[an image was attached by URL; this agent takes images as data URLs only]',
    });
    expect(() => fromChatMessages([{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } }] }])).toThrow(
      /messages\[0\]\.content\[1\]: not an image the model can take/,
    );
    expect(() => fromChatMessages([{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }])).toThrow(/messages\[0\]\.content\[0\]: an image_url part needs an image URL/);
  });

  it('Responses input: a string, or message items with input_text parts', () => {
    expect(fromResponsesInput('hi')).toEqual([{ role: 'user', text: 'hi' }]);
    expect(
      fromResponsesInput([
        { role: 'user', content: [{ type: 'input_text', text: 'a' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'b' }] },
        { role: 'user', content: 'c' },
      ]),
    ).toEqual([
      { role: 'user', text: 'a' },
      { role: 'assistant', text: 'b' },
      { role: 'user', text: 'c' },
    ]);
    expect(() => fromResponsesInput([{ type: 'web_search_call' }])).toThrow(/input\[0\]\.type "web_search_call" is not supported/);
  });
});
