// Slack on the gateway end to end: the built host started with --gateway, real @slack/bolt in Socket Mode against
// the fake Slack (Web API + WebSocket), the scripted model answering. One gateway serves most tests; the ones that
// break the connection or restart the host start their own.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { useE2E } from '../support/e2e-env';
import { FakeSlack, type SlackMessage } from '../support/fake-slack';
import { connectSocket, runCli, type HostProcess } from '../support/host-process';
import { startSlackGateway, type SlackGateway } from '../support/slack-gateway-env';
import { lastUserText, telegramLinkCode } from '../support/gateway-env';

vi.setConfig({ testTimeout: 90_000 });

const env = useE2E();
let slack: FakeSlack;
let shared: SlackGateway;
let sharedHost: HostProcess;

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL'; // not allowed: must pair
const DM = `D${ALICE}`;
const ws = join(homedir(), '.cache', 'hermes-host-tests', `slack-ws-${process.pid}`);

/** Final (not streaming) bot messages in a channel, progress lines left out. */
const finals = (channel: string) => slack.sentTo(channel).filter((m) => !m.text.includes('▉') && !m.text.startsWith('⚙'));

beforeAll(async () => {
  slack = await FakeSlack.start();
  mkdirSync(ws, { recursive: true });
  shared = await startSlackGateway(slack, env.model, {
    env: { SLACK_ALLOWED_USERS: `${ALICE},${BOB}` },
    // With an allow list, strangers are ignored unless the owner asks for pairing (here in Hermes's slack: block).
    extra: `terminal:\n  cwd: ${ws}\napprovals:\n  timeout: 3\nslack:\n  unauthorized_dm_behavior: pair\n`,
  });
  sharedHost = shared.host;
});
afterAll(async () => {
  await sharedHost?.kill('SIGTERM');
  await slack?.close();
  rmSync(ws, { recursive: true, force: true });
});
beforeEach(() => {
  slack.reset();
  // A test that failed half-way leaves its scripted replies behind; the next test starts from none.
  env.model.reset();
});

/**
 * Runs a test that starts a gateway of its own against a fake Slack of its own: one fake serves one app's socket,
 * and the shared gateway must keep its connection for the tests after this one.
 */
function ownSlack(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    const sharedSlack = slack;
    slack = await FakeSlack.start();
    try {
      await fn();
    } finally {
      const own = slack;
      slack = sharedSlack;
      await own.close();
    }
  };
}

