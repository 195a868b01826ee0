// Discord on the gateway end to end: the built host started with --gateway, real discord.js connected to the fake
// Discord (REST + gateway WebSocket), the scripted model answering. Pairing, guild threads, approvals as buttons,
// long replies, rate limits, a dropped connection mid-turn, history backfill after reconnects and restarts, and a
// conversation continued across Telegram, Discord and VS Code after linking.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { FakeDiscord } from '../support/fake-discord';
import { FakeTelegram } from '../support/fake-telegram';
import { runCli } from '../support/host-process';
import { attach, lastUserText, telegramLinkCode } from '../support/gateway-env';
import { startDiscordGateway } from '../support/discord-gateway-env';

vi.setConfig({ testTimeout: 90_000 });

const env = useE2E();
let dc: FakeDiscord;

beforeAll(async () => {
  dc = await FakeDiscord.start();
});
afterAll(async () => {
  await dc?.close();
});

const ALICE = '400000000000000001';
const BOB = '400000000000000002';
const ALLOW = { DISCORD_ALLOWED_USERS: `${ALICE},${BOB}` };
const final = (channel: string, text: string) => () => dc.sentTo(channel).find((m) => m.content.includes(text) && !m.content.includes('▉'));

describe('discord: access, conversations and guild threads', () => {
  it('pairing in a DM, then a conversation with a tool call; in the guild a mention starts a thread that continues without mentions', async () => {
    const g = await startDiscordGateway(env, dc);
    // The bot asked for the message-content intent (1 << 15) and direct messages.
    expect(dc.intents & (1 << 15)).toBeTruthy();
    expect(dc.intents & (1 << 12)).toBeTruthy();
    // Application commands come from the same list the gateway dispatches on.
    expect(dc.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['new', 'stop', 'approve', 'deny', 'link', 'status', 'help']));

    const dm = dc.dmChannel(ALICE);
    dc.userSends({ userId: ALICE, text: 'hello' });
    const codeMsg = await dc.waitFor(() => dc.sentTo(dm).find((m) => /pairing code is ([A-Z2-9]{8})/.test(m.content)), 15_000, 'a pairing code');
    const code = /pairing code is ([A-Z2-9]{8})/.exec(codeMsg.content)![1];
    expect(env.model.chatRequests()).toHaveLength(0);
    const approve = await runCli(['pairing', 'approve', 'discord', code], { HERMES_HOME: g.home });
    expect(approve.stdout).toContain(`approved discord user ${ALICE}`);

    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'echo discord-tool-$((6*7))' } }] }, { text: 'The command printed **discord-tool-42**.' });
    dc.userSends({ userId: ALICE, text: 'run the echo please' });
    const reply = await dc.waitFor(final(dm, 'discord-tool-42'), 20_000, 'the reply');
    expect(reply.content).toBe('The command printed **discord-tool-42**.');
    expect(reply.allowed_mentions).toEqual({ parse: [] });
    const toolResult = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool');
    expect(String(toolResult?.content)).toContain('discord-tool-42');

    // An attachment is downloaded, saved in the thread's folder and named in the message.
    env.model.script({ text: 'got the file' });
    dc.userSends({ userId: ALICE, text: 'summarise this', attachment: { name: 'notes.txt', data: Buffer.from('the notes'), contentType: 'text/plain' } });
    await dc.waitFor(final(dm, 'got the file'), 20_000, 'the file reply');
    const seen = lastUserText(env.model.chatRequests().at(-1)!.body);
    expect(seen.startsWith('summarise this')).toBe(true);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(/saved as (\S+?)\]/.exec(seen)![1], 'utf8')).toBe('the notes');

    // Guild: chatter is ignored, a mention starts a thread on the message, and the thread needs no mention.
    env.model.script({ text: 'hi in the thread' }, { text: 'second answer in the thread' });
    dc.userSends({ userId: ALICE, channelId: dc.channelId, text: 'just chatting' });
    const asked = dc.userSends({ userId: ALICE, channelId: dc.channelId, text: 'what is up?', mention: true });
    await dc.waitFor(final(asked.id, 'hi in the thread'), 20_000, 'the reply in the thread');
    expect(dc.channel(asked.id)).toMatchObject({ type: 11, parent_id: dc.channelId, owner_id: dc.bot.id });
    expect(lastUserText(env.model.chatRequests().at(-1)!.body)).toBe('what is up?');
    dc.userSends({ userId: ALICE, channelId: asked.id, text: 'and more' });
    await dc.waitFor(final(asked.id, 'second answer'), 20_000, 'the second reply in the thread');
    expect(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user')).toHaveLength(2);
    expect(dc.sentTo(dc.channelId)).toHaveLength(0);
    expect(env.model.chatRequests().some((r) => JSON.stringify(r.body).includes('just chatting'))).toBe(false);
    // A stranger mentioning the bot gets nothing.
    const stranger = dc.userSends({ userId: '499', channelId: dc.channelId, text: 'hey bot', mention: true });
    // /status as an application command: acknowledged to the user alone, answered in the channel.
    dc.slash({ userId: ALICE, name: 'status' });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content.includes('Platforms: discord: ready')), 15_000, 'the /status answer');
    expect(dc.interactionResponses.at(-1)).toMatchObject({ type: 4, data: { flags: 64 } });
    // By now the stranger's earlier mention has been handled: no thread, no reply, nothing for the model.
    expect(dc.channel(stranger.id)).toBeUndefined();
    expect(env.model.chatRequests().some((r) => JSON.stringify(r.body).includes('hey bot'))).toBe(false);

    // Where the bot may not start threads, the reply answers the message in its channel.
    dc.fail('POST /channels/:id/messages/:id/threads', { status: 403, code: 50013, message: 'Missing Permissions' });
    env.model.script({ text: 'answered in the channel' });
    const noThread = dc.userSends({ userId: ALICE, channelId: dc.channelId, text: 'no threads here', mention: true });
    const inChannel = await dc.waitFor(final(dc.channelId, 'answered in the channel'), 20_000, 'the reply in the channel');
    expect(inChannel.message_reference).toMatchObject({ message_id: noThread.id });
    expect(dc.channel(noThread.id)).toBeUndefined();
  });
});

