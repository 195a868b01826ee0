// Photos and voice from every chat platform, end to end: one built host runs the gateway on the fake Telegram,
// Discord and Slack at once (real grammy, discord.js and @slack/bolt clients), with the scripted model answering
// and serving /audio/transcriptions. A photo reaches the model as an image_url part holding the bytes the platform
// served (and is still saved in the thread's folder); a voice message or audio clip is transcribed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { FakeTelegram } from '../support/fake-telegram';
import { FakeDiscord } from '../support/fake-discord';
import { FakeSlack } from '../support/fake-slack';
import { startHost, tempHome, writeTestConfig, type HostProcess } from '../support/host-process';
import type { ChatBody } from '../support/model-server';

vi.setConfig({ testTimeout: 60_000 });

const env = useE2E();
let tg: FakeTelegram;
let dc: FakeDiscord;
let slack: FakeSlack;
let host: HostProcess;

const TG_ALICE = 5001;
const DC_ALICE = '400000000000000011';
const SL_ALICE = 'U0ALICEIMG';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const jpeg = (tag: string, size = 0) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`JFIF ${tag}`), Buffer.alloc(size)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 slack picture')]);

/** The image parts of the newest request, decoded. */
function imagesSent(): Buffer[] {
  const body: ChatBody = env.model.chatRequests().at(-1)!.body;
  return body.messages.flatMap((m) =>
    Array.isArray(m.content) ? m.content.filter((p: any) => p.type === 'image_url').map((p: any) => Buffer.from(p.image_url.url.split(',')[1], 'base64')) : [],
  );
}
function lastUserText(): string {
  const body: ChatBody = env.model.chatRequests().at(-1)!.body;
  const m = [...body.messages].reverse().find((x) => x.role === 'user')!;
  return typeof m.content === 'string' ? m.content : (m.content as any[]).filter((p) => p.type === 'text').map((p) => p.text).join('\n');
}

beforeAll(async () => {
  [tg, dc, slack] = await Promise.all([FakeTelegram.start(), FakeDiscord.start(), FakeSlack.start()]);
  const home = tempHome();
  writeTestConfig(
    home,
    env.model.baseURL,
    [
      'gateway:',
      '  edit_interval_ms: 200',
      '  drain_timeout: 3',
      '  telegram:',
      '    poll_timeout: 1',
      '  slack:',
      '    client_ping_timeout_ms: 1500',
      '    connect_timeout: 5',
      '  transcription:',
      `    base_url: ${env.model.baseURL}`,
      '    api_key_env: TEST_MODEL_KEY',
      '',
    ].join('\n'),
  );
  host = startHost({
    home,
    args: ['--gateway'],
    env: {
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_ALLOWED_USERS: String(TG_ALICE),
      DISCORD_BOT_TOKEN: dc.token,
      DISCORD_API_ROOT: dc.apiRoot,
      DISCORD_ALLOWED_USERS: DC_ALICE,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALLOWED_USERS: SL_ALICE,
    },
  });
  await Promise.all([
    tg.waitFor(() => tg.calls.some((c) => c.method === 'getMe'), 30_000, 'telegram to connect'),
    dc.waitFor(() => dc.calls.some((c) => c.route.startsWith('PUT /applications')), 30_000, 'discord to connect'),
    slack.waitFor(() => slack.connected, 30_000, 'slack to connect'),
  ]);
}, 90_000);
afterAll(async () => {
  await host?.kill('SIGTERM');
  await Promise.all([tg?.close(), dc?.close(), slack?.close()]);
});
beforeEach(() => env.model.reset());