describe('slack: access and conversations', () => {
  it('an unknown user gets a pairing code; after `pairing approve` a conversation runs a tool and the reply is mrkdwn', async () => {
    slack.userSends({ user: CAROL, text: 'hello' });
    const codeMsg = await slack.waitFor(() => slack.sentTo(`D${CAROL}`).find((m) => /pairing code is ([A-Z2-9]{8})/.test(m.text)), 15_000, 'a pairing code');
    const code = /pairing code is ([A-Z2-9]{8})/.exec(codeMsg.text)![1];
    const approve = await runCli(['pairing', 'approve', 'slack', code], { HERMES_HOME: shared.home });
    expect(approve.stdout).toContain(`approved slack user ${CAROL}`);
    expect(env.model.chatRequests().some((r) => JSON.stringify(r.body).includes('hello'))).toBe(false);

    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'echo tool-ran-$((6*7))' } }] }, { text: 'It printed **tool-ran-42** for `a<b && c>d`.' });
    slack.userSends({ user: CAROL, text: 'run the echo & tell me <really>' });
    const reply = await slack.waitFor(() => finals(`D${CAROL}`).find((m) => m.text.includes('tool-ran-42')), 20_000, 'the reply');
    // Bold became Slack's *b*; the three markup characters are escaped everywhere, code included.
    expect(reply.text).toBe('It printed *tool-ran-42* for `a&lt;b &amp;&amp; c&gt;d`.');
    expect(reply.mrkdwn).toBe(true);
    const toolResult = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool');
    expect(String(toolResult?.content)).toContain('tool-ran-42');
    // What the user typed reached the model as typed (Slack's &amp; &lt; &gt; undone).
    expect(lastUserText(env.model.chatRequests().at(-2)!.body)).toBe('run the echo & tell me <really>');
    // The DM got its replies at the top level (no thread), and the user's name came from users.info.
    expect(reply.threadTs).toBeUndefined();
    const vs = await connectSocket(shared.socket);
    await vs.initialize({ name: 'vscode-test' });
    const { threads } = await vs.request('thread/list', {});
    expect(threads.find((t) => t.source === 'slack')?.title).toBe(`slack: Name${CAROL}`);
    const status = await vs.request('gateway/status', {});
    expect(status.platforms).toMatchObject([{ platform: 'slack', state: 'ready' }]);
    vs.dispose();
  });

  it('in a channel: silent without a mention; a mention starts a thread, replies stay in it, and the thread continues without a new mention', async () => {
    const C = 'C0GENERAL';
    slack.userSends({ user: ALICE, channel: C, channelType: 'channel', text: 'just chatting' });
    env.model.script({ text: 'hi from the thread' }, { text: 'still in the thread' });
    // One mention arrives twice (message + app_mention events): it is answered once.
    const root = slack.userSends({ user: ALICE, channel: C, channelType: 'channel', text: 'what is up?', mention: true });
    const first = await slack.waitFor(() => finals(C).find((m) => m.text === 'hi from the thread'), 20_000, 'the threaded reply');
    expect(first.threadTs).toBe(root);
    expect(lastUserText(env.model.chatRequests().at(-1)!.body)).toBe('what is up?');
    slack.userSends({ user: BOB, channel: C, channelType: 'channel', text: 'and what about tests?', threadTs: root });
    const second = await slack.waitFor(() => finals(C).find((m) => m.text === 'still in the thread'), 20_000, 'the follow-up reply');
    expect(second.threadTs).toBe(root);
    // The thread is one conversation: the model saw both messages.
    expect(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user')).toHaveLength(2);
    expect(env.model.chatRequests().some((r) => JSON.stringify(r.body).includes('just chatting'))).toBe(false);
    expect(finals(C).filter((m) => m.text === 'hi from the thread')).toHaveLength(1);
  });

  it('a shared file is downloaded with the bot token, saved to the thread folder and named in the message', async () => {
    env.model.script({ text: 'got the file' });
    slack.userSends({ user: ALICE, text: 'summarise this', file: { name: 'notes.txt', mimetype: 'text/plain', data: Buffer.from('the notes') } });
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'got the file'), 20_000, 'the file reply');
    const seen = lastUserText(env.model.chatRequests().at(-1)!.body);
    expect(seen.startsWith('summarise this')).toBe(true);
    const path = /saved as (\S+?)\]/.exec(seen)![1];
    expect(path.startsWith(join(ws, 'chat-files'))).toBe(true);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8')).toBe('the notes');
  });

  it('`/hermes status` and `/hermes help` run the gateway commands; the envelope is acked', async () => {
    const envId = slack.slash({ user: ALICE, text: 'status' });
    const st = await slack.waitFor(() => slack.sentTo(DM).find((m) => m.text.includes('Platforms: slack: ready')), 15_000, 'the status answer');
    expect(st.text).toMatch(/State: idle/);
    expect(slack.acks.has(envId)).toBe(true);
    slack.slash({ user: ALICE, text: '' });
    const help = await slack.waitFor(() => slack.sentTo(DM).find((m) => m.text.startsWith('Commands:')), 15_000, 'the help answer');
    // Listed as they are typed on Slack: through the app's slash command.
    expect(help.text).toContain('\n/hermes approve — ');
    expect(help.text).not.toMatch(/^\/approve/m);
  });
});

const rm = (dir: string) => ({ name: 'terminal', arguments: { command: `rm -rf ${dir} && echo removed-${dir}` } });
const buttonsOf = (m: SlackMessage) => (m.blocks ?? []).flatMap((b: any) => (b.type === 'actions' ? b.elements : []));

