// Images through the protocol, end to end: the built host takes an image in turn/start, keeps it once under
// HERMES_HOME, shows it in thread/read by id (bytes through thread/attachment), sends it to the scripted model as an
// image_url part, refuses bad images naming the field, and falls back to text when the model refuses images.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { runCli, startHost, tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import type { ChatBody } from '../support/model-server';
import { startApiHost } from '../support/api-env';

const env = useE2E();

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF a pretend photo')]);

const imageParts = (body: ChatBody): string[] =>
  body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((p: any) => p.type === 'image_url').map((p: any) => p.image_url.url) : []));
const lastUser = (body: ChatBody) => [...body.messages].reverse().find((m) => m.role === 'user')!;
const textOf = (content: unknown) => (typeof content === 'string' ? content : (content as any[]).filter((p) => p.type === 'text').map((p) => p.text).join('\n'));

let host: HostProcess;
let home: string;

/** One host serves the tests that need the default config; each test works on threads of its own. */
let shared: { host: HostProcess; home: string } | undefined;
afterAll(async () => {
  await shared?.host.kill();
  expect(shared?.host.client.violations ?? []).toEqual([]);
});

async function boot(model?: string) {
  if (!shared) {
    const h = tempHome();
    writeTestConfig(h, env.model.baseURL);
    const started = startHost({ home: h });
    await started.client.initialize();
    shared = { host: started, home: h };
  }
  ({ host, home } = shared);
  return (await host.client.request('thread/start', model ? { model } : {})).thread;
}

async function run(threadId: string, input: any[]) {
  const { turn } = await host.client.request('turn/start', { threadId, input });
  return host.client.waitFor('turn/completed', (p) => p.turn.id === turn.id);
}