const rm = (dir: string) => ({ name: 'terminal', arguments: { command: `rm -rf ${dir} && echo removed-${dir}` } });
const buttons = (m: { components?: { components: { label: string; custom_id: string }[] }[] }) => (m.components ?? []).flatMap((r) => r.components);

describe('discord: approvals as buttons', () => {
  it('allow and deny by button, a click after expiry gets an ephemeral "expired", and only the chat user may answer', async () => {
    const { mkdtempSync, mkdirSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const ws = mkdtempSync(join(tmpdir(), 'dc-ws-'));
    for (const d of ['keepme', 'dropme', 'late']) mkdirSync(join(ws, d));
    await startDiscordGateway(env, dc, { env: ALLOW, extra: `terminal:\n  cwd: ${ws}\napprovals:\n  timeout: 2\n` });
    const dm = dc.dmChannel(ALICE);
    const prompt = (dir: string) => dc.waitFor(() => dc.sentTo(dm).find((m) => m.content.includes(`rm -rf ${dir}`) && m.components), 20_000, 'the approval prompt');

    env.model.script({ toolCalls: [rm('dropme')] }, { text: 'removed it' });
    dc.userSends({ userId: ALICE, text: 'remove dropme' });
    let p = await prompt('dropme');
    expect(buttons(p).map((b) => b.label)).toEqual(['Allow once', 'Allow for session', 'Always allow', 'Deny']);
    // The prompt says the buttons expire (Discord interaction tokens last 15 minutes) and what to type instead.
    expect(p.content).toMatch(/buttons expire 15 min/);
    const other = dc.click({ userId: BOB, messageId: p.id, customId: buttons(p)[0].custom_id });
    // Ephemeral answers (flags 64): in the callback, or in a follow-up when the gateway took longer than 2 s.
    expect(await dc.waitFor(() => dc.answerOf(other), 10_000, 'the refusal')).toMatchObject({ flags: 64, content: expect.stringMatching(/Only the user/) });
    const ok = dc.click({ userId: ALICE, messageId: p.id, customId: buttons(p)[0].custom_id });
    await dc.waitFor(final(dm, 'removed it'), 20_000, 'the reply after approval');
    expect(existsSync(join(ws, 'dropme'))).toBe(false);
    expect((await dc.waitFor(() => dc.answerOf(ok), 10_000, 'the approval answer')).content).toMatch(/Approved once/);
    p = await dc.waitFor(() => dc.sentTo(dm).find((m) => m.id === p.id && /Approved once by/.test(m.content)), 10_000, 'the prompt edited');
    expect(p.components).toBeUndefined();

    env.model.script({ toolCalls: [rm('keepme')] }, { text: 'ok, left it' });
    dc.userSends({ userId: ALICE, text: 'remove keepme' });
    p = await prompt('keepme');
    dc.click({ userId: ALICE, messageId: p.id, customId: buttons(p).find((b) => b.label === 'Deny')!.custom_id });
    await dc.waitFor(final(dm, 'left it'), 20_000, 'the reply after deny');
    expect(existsSync(join(ws, 'keepme'))).toBe(true);
    expect(String(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'tool').at(-1)?.content)).toMatch(/denied/);

    env.model.script({ toolCalls: [rm('late')] }, { text: 'it timed out' });
    dc.userSends({ userId: ALICE, text: 'remove late' });
    p = await prompt('late');
    const data = buttons(p)[0].custom_id;
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.id === p.id && /Expired/.test(m.content)), 20_000, 'the expiry edit');
    const late = dc.click({ userId: ALICE, messageId: p.id, customId: data });
    const answer = await dc.waitFor(() => dc.answerOf(late), 10_000, 'the expired answer');
    expect(answer.flags).toBe(64);
    expect(answer.content).toMatch(/Expired/);
    expect(existsSync(join(ws, 'late'))).toBe(true);
  });
});