describe('slack: approvals as Block Kit buttons', () => {
  it('Allow once runs the command, /hermes deny does not, a stranger is refused, and a tap after expiry says expired', async () => {
    for (const d of ['dropme', 'keepme', 'late']) mkdirSync(join(ws, d), { recursive: true });
    const prompt = async (dir: string) => slack.waitFor(() => slack.sentTo(DM).find((m) => m.text.includes(`rm -rf ${dir}`) && m.blocks), 20_000, `the prompt for ${dir}`);

    env.model.script({ toolCalls: [rm('dropme')] }, { text: 'removed it' });
    slack.userSends({ user: ALICE, text: 'remove dropme' });
    let p = await prompt('dropme');
    expect(buttonsOf(p).map((b: any) => b.text.text)).toEqual(['Allow once', 'Allow for session', 'Always allow', 'Deny']);
    // Plain text in the prompt is escaped for Slack (the command holds `&&`).
    expect(p.text).toContain('rm -rf dropme &amp;&amp; echo');
    // The typed answers are named as Slack takes them (a message starting with `/approve` never reaches the app).
    expect(p.text).toContain('/hermes approve session');
    expect(p.text).not.toMatch(/or \/approve/);
    slack.tap({ user: BOB, message: p, button: buttonsOf(p)[0] });
    await slack.waitFor(() => slack.ephemerals.find((e) => e.user === BOB && /Only the user/.test(e.text)), 10_000, 'the refusal');
    slack.tap({ user: ALICE, message: p, button: buttonsOf(p)[0] });
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'removed it'), 20_000, 'the reply after approval');
    expect(existsSync(join(ws, 'dropme'))).toBe(false);
    p = await slack.waitFor(() => slack.sentTo(DM).find((m) => m.ts === p.ts && /Approved once by NameU0ALICE/.test(m.text)), 10_000, 'the approved edit');
    expect(p.blocks).toBeUndefined();

    env.model.script({ toolCalls: [rm('keepme')] }, { text: 'ok, left it' });
    slack.userSends({ user: ALICE, text: 'remove keepme' });
    await prompt('keepme');
    slack.slash({ user: ALICE, text: 'deny' });
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'ok, left it'), 20_000, 'the reply after deny');
    expect(existsSync(join(ws, 'keepme'))).toBe(true);

    env.model.script({ toolCalls: [rm('late')] }, { text: 'it timed out' });
    slack.userSends({ user: ALICE, text: 'remove late' });
    const late = await prompt('late');
    const lateButton = buttonsOf(late)[0];
    await slack.waitFor(() => slack.sentTo(DM).find((m) => m.ts === late.ts && /Expired/.test(m.text)), 20_000, 'the expiry edit');
    slack.tap({ user: ALICE, message: late, button: lateButton });
    const answer = await slack.waitFor(() => slack.ephemerals.find((e) => e.user === ALICE && /Expired/.test(e.text)), 10_000, 'the expired answer');
    expect(answer.text).not.toMatch(/Approved/);
    expect(existsSync(join(ws, 'late'))).toBe(true);
  });
});

