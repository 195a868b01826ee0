// The gateway end to end: the built host started with --gateway, real grammy polling the fake Telegram Bot API,
// the scripted model answering. Pairing, access, conversations with tools, approvals in chat, busy modes, long
// replies, platform faults and a kill -9 in the middle of a conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { FakeTelegram } from '../support/fake-telegram';
import { runCli } from '../support/host-process';
import { attach, lastUserText, startGateway } from '../support/gateway-env';

const env = useE2E();
let tg: FakeTelegram;

beforeAll(async () => {
  tg = await FakeTelegram.start();
});
afterAll(async () => {
  await tg?.close();
});

const ALICE = 1001;
const userReplies = (chat: number) => tg.sentTo(chat).filter((m) => !m.text.startsWith('⚙'));

describe('gateway: access', () => {
  it('an unknown user gets a pairing code; after `pairing approve` the conversation runs a tool; unknown users in groups get nothing', async () => {
    const g = await startGateway(env, tg);
    tg.userSends({ userId: ALICE, text: 'hello' });
    const codeMsg = await tg.waitFor(() => tg.sentTo(ALICE).find((m) => /pairing code is ([A-Z2-9]{8})/.test(m.text)), 15_000, 'a pairing code');
    const code = /pairing code is ([A-Z2-9]{8})/.exec(codeMsg.text)![1];
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    // The model never saw the unknown user's message.
    expect(env.model.chatRequests()).toHaveLength(0);

    // A stranger in a group gets nothing at all, not even a code.
    tg.userSends({ userId: 2002, chatId: -500, chatType: 'group', text: `@${tg.botUsername} hi` });

    const approve = await runCli(['pairing', 'approve', 'telegram', code.toLowerCase()], { HERMES_HOME: g.home });
    expect(approve.stderr).toBe('');
    expect(approve.stdout).toContain(`approved telegram user ${ALICE}`);
    const list = await runCli(['pairing', 'list', '--json'], { HERMES_HOME: g.home });
    expect(JSON.parse(list.stdout).approved).toMatchObject([{ platform: 'telegram', userId: String(ALICE) }]);

    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'echo tool-ran-$((6*7))' } }] }, { text: 'The command printed **tool-ran-42**.' });
    tg.userSends({ userId: ALICE, text: 'run the echo please' });
    const reply = await tg.waitFor(() => tg.sentTo(ALICE).find((m) => m.text.includes('tool-ran-42') && !m.text.includes('▉')), 20_000, 'the reply');
    expect(reply.parseMode).toBe('HTML');
    expect(reply.text).toContain('<b>tool-ran-42</b>');
    const toolResult = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool');
    expect(String(toolResult?.content)).toContain('tool-ran-42');
    expect(lastUserText(env.model.chatRequests()[0].body)).toBe('run the echo please');
    expect(tg.sentTo(-500)).toHaveLength(0);
    // The command menu was set from the same list the gateway dispatches on.
    expect(tg.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['new', 'stop', 'approve', 'deny', 'sethome', 'retry', 'undo', 'status', 'help']));

    // The same thread is visible to an editor attached to the gateway's socket.
    const vs = await attach(g);
    const { threads } = await vs.request('thread/list', {});
    const t = threads.find((x) => x.source === 'telegram')!;
    const read = await vs.request('thread/read', { threadId: t.id });
    expect(read.items.some((i) => i.type === 'agentMessage' && i.text.includes('tool-ran-42'))).toBe(true);
    const status = await vs.request('gateway/status', {});
    expect(status.platforms).toMatchObject([{ platform: 'telegram', state: 'ready' }]);
    vs.dispose();
  });
});