describe('discord: role allow lists', () => {
  it('DISCORD_ALLOWED_ROLES lets a member holding the role in in the server, not one without it, and not in a DM; a thread counts as its channel for DISCORD_ALLOWED_CHANNELS', async () => {
    const ROLE = '500000000000000009';
    const DAN = '400000000000000007';
    const EVE = '400000000000000008';
    await startDiscordGateway(env, dc, { env: { DISCORD_ALLOWED_ROLES: `111, ${ROLE}`, DISCORD_ALLOWED_CHANNELS: dc.channelId } });
    env.model.script({ text: 'hello role holder' }, { text: 'still listening in the thread' });
    const lurker = dc.userSends({ userId: EVE, channelId: dc.channelId, text: 'me too?', mention: true, roles: ['222'] });
    const asked = dc.userSends({ userId: DAN, channelId: dc.channelId, text: 'can I?', mention: true, roles: ['333', ROLE] });
    await dc.waitFor(final(asked.id, 'hello role holder'), 20_000, 'the reply to the role holder');
    // The thread the bot started on the message is not itself listed; its channel is.
    dc.userSends({ userId: DAN, channelId: asked.id, text: 'more', roles: [ROLE] });
    await dc.waitFor(final(asked.id, 'still listening in the thread'), 20_000, 'the reply in the thread');
    // The role counts in the server it was held in: in a DM the same user is a stranger, offered pairing.
    dc.userSends({ userId: DAN, text: 'and here?', roles: [ROLE] });
    await dc.waitFor(() => dc.sentTo(dc.dmChannel(DAN)).find((m) => /pairing code is [A-Z2-9]{8}/.test(m.content)), 15_000, 'a pairing code in the DM');
    expect(dc.sentTo(lurker.id)).toHaveLength(0);
    expect(env.model.chatRequests().some((r) => JSON.stringify(r.body).includes('me too?'))).toBe(false);
    expect(env.model.chatRequests().some((r) => JSON.stringify(r.body).includes('and here?'))).toBe(false);
  });
});

describe('discord: free-response channels', () => {
  it('DISCORD_FREE_RESPONSE_CHANNELS: a message there needs no mention and is answered in place, not in a new thread', async () => {
    await startDiscordGateway(env, dc, { env: { ...ALLOW, DISCORD_FREE_RESPONSE_CHANNELS: dc.channelId } });
    env.model.script({ text: 'answered without a mention' });
    const said = dc.userSends({ userId: ALICE, channelId: dc.channelId, text: 'anyone there?' });
    await dc.waitFor(final(dc.channelId, 'answered without a mention'), 20_000, 'the reply in the channel');
    expect(dc.channel(said.id)).toBeUndefined();
    expect(lastUserText(env.model.chatRequests().at(-1)!.body)).toBe('anyone there?');
  });
});