describe('slack: delivery', () => {
  it('a reply longer than 39,000 characters arrives in parts that each fit, with code fences closed and reopened', async () => {
    const code = Array.from({ length: 900 }, (_, i) => `console.log("line ${i} <ok> & fine"); // ${'x'.repeat(20)}`).join('\n');
    const long = `Here is the script:\n\n\`\`\`js\n${code}\n\`\`\`\n\n${'All done. '.repeat(400)}`;
    expect(long.length).toBeGreaterThan(50_000);
    env.model.script({ text: long.match(/[\s\S]{1,4000}/g)! });
    slack.userSends({ user: ALICE, text: 'write the long script' });
    await slack.waitFor(() => finals(DM).find((m) => /\(\d\/\d\)$/.test(m.text) && m.text.includes('All done.')), 30_000, 'the last part');
    const parts = finals(DM).filter((m) => /\(\d\/\d\)$/.test(m.text));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(39_000);
      // Fences come in pairs in every part, and carry no language tag (Slack would print it).
      expect(part.text.split('```').length % 2).toBe(1);
      expect(part.text).not.toContain('```js');
    }
    const all = parts.map((x) => x.text).join('\n');
    for (let i = 0; i < 900; i++) expect(all.split(`line ${i} &lt;ok&gt; &amp; fine`).length - 1).toBe(1);
  });

  it('a reply with more parts than gateway.max_parts arrives as a file through Slack\'s upload flow', ownSlack(async () => {
    const g = await startSlackGateway(slack, env.model, { env: { SLACK_ALLOWED_USERS: ALICE }, extra: '  max_parts: 1\n', start: env.start });
    const long = Array.from({ length: 2200 }, (_, i) => `row ${i} of the report`).join('\n');
    env.model.script({ text: long.match(/[\s\S]{1,8000}/g)! });
    slack.userSends({ user: ALICE, text: 'the full report please' });
    const file = await slack.waitFor(() => slack.files.find((f) => f.shared && f.name === 'reply.md'), 30_000, 'the shared file');
    expect(file.channel).toBe(DM);
    expect(file.data!.toString('utf8')).toBe(long);
    await slack.waitFor(() => finals(DM).find((m) => /comes as a file/.test(m.text)), 10_000, 'the note about the file');
    await g.host.kill('SIGTERM');
  }));

  it('429 with Retry-After and 502 from the Web API: every reply is delivered once', async () => {
    env.model.script({ text: 'first answer' }, { text: 'second answer' });
    // The fake keeps every call of the file's earlier tests: look only at this test's posts to Bob.
    const t0 = Date.now();
    slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 502 });
    slack.userSends({ user: BOB, text: 'one' });
    await slack.waitFor(() => finals(`D${BOB}`).find((m) => m.text === 'first answer'), 20_000, 'the first answer');
    const limited = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.at >= t0 && c.params.channel === `D${BOB}`);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    // The retry of the message that got the 429 waited for Retry-After. (Another message of the same reply, e.g.
    // the streaming placeholder's successor, may be posted in between: match the retry by its content.)
    const [first] = limited;
    const retry = limited.find((c, i) => i > 0 && c.params.channel === first.params.channel && c.params.text === first.params.text);
    expect(retry, 'the retried message').toBeDefined();
    expect(retry!.at - first.at).toBeGreaterThanOrEqual(950);
    slack.fail('chat.postMessage', { error: 'ratelimited' });
    slack.userSends({ user: BOB, text: 'two' });
    await slack.waitFor(() => finals(`D${BOB}`).find((m) => m.text === 'second answer'), 20_000, 'the second answer');
    expect(finals(`D${BOB}`).filter((m) => m.text === 'first answer')).toHaveLength(1);
    expect(finals(`D${BOB}`).filter((m) => m.text === 'second answer')).toHaveLength(1);
  });

  it('an envelope Slack sends again (same event, retry_attempt 1) is answered once', async () => {
    env.model.script({ text: 'only once' });
    const ts = slack.userSends({ user: BOB, text: 'say it once' });
    await slack.waitFor(() => finals(`D${BOB}`).find((m) => m.text === 'only once'), 20_000, 'the answer');
    const [envId] = slack.envelopesFor(ts);
    expect(slack.acks.has(envId)).toBe(true);
    slack.redeliver(envId);
    await slack.waitFor(() => slack.calls.filter((c) => c.method === 'ws:ack' && c.params.envelope_id === envId).length >= 2, 10_000, 'the second ack');
    // Give a wrongly re-run turn the chance to show up before checking it did not.
    slack.userSends({ user: BOB, text: 'marker' });
    env.model.script({ text: 'marker answer' });
    await slack.waitFor(() => finals(`D${BOB}`).find((m) => m.text === 'marker answer'), 20_000, 'the marker answer');
    expect(finals(`D${BOB}`).filter((m) => m.text === 'only once')).toHaveLength(1);
    expect(env.model.chatRequests().filter((r) => lastUserText(r.body) === 'say it once')).toHaveLength(1);
  });
});

