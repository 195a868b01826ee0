// Discord on the gateway end to end: the built host started with --gateway, real discord.js connected to the fake
// Discord (REST + gateway WebSocket), the scripted model answering. Pairing, guild threads, approvals as buttons,
// long replies, rate limits, a dropped connection mid-turn, history backfill after reconnects and restarts, and a
// conversation continued across Telegram, Discord and VS Code after linking.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { FakeDiscord } from '../support/fake-discord';
import { runCli } from '../support/host-process';
import { attach, lastUserText } from '../support/gateway-env';
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
  });
});