describe('discord: delivery', () => {
  it('a 4,500-character reply with a code fence arrives in parts of at most 2,000 characters, each fence closed and reopened', async () => {
    await startDiscordGateway(env, dc, { env: ALLOW });
    const dm = dc.dmChannel(BOB);
    const code = Array.from({ length: 90 }, (_, i) => `console.log("line ${i} <ok> & fine");`).join('\n');
    const long = `Here is the script:\n\n\`\`\`js\n${code}\n\`\`\`\n\n${'All done. '.repeat(100)}`;
    expect(long.length).toBeGreaterThan(4000);
    env.model.script({ text: long });
    dc.userSends({ userId: BOB, text: 'write the long script' });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => /\(\d\/\d\)$/.test(m.content) && m.content.includes('All done.') && !m.content.includes('▉')), 20_000, 'the last part');
    const parts = dc.sentTo(dm).filter((m) => /\(\d\/\d\)$/.test(m.content));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const p of parts) {
      expect(p.content.length).toBeLessThanOrEqual(2000);
      expect(p.content.split('```').length % 2).toBe(1); // an even number of fences: every block is closed
    }
    const all = parts.map((p) => p.content).join('\n');
    for (let i = 0; i < 90; i++) expect(all.split(`line ${i} <ok> & fine`).length - 1).toBe(1);
  });

  it('429 (per route and global) and 502 on sends: waited out, every reply delivered once', async () => {
    await startDiscordGateway(env, dc, { env: ALLOW });
    const dm = dc.dmChannel(BOB);
    const route = 'POST /channels/:id/messages';
    dc.fail(route, { status: 429, retryAfter: 1 }, { status: 429, retryAfter: 1, global: true }, { status: 502 });
    env.model.script({ text: 'reply one' }, { text: 'reply two' });
    dc.userSends({ userId: BOB, text: 'one' });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'reply one'), 30_000, 'reply one');
    dc.userSends({ userId: BOB, text: 'two' });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'reply two'), 30_000, 'reply two');
    expect(dc.sentTo(dm).filter((m) => m.content === 'reply one')).toHaveLength(1);
    const sends = dc.calls.filter((c) => c.route === route && c.body.content === 'reply one');
    expect(sends.length).toBe(4);
    // Each rate limit was waited out before the next try.
    expect(sends[1].at - sends[0].at).toBeGreaterThanOrEqual(900);
    expect(sends[2].at - sends[1].at).toBeGreaterThanOrEqual(900);
  });

  it('the gateway connection drops mid-turn and a send loses its response: the status shows the reconnect, nothing lost, nothing answered twice', async () => {
    const g = await startDiscordGateway(env, dc, { env: ALLOW, extra: '  busy_mode: queue\n' });
    const vs = await attach(g);
    const dm = dc.dmChannel(ALICE);
    const resumes = dc.resumes;
    env.model.script(
      { when: (b: any) => lastUserText(b) === 'msg-1', text: Array.from({ length: 20 }, (_, i) => `slow${i} `), chunkDelayMs: 120 },
      { when: (b: any) => lastUserText(b) === 'msg-2', text: 'answer-2' },
    );
    // The first message the bot posts is created, but its response never arrives (the connection is cut).
    dc.fail('POST /channels/:id/messages', { dropAfter: true });
    dc.userSends({ userId: ALICE, text: 'msg-1' });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content.includes('slow')), 20_000, 'the first reply streaming');
    dc.dropSocket();
    dc.userSends({ userId: ALICE, text: 'msg-2' }); // sent while the bot is disconnected: replayed on RESUME
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'answer-2'), 30_000, 'answer-2');
    expect(dc.resumes).toBeGreaterThan(resumes);
    // discord.js resumed by itself; the status went through it and is ready again, with the cause kept.
    const changes = vs.of('gateway/statusChanged').filter((s) => s.platform === 'discord');
    const lost = changes.findIndex((s) => s.state === 'connecting' && /close code 1006/.test(s.lastError ?? ''));
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(changes.slice(lost).some((s) => s.state === 'ready')).toBe(true);
    expect((await vs.request('gateway/status', {})).platforms).toMatchObject([{ platform: 'discord', state: 'ready' }]);
    const cli = await runCli(['gateway', 'status'], { HERMES_HOME: g.home });
    expect(cli.stdout).toMatch(/^discord: ready for \d+s — last error: Discord gateway connection lost \(close code 1006\)$/m);
    vs.dispose();
    const first = dc.sentTo(dm).filter((m) => m.content.includes('slow'));
    expect(first).toHaveLength(1);
    expect(first[0].content).toContain('slow19');
    expect(first[0].content).not.toContain('▉');
    expect(dc.sentTo(dm).filter((m) => m.content === 'answer-2')).toHaveLength(1);
    expect(env.model.chatRequests().filter((r) => lastUserText(r.body) === 'msg-2')).toHaveLength(1);
    // The send whose response was lost went again with the same nonce, and Discord kept one message.
    const nonces = dc.calls.filter((c) => c.route === 'POST /channels/:id/messages' && c.body.nonce).map((c) => c.body.nonce);
    expect(nonces.length).toBeGreaterThan(new Set(nonces).size);
  });

  it('messages posted while the bot was away are fetched from history after a refused RESUME and after a restart', async () => {
    const g = await startDiscordGateway(env, dc, { env: ALLOW, extra: '  busy_mode: queue\n' });
    const dm = dc.dmChannel(BOB);
    const answer = (t: string) => ({ when: (b: any) => lastUserText(b) === t, text: `answer to ${t}` });
    env.model.script(answer('first'), answer('while-away'));
    dc.userSends({ userId: BOB, text: 'first' });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'answer to first'), 20_000, 'the first answer');

    // Discord unreachable for a while, then the old session is refused: what was said meanwhile is only in history.
    dc.acceptResume = false;
    dc.refuseConnections = true;
    dc.dropSocket();
    dc.userSends({ userId: BOB, text: 'while-away' });
    const identifies = dc.identifies;
    dc.refuseConnections = false;
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'answer to while-away'), 30_000, 'the answer to the missed message');
    expect(dc.identifies).toBeGreaterThan(identifies);
    expect(dc.calls.some((c) => c.route === 'GET /channels/:id/messages')).toBe(true);

    // Stopped; two messages arrive; started again: both answered, in order, the earlier ones not again.
    await g.host.kill('SIGTERM');
    dc.userSends({ userId: BOB, text: 'down-1' });
    dc.userSends({ userId: BOB, text: 'down-2' });
    env.model.script(answer('down-1'), answer('down-2'));
    await startDiscordGateway(env, dc, { home: g.home, env: ALLOW });
    await dc.waitFor(() => dc.sentTo(dm).find((m) => m.content === 'answer to down-2'), 30_000, 'the answers after the restart');
    const texts = dc.sentTo(dm).map((m) => m.content);
    for (const t of ['first', 'while-away', 'down-1', 'down-2']) expect(texts.filter((x) => x === `answer to ${t}`)).toHaveLength(1);
    expect(texts.indexOf('answer to down-1')).toBeLessThan(texts.indexOf('answer to down-2'));
    expect(env.model.chatRequests().filter((r) => lastUserText(r.body) === 'first')).toHaveLength(1);
    dc.acceptResume = true;
  });
});