describe('slack: a connection that breaks', () => {
  it('a socket dropped mid-turn: the turn finishes, messages sent meanwhile arrive after the reconnect (resent by Slack: no history read), none lost or answered twice', ownSlack(async () => {
    env.model.script({ text: Array.from({ length: 20 }, (_, i) => `slow${i} `), chunkDelayMs: 100 }, { text: 'answer to while-down' });
    const g = await startSlackGateway(slack, env.model, { env: { SLACK_ALLOWED_USERS: ALICE }, extra: '  busy_mode: queue\n', start: env.start });
    slack.userSends({ user: ALICE, text: 'long one' });
    await slack.waitFor(() => slack.sentTo(DM).find((m) => m.text.includes('slow')), 20_000, 'the reply streaming');
    const before = slack.connections;
    // The first reconnect finds apps.connections.open failing (bolt's own loop would die here); the next one works.
    slack.fail('apps.connections.open', { status: 502 });
    const t0 = Date.now();
    slack.dropSocket();
    // Sent while the socket is down: Slack keeps it until a connection is back.
    slack.userSends({ user: ALICE, text: 'while-down' });
    await slack.waitFor(() => slack.connections > before && slack.connected, 20_000, 'the reconnect');
    expect(slack.calls.filter((c) => c.method === 'apps.connections.open' && c.at >= t0).length).toBeGreaterThanOrEqual(2);
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'answer to while-down'), 20_000, 'the answer to the queued message');
    const long = finals(DM).find((m) => m.text.includes('slow0'))!;
    expect(long.text).toContain('slow19');
    expect(finals(DM).filter((m) => m.text.includes('slow0'))).toHaveLength(1);
    expect(finals(DM).filter((m) => m.text === 'answer to while-down')).toHaveLength(1);
    expect(env.model.chatRequests().filter((r) => lastUserText(r.body) === 'while-down')).toHaveLength(1);
    // Back within Slack's resend window (Slack sent the envelope again): no history was read.
    expect(slack.calls.filter((c) => c.method.startsWith('conversations.'))).toEqual([]);
    await g.host.kill('SIGTERM');
  }));

  it('killed with -9 mid-turn and restarted: the interrupted message, those sent while down and those Slack gave up delivering (read back from history) are each answered once, in order; a channel thread from before still needs no mention', ownSlack(async () => {
    const g = await startSlackGateway(slack, env.model, { env: { SLACK_ALLOWED_USERS: ALICE }, extra: '  busy_mode: queue\n', start: env.start });
    const C = 'C0TEAM';
    env.model.script({ when: (b: any) => lastUserText(b) === 'start a thread', text: 'thread started' });
    const root = slack.userSends({ user: ALICE, channel: C, channelType: 'channel', text: 'start a thread', mention: true });
    await slack.waitFor(() => finals(C).find((m) => m.text === 'thread started'), 20_000, 'the threaded reply');
    env.model.script({ when: (b: any) => lastUserText(b) === 'msg-1', text: Array.from({ length: 40 }, () => 'x '), chunkDelayMs: 200 });
    slack.userSends({ user: ALICE, text: 'msg-1' });
    await slack.waitFor(() => env.model.chatRequests().some((r) => lastUserText(r.body) === 'msg-1'), 20_000, 'msg-1 reaching the model');
    await g.host.kill('SIGKILL');
    // Slack holds these until a connection is back.
    slack.userSends({ user: ALICE, text: 'msg-2' });
    slack.userSends({ user: ALICE, text: 'msg-3' });
    // These Slack stopped retrying before the gateway came back: only the history has them.
    slack.userSends({ user: ALICE, text: 'msg-4', deliver: false });
    slack.userSends({ user: ALICE, channel: C, channelType: 'channel', text: 'written in the thread while away', threadTs: root, deliver: false });
    const answer = (n: number) => ({ when: (b: any) => lastUserText(b) === `msg-${n}`, text: `answer-${n}` });
    env.model.script(answer(1), answer(2), answer(3), answer(4), { when: (b: any) => lastUserText(b) === 'written in the thread while away', text: 'thread caught up' });
    // The first read of history fails: that connection ends and the next one reads it again, waiting out a rate
    // limit in place (ending the connection would only read everything again into the same limit).
    slack.fail('conversations.history', { status: 502 }, { status: 429, retryAfter: 1 });
    const connectionsBefore = slack.connections;
    await startSlackGateway(slack, env.model, { home: g.home, env: { SLACK_ALLOWED_USERS: ALICE }, start: env.start });
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'answer-4'), 30_000, 'answer-4');
    const caughtUp = await slack.waitFor(() => finals(C).find((m) => m.text === 'thread caught up'), 30_000, 'the thread reply read back');
    expect(caughtUp.threadTs).toBe(root);
    const texts = finals(DM).map((m) => m.text);
    for (const n of [1, 2, 3, 4]) expect(texts.filter((t) => t === `answer-${n}`)).toHaveLength(1);
    const at = [1, 2, 3, 4].map((n) => texts.indexOf(`answer-${n}`));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(finals(C).filter((m) => m.text === 'thread caught up')).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'conversations.history').length).toBeGreaterThanOrEqual(3);
    expect(slack.connections - connectionsBefore).toBe(2);
    expect(slack.calls.some((c) => c.method === 'conversations.replies')).toBe(true);
    // The restarted gateway still knows it takes part in the thread: a follow-up there without a mention is answered.
    env.model.script({ text: 'follow-up answered' });
    slack.userSends({ user: ALICE, channel: C, channelType: 'channel', text: 'and a follow-up', threadTs: root });
    const followUp = await slack.waitFor(() => finals(C).find((m) => m.text === 'follow-up answered'), 20_000, 'the follow-up reply');
    expect(followUp.threadTs).toBe(root);
    expect(env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['start a thread', 'written in the thread while away', 'and a follow-up']);
  }));

  it('a socket that stops answering pings is replaced; the status shows it, and a message sent meanwhile is answered once', ownSlack(async () => {
    const g = await startSlackGateway(slack, env.model, { env: { SLACK_ALLOWED_USERS: ALICE }, start: env.start });
    const vs = await connectSocket(g.socket);
    await vs.initialize({ name: 'vscode-test' });
    const before = slack.connections;
    slack.stall();
    env.model.script({ text: 'answered after the stall' });
    slack.userSends({ user: ALICE, text: 'are you there?' });
    await slack.waitFor(() => slack.connections > before && slack.connected, 20_000, 'a new connection');
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'answered after the stall'), 20_000, 'the answer');
    const states = vs.of('gateway/statusChanged').map((s) => s.state);
    expect(states).toContain('backing-off');
    expect((await vs.request('gateway/status', {})).platforms[0]).toMatchObject({ platform: 'slack', state: 'ready' });
    expect(finals(DM).filter((m) => m.text === 'answered after the stall')).toHaveLength(1);
    // Slack recycling its server (`disconnect` message): the gateway reconnects and keeps answering.
    const n = slack.connections;
    slack.sendDisconnect('refresh_requested');
    await slack.waitFor(() => slack.connections > n && slack.connected, 20_000, 'the reconnect after a disconnect request');
    env.model.script({ text: 'after the refresh' });
    slack.userSends({ user: ALICE, text: 'still there?' });
    await slack.waitFor(() => finals(DM).find((m) => m.text === 'after the refresh'), 20_000, 'the answer after the refresh');
    vs.dispose();
  }));
});