describe('images as model input', () => {
  beforeAll(() => env.model.reset());

  it('an image reaches the model as an image_url part; the transcript shows it by id; the bytes are kept once', async () => {
    const thread = await boot();
    env.model.script({ text: 'a tiny picture' }, { text: 'same picture' });
    const done = await run(thread.id, [{ type: 'text', text: 'what is this?' }, { type: 'image', data: `data:image/png;base64,${PNG.toString('base64')}`, name: 'dot.png' }]);
    expect(done.turn.status).toBe('completed');

    const body = env.model.chatRequests().at(-1)!.body;
    const urls = imageParts(body);
    expect(urls).toHaveLength(1);
    expect(urls[0].startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(urls[0].split(',')[1], 'base64').equals(PNG)).toBe(true);
    const text = textOf(lastUser(body).content);
    expect(text).toMatch(/^what is this\?\n\n\[Image attached: dot\.png \(image\/png, 70 B\), saved at (\S+)\]$/);

    // The item names the stored image; no bytes in transcripts or notifications.
    const read = await host.client.request('thread/read', { threadId: thread.id });
    const item = read.items.find((i) => i.type === 'userMessage')!;
    expect(item).toMatchObject({ content: [{ type: 'text', text: 'what is this?' }, { type: 'image', mimeType: 'image/png', size: PNG.length, name: 'dot.png' }] });
    const ref = (item as any).content[1];
    expect(ref.data).toBeUndefined();
    expect(JSON.stringify(host.client.of('item/completed'))).not.toContain(PNG.toString('base64').slice(0, 40));
    const got = await host.client.request('thread/attachment', { threadId: thread.id, attachmentId: ref.attachmentId });
    expect(got).toMatchObject({ attachmentId: ref.attachmentId, mimeType: 'image/png', size: PNG.length });
    expect(Buffer.from(got.data, 'base64').equals(PNG)).toBe(true);
    const path = /saved at (\S+)\]/.exec(text)![1];
    expect(path.startsWith(join(home, 'attachments', 'images'))).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    // Sent again (by id, as /retry does): the same file, and both turns' images are in the request.
    await run(thread.id, [{ type: 'text', text: 'again' }, { type: 'image', attachmentId: ref.attachmentId }]);
    expect(readdirSync(join(home, 'attachments', 'images', ref.attachmentId.slice(0, 2)))).toEqual([`${ref.attachmentId}.png`]);
    expect(imageParts(env.model.chatRequests().at(-1)!.body)).toHaveLength(2);

    // An image of another thread is not readable through this one.
    const other = (await host.client.request('thread/start', {})).thread;
    await expect(host.client.request('thread/attachment', { threadId: other.id, attachmentId: ref.attachmentId })).rejects.toThrow(/has no image/);
  });

  it('an image sent to a running turn (busy: steer) reaches its next model call', async () => {
    const thread = await boot();
    env.model.script(
      { toolCalls: [{ name: 'todo', arguments: { todos: [{ id: '1', content: 'look', status: 'in_progress' }] } }], firstTokenDelayMs: 600 },
      { text: 'seen the steered picture' },
    );
    const { turn } = await host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'start' }] });
    const steered = await host.client.request('turn/start', { threadId: thread.id, busy: 'steer', input: [{ type: 'text', text: 'also this' }, { type: 'image', data: JPEG.toString('base64') }] });
    expect(steered.disposition).toBe('steered');
    await host.client.waitFor('turn/completed', (p) => p.turn.id === turn.id);
    const body = env.model.chatRequests().at(-1)!.body;
    expect(imageParts(body).map((u) => Buffer.from(u.split(',')[1], 'base64').equals(JPEG))).toEqual([true]);
    expect(textOf(lastUser(body).content)).toMatch(/^also this\n\n\[Image attached: image\/jpeg, 24 B/);
    const items = (await host.client.request('thread/read', { threadId: thread.id })).items.filter((i) => i.type === 'userMessage');
    expect(items[1]).toMatchObject({ content: [{ type: 'text', text: 'also this' }, { type: 'image', mimeType: 'image/jpeg', size: JPEG.length }] });
  });

  it('deleting a thread deletes the images no other thread names', async () => {
    const gif = Buffer.from('GIF89a\x02\x00\x02\x00 only in these two threads', 'latin1');
    const a = await boot();
    env.model.script({ text: 'one' });
    await run(a.id, [{ type: 'image', data: gif.toString('base64') }]);
    const b = (await host.client.request('thread/fork', { threadId: a.id })).thread;
    const ref = (await host.client.request('thread/read', { threadId: b.id })).items.find((i) => i.type === 'userMessage') as any;
    const id = ref.content[0].attachmentId as string;
    const file = join(home, 'attachments', 'images', id.slice(0, 2), `${id}.gif`);
    expect(existsSync(file)).toBe(true);
    await host.client.request('thread/delete', { threadId: a.id });
    expect(existsSync(file)).toBe(true); // the fork still shows it
    expect((await host.client.request('thread/attachment', { threadId: b.id, attachmentId: id })).size).toBe(gif.length);
    await host.client.request('thread/delete', { threadId: b.id });
    expect(existsSync(file)).toBe(false);
  });

  it('bad images are refused naming the part, and nothing runs', async () => {
    const thread = await boot();
    const before = env.model.chatRequests().length;
    await expect(host.client.raw('turn/start', { threadId: thread.id, input: [{ type: 'image', data: 'A'.repeat(12_000_000) }] })).rejects.toThrow(
      /invalid params: input\.0\.data: image is larger than the limit of 8388608 bytes/,
    );
    await expect(
      host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }, { type: 'image', data: Buffer.from('just text').toString('base64') }] }),
    ).rejects.toThrow(/input\[1\]\.data: not an image the model can take/);
    await expect(host.client.raw('turn/start', { threadId: thread.id, input: [{ type: 'image' }] })).rejects.toThrow(/input\.0: an image needs exactly one of `data` or `attachmentId`/);
    await expect(host.client.request('turn/start', { threadId: thread.id, input: [{ type: 'image', attachmentId: 'e'.repeat(64) }] })).rejects.toThrow(
      /input\[0\]\.attachmentId: no stored image has this id/,
    );
    expect(env.model.chatRequests().length).toBe(before);
    expect((await host.client.request('thread/read', { threadId: thread.id })).items).toEqual([]);
  });

  it('a model that refuses images gets the turn again without them, told where the image is; later turns send text only', async () => {
    // A model of its own: what the host learns about it (no images) must not touch the other tests' model.
    const thread = await boot('text-only-model');
    const refusesImages = (b: ChatBody) => imageParts(b).length > 0;
    env.model.script(
      { kind: 'status', status: 400, message: 'This model does not support image input.', when: refusesImages },
      { text: 'I cannot see it, but it is saved.' },
      { text: 'still text only' },
    );
    const done = await run(thread.id, [{ type: 'text', text: 'describe' }, { type: 'image', data: JPEG.toString('base64'), name: 'cat.jpg' }]);
    expect(done.turn.status).toBe('completed');
    const [refused, retried] = env.model.chatRequests().slice(-2).map((r) => r.body);
    expect(imageParts(refused)).toHaveLength(1);
    expect(imageParts(retried)).toHaveLength(0);
    const told = lastUser(retried).content as string;
    expect(told).toMatch(/\[Image attached: cat\.jpg \(image\/jpeg, 24 B\), saved at \S+\.jpg\]/);
    expect(told).toMatch(/You cannot see images with the current model/);
    const items = (await host.client.request('thread/read', { threadId: thread.id })).items;
    expect(items.find((i) => i.type === 'agentMessage')).toMatchObject({ text: 'I cannot see it, but it is saved.' });

    // auto: this model is now known to take no images.
    const before = env.model.chatRequests().length;
    await run(thread.id, [{ type: 'text', text: 'and this one' }, { type: 'image', data: PNG.toString('base64') }]);
    const after = env.model.chatRequests().slice(before);
    expect(after).toHaveLength(1);
    expect(imageParts(after[0].body)).toHaveLength(0);
  });

  it('image_input_mode text never sends pixels', async () => {
    const thread = await boot();
    await host.client.request('config/write', { key: 'agent.image_input_mode', value: 'text' });
    env.model.script({ text: 'noted' });
    await run(thread.id, [{ type: 'image', data: PNG.toString('base64') }]).finally(() =>
      host.client.request('config/write', { key: 'agent.image_input_mode', value: 'auto' }),
    );
    const body = env.model.chatRequests().at(-1)!.body;
    expect(imageParts(body)).toHaveLength(0);
    expect(lastUser(body).content).toMatch(/^\[Image attached: image\/png, 70 B, saved at \S+\]\n\n\[You cannot see images/);
  });

  it('the HTTP API takes a data-URL image in the last message; a bad one is a 400 naming the part', async () => {
    const api = await startApiHost(env.model.baseURL, { start: env.start });
    env.model.script({ text: 'an API picture' });
    const url = `data:image/png;base64,${PNG.toString('base64')}`;
    const post = (messages: unknown) =>
      fetch(`${api.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'hermes-agent', messages }) });
    const ok = await post([{ role: 'user', content: [{ type: 'text', text: 'and this?' }, { type: 'image_url', image_url: { url } }] }]);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).choices[0].message.content).toBe('an API picture');
    expect(imageParts(env.model.chatRequests().at(-1)!.body)).toEqual([url]);
    const bad = await post([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } }] }]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatchObject({ param: 'messages[0].content[0]', message: expect.stringMatching(/not an image the model can take/) });
  });

  it('chat -q --image sends the file with the message; a missing file is an error before anything runs', async () => {
    // The CLI attaches to the running host over its socket.
    await boot();
    const cliHome = home;
    writeFileSync(join(cliHome, 'shot.png'), PNG);
    env.model.script({ text: 'seen from the terminal' });
    const r = await runCli(['chat', '-q', 'what is this?', '--image', 'shot.png', '--quiet'], { HERMES_HOME: cliHome }, cliHome);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('seen from the terminal');
    expect(imageParts(env.model.chatRequests().at(-1)!.body)).toEqual([`data:image/png;base64,${PNG.toString('base64')}`]);
    const before = env.model.chatRequests().length;
    const missing = await runCli(['chat', '-q', 'and?', '--image', 'nope.png'], { HERMES_HOME: cliHome }, cliHome);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('cannot read --image nope.png: ENOENT');
    expect(env.model.chatRequests().length).toBe(before);
  });
});