describe('discord: one conversation across platforms', () => {
  it('/link on Telegram, the code entered on Discord: the conversation continues there and in VS Code; send_message reaches Discord\'s home channel; `pairing link` links from the CLI', async () => {
    const tg = await FakeTelegram.start();
    try {
      const TG_ALICE = 1001;
      const g = await startDiscordGateway(env, dc, { tg, env: { ...ALLOW, TELEGRAM_ALLOWED_USERS: `${TG_ALICE},3003` } });
      const dm = dc.dmChannel(ALICE);
      env.model.script({ text: 'Nice to meet you, Ada.' });
      tg.userSends({ userId: TG_ALICE, text: 'my name is Ada' });
      await tg.waitFor(() => tg.sentTo(TG_ALICE).find((m) => m.text.includes('Nice to meet you')), 20_000, 'the Telegram reply');

      const { code } = await telegramLinkCode(tg, TG_ALICE);
      // A wrong code links nothing.
      dc.userSends({ userId: ALICE, text: '/link ZZZZZZZZ' });
      await dc.waitFor(() => dc.sentTo(dm).find((m) => /unknown or expired/.test(m.content)), 15_000, 'the refusal');
      dc.userSends({ userId: ALICE, text: `/link ${code.toLowerCase()}` });
      await dc.waitFor(() => dc.sentTo(dm).find((m) => /Linked with your telegram account/.test(m.content)), 15_000, 'the link confirmation');

      // The Discord DM continues the Telegram conversation: the model sees what was said there.
      env.model.script({ text: 'You are Ada.' });
      dc.userSends({ userId: ALICE, text: 'what is my name?' });
      await dc.waitFor(final(dm, 'You are Ada.'), 20_000, 'the Discord reply');
      const seen = env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user').map((m) => m.content);
      expect(seen).toEqual(['my name is Ada', 'what is my name?']);

      // VS Code sees the same thread and continues it; the next chat message (on Telegram) follows on.
      const vs = await attach(g);
      const { threads } = await vs.request('thread/list', {});
      const shared = threads.filter((t) => t.source === 'telegram' || t.source === 'discord');
      expect(shared).toHaveLength(1);
      env.model.script({ text: 'from the editor' }, { text: 'back on telegram' });
      await vs.request('turn/start', { threadId: shared[0].id, input: [{ type: 'text', text: 'typed in vscode' }] });
      await vs.waitFor('turn/completed', (p) => p.threadId === shared[0].id);
      tg.userSends({ userId: TG_ALICE, text: 'and now?' });
      await tg.waitFor(() => tg.sentTo(TG_ALICE).find((m) => m.text === 'back on telegram'), 20_000, 'the Telegram reply after VS Code');
      expect(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
        'my name is Ada',
        'what is my name?',
        'typed in vscode',
        'and now?',
      ]);
      vs.dispose();

      // Discord's home channel, set with /sethome there, is a send_message target from the Telegram conversation.
      const bobDm = dc.dmChannel(BOB);
      dc.userSends({ userId: BOB, text: '/sethome' });
      await dc.waitFor(() => dc.sentTo(bobDm).find((m) => m.content.includes('home channel')), 15_000, 'the /sethome answer');
      env.model.script({ toolCalls: [{ name: 'send_message', arguments: { target: 'discord', message: 'Build **finished**' } }] }, { text: 'told discord' });
      tg.userSends({ userId: TG_ALICE, text: 'tell discord the build finished' });
      const prompt = await tg.waitFor(() => tg.sentTo(TG_ALICE).find((m) => m.text.includes('send to discord') && m.buttons), 20_000, 'the send approval');
      tg.tap({ userId: TG_ALICE, messageId: prompt.messageId, data: prompt.buttons![0][0].callback_data });
      await dc.waitFor(() => dc.sentTo(bobDm).find((m) => m.content === 'Build **finished**'), 20_000, 'the message on Discord');
      await tg.waitFor(() => tg.sentTo(TG_ALICE).find((m) => m.text === 'told discord'), 20_000, 'the reply');
      expect(String(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'tool').at(-1)?.content)).toBe(`Sent to discord:${bobDm}.`);

      // The owner links accounts from the command line: Bob's Discord DM continues his Telegram conversation.
      env.model.script({ text: 'hello bob' }, { text: 'you said you are bob' });
      tg.userSends({ userId: 3003, text: 'I am bob' });
      await tg.waitFor(() => tg.sentTo(3003).find((m) => m.text === 'hello bob'), 20_000, "Bob's Telegram reply");
      const linked = await runCli(['pairing', 'link', 'telegram:3003', `discord:${BOB}`], { HERMES_HOME: g.home });
      expect(linked.stdout).toBe(`linked telegram:3003 and discord:${BOB}\n`);
      const links = JSON.parse((await runCli(['pairing', 'links', '--json'], { HERMES_HOME: g.home })).stdout);
      expect(links).toHaveLength(2);
      dc.userSends({ userId: BOB, text: 'who am I?' });
      await dc.waitFor(() => dc.sentTo(bobDm).find((m) => m.content === 'you said you are bob'), 20_000, "Bob's Discord reply");
      expect(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['I am bob', 'who am I?']);
    } finally {
      await tg.close();
    }
  });
});