describe('slack: one conversation across platforms', () => {
  it('/link on Telegram, `/hermes link CODE` on Slack: the Slack DM and VS Code continue the Telegram conversation; `pairing link` links Bob from the CLI', ownSlack(async () => {
    const { FakeTelegram } = await import('../support/fake-telegram');
    const tg = await FakeTelegram.start();
    try {
      const TG_ALICE = 1001;
      const TG_BOB = 3003;
      const g = await startSlackGateway(slack, env.model, {
        env: { SLACK_ALLOWED_USERS: `${ALICE},${BOB}`, TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_ALLOWED_USERS: `${TG_ALICE},${TG_BOB}` },
        extra: '  telegram:\n    poll_timeout: 1\n',
        start: env.start,
      });
      env.model.script({ text: 'Nice to meet you, Ada.' });
      tg.userSends({ userId: TG_ALICE, text: 'my name is Ada' });
      await tg.waitFor(() => tg.sentTo(TG_ALICE).find((m) => m.text.includes('Nice to meet you')), 20_000, 'the Telegram reply');

      const { code, text: codeText } = await telegramLinkCode(tg, TG_ALICE);
      // The code's message says how to enter it on Slack, where a message cannot start with /link.
      expect(codeText).toContain(`on slack: /hermes link ${code}`);
      // In a channel, /link is refused (anyone there could read the code), and the refusal names Slack's form.
      slack.slash({ user: ALICE, channel: 'C0GENERAL', text: 'link' });
      await slack.waitFor(() => slack.sentTo('C0GENERAL').find((m) => m.text === 'Send /hermes link to me in a direct message.'), 15_000, 'the refusal in the channel');
      slack.slash({ user: ALICE, text: 'link ZZZZZZZZ' });
      await slack.waitFor(() => finals(DM).find((m) => /unknown or expired/.test(m.text)), 15_000, 'the wrong code refused');
      slack.slash({ user: ALICE, text: `link ${code.toLowerCase()}` });
      await slack.waitFor(() => finals(DM).find((m) => /Linked with your telegram account/.test(m.text)), 15_000, 'the link confirmation');

      // The Slack DM continues the Telegram conversation.
      env.model.script({ text: 'You are Ada.' });
      slack.userSends({ user: ALICE, text: 'what is my name?' });
      await slack.waitFor(() => finals(DM).find((m) => m.text === 'You are Ada.'), 20_000, 'the Slack reply');
      const users = () => env.model.chatRequests().at(-1)!.body.messages.filter((m) => m.role === 'user').map((m) => m.content);
      expect(users()).toEqual(['my name is Ada', 'what is my name?']);

      // VS Code sees one shared thread and continues it; the next Slack message follows on.
      const vs = await connectSocket(g.socket);
      await vs.initialize({ name: 'vscode-test' });
      const { threads } = await vs.request('thread/list', {});
      const chats = threads.filter((t) => t.source === 'telegram' || t.source === 'slack');
      expect(chats).toHaveLength(1);
      env.model.script({ text: 'from the editor' }, { text: 'back on slack' });
      await vs.request('turn/start', { threadId: chats[0].id, input: [{ type: 'text', text: 'typed in vscode' }] });
      await vs.waitFor('turn/completed', (p) => p.threadId === chats[0].id);
      slack.userSends({ user: ALICE, text: 'and now?' });
      await slack.waitFor(() => finals(DM).find((m) => m.text === 'back on slack'), 20_000, 'the Slack reply after VS Code');
      expect(users()).toEqual(['my name is Ada', 'what is my name?', 'typed in vscode', 'and now?']);
      vs.dispose();

      // The owner links Bob's accounts from the command line: his Slack DM continues his Telegram conversation.
      env.model.script({ text: 'hello bob' }, { text: 'you said you are bob' });
      tg.userSends({ userId: TG_BOB, text: 'I am bob' });
      await tg.waitFor(() => tg.sentTo(TG_BOB).find((m) => m.text === 'hello bob'), 20_000, "Bob's Telegram reply");
      const linked = await runCli(['pairing', 'link', `telegram:${TG_BOB}`, `slack:${BOB}`], { HERMES_HOME: g.home });
      expect(linked.stdout, linked.stderr).toBe(`linked telegram:${TG_BOB} and slack:${BOB}\n`);
      slack.userSends({ user: BOB, text: 'who am I?' });
      await slack.waitFor(() => finals(`D${BOB}`).find((m) => m.text === 'you said you are bob'), 20_000, "Bob's Slack reply");
      expect(users()).toEqual(['I am bob', 'who am I?']);
      await g.host.kill('SIGTERM');
    } finally {
      await tg.close();
    }
  }));
});