describe('gateway: photos reach the model as images', () => {
  it('telegram: the largest photo size within the limit goes to the model, and the file is saved and named', async () => {
    env.model.script({ text: 'a telegram photo' });
    const small = jpeg('small');
    const medium = jpeg('medium', 2_000);
    const huge = jpeg('huge', 8 * 1024 * 1024); // over the 8 MiB image limit: never downloaded
    tg.userSends({ userId: TG_ALICE, text: 'what is in it?', photo: [small, medium, huge] });
    await tg.waitFor(() => tg.sentTo(TG_ALICE).find((m) => m.text === 'a telegram photo'), 20_000, 'the reply');
    const sent = imagesSent();
    expect(sent).toHaveLength(1);
    expect(sent[0].equals(medium)).toBe(true);
    const text = lastUserText();
    expect(text.startsWith('what is in it?')).toBe(true);
    const saved = /The user sent a photo, saved as (\S+?)\]/.exec(text)![1];
    expect(saved).toContain(`${join('chat-files', '')}`);
    expect(readFileSync(saved).equals(medium)).toBe(true);
    expect(text).toMatch(/\[Image attached: \S+ \(image\/jpeg, 2\.0 KB\), saved at \S+\.jpg\]/);
    // grammy asked for the chosen size only.
    const files = tg.calls.filter((c) => c.method === 'getFile').map((c) => c.params.file_id);
    expect(files.at(-1)).toMatch(/-1$/);
    expect(files.some((f) => /-2$/.test(String(f)))).toBe(false);
  });

  it('discord: an image attachment goes to the model; a file that only claims to be an image stays a file', async () => {
    env.model.script({ text: 'a discord image' }, { text: 'a discord file' });
    const dm = dc.dmChannel(DC_ALICE);
    dc.userSends({ userId: DC_ALICE, text: 'look', attachment: { name: 'dot.png', data: PNG, contentType: 'image/png' } });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'a discord image'), 20_000, 'the image reply');
    expect(imagesSent().map((b) => b.equals(PNG))).toEqual([true]);
    expect(lastUserText()).toMatch(/\[Image attached: \S+-dot\.png \(image\/png, 70 B\)/);

    dc.userSends({ userId: DC_ALICE, text: 'and this', attachment: { name: 'drawing.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), contentType: 'image/svg+xml' } });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'a discord file'), 20_000, 'the file reply');
    const text = lastUserText();
    const saved = /The user sent a photo, saved as (\S+?)\]/.exec(text)![1];
    expect(existsSync(saved)).toBe(true);
    expect(text).not.toContain('[Image attached: ');
    // The earlier image is still in the conversation, as a picture (within the latest-N rule).
    expect(imagesSent()).toHaveLength(1);
  });

  it('slack: an image file is fetched with the bot token and goes to the model', async () => {
    env.model.script({ text: 'a slack image' });
    const dmChannel = `D${SL_ALICE}`;
    slack.userSends({ user: SL_ALICE, text: 'see attached', file: { name: 'pic.webp', mimetype: 'image/webp', data: WEBP } });
    await slack.waitFor(() => slack.sentTo(dmChannel).find((m) => m.text === 'a slack image'), 20_000, 'the reply');
    expect(imagesSent().map((b) => b.equals(WEBP))).toEqual([true]);
    const download = slack.calls.find((c) => c.method === 'files:download');
    expect(download?.params.auth).toBe(`Bearer ${slack.botToken}`);
  });
});

describe('gateway: voice on Discord and Slack is transcribed', () => {
  it('discord: a voice message (ogg) is transcribed and the model reads the transcript', async () => {
    env.model.transcript = 'remind me about the dentist';
    env.model.script({ text: 'dentist noted' });
    const before = env.model.transcriptions.length;
    const audio = Buffer.from('OggS discord voice message bytes');
    dc.userSends({ userId: DC_ALICE, text: '', attachment: { name: 'voice-message.ogg', data: audio, contentType: 'audio/ogg' } });
    await dc.waitFor(() => dc.sentTo(dc.dmChannel(DC_ALICE)).find((m) => m.content === 'dentist noted'), 20_000, 'the reply');
    expect(env.model.transcriptions.length).toBe(before + 1);
    expect(env.model.transcriptions.at(-1)).toBeGreaterThan(audio.length);
    expect(lastUserText()).toContain('[The user sent a voice message. Transcript: "remind me about the dentist"]');
    expect(imagesSent()).toHaveLength(1); // only the earlier Discord picture
  });

  it('slack: an audio clip is transcribed and the model reads the transcript', async () => {
    env.model.transcript = 'book a table for two';
    env.model.script({ text: 'table booked' });
    const before = env.model.transcriptions.length;
    const audio = Buffer.from('\x1aE\xdf\xa3 slack audio clip (webm)', 'latin1');
    slack.userSends({ user: SL_ALICE, text: '', file: { name: 'audio_message.webm', mimetype: 'audio/webm', data: audio } });
    await slack.waitFor(() => slack.sentTo(`D${SL_ALICE}`).find((m) => m.text === 'table booked'), 20_000, 'the reply');
    expect(env.model.transcriptions.length).toBe(before + 1);
    expect(lastUserText()).toContain('[The user sent a voice message. Transcript: "book a table for two"]');
  });
});
