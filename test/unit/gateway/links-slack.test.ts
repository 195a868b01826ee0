// Linking with Slack: a Slack DM's chat id is a channel (D…), not the user's id as on Telegram, so finding a linked
// person's earlier conversation goes by the user id kept on the session. `/hermes link CODE` is the way a code
// reaches the gateway from Slack. A thread inside a DM and a channel thread stay their own conversations.
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { GatewayStore } from '../../../server/gateway/store';
import { Links } from '../../../server/gateway/links';
import { Conversations } from '../../../server/gateway/conversation';
import { messageEnvelope, slashEnvelope } from '../../../server/gateway/slack/events';
import { parseCommand } from '../../../server/gateway/commands';
import type { InboundEnvelope } from '../../../server/gateway/adapter';

let db: Database.Database;
let store: GatewayStore;
let links: Links;
let conv: Conversations;
let started: string[];

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
  store = new GatewayStore(db);
  links = new Links(db);
  started = [];
  // The host side of Conversations, reduced to what choosing a thread needs.
  const port = {
    config: () => ({ gateway: { edit_interval_ms: 200, group_sessions_per_user: false } }),
    on: () => () => {},
    startThread: () => {
      const id = `thread-${started.length + 1}`;
      started.push(id);
      return id;
    },
    current: (id: string) => id,
  };
  conv = new Conversations(port as any, store, {} as any, links);
});

const me = { botUserId: 'UBOT' };
const slackDm = (text: string, extra: Partial<Parameters<typeof messageEnvelope>[0]> = {}): InboundEnvelope =>
  messageEnvelope({ type: 'message', channel: 'DU0ALICE', channel_type: 'im', user: 'U0ALICE', text, ts: `${Date.now()}.000100`, ...extra }, me, 1, () => false)!;
const tgDm = (text: string): InboundEnvelope => ({ platform: 'telegram', cursor: 1, chatId: '1001', chatType: 'dm', userId: '1001', userName: 'Ada', messageId: '5', text, attachments: [], mentioned: true });

describe('linking a Slack account', () => {
  it('a code shown on Slack and entered on Telegram: Telegram continues the Slack DM conversation (found by user id)', () => {
    const slackThread = conv.thread(slackDm('my name is Ada'));
    expect(started).toEqual([slackThread]);
    // The Slack DM's chat id is not the user's id: the session carries the user.
    expect(store.dmThreadOf('slack', 'U0ALICE')).toBe(slackThread);

    const { code } = links.issue({ platform: 'slack', userId: 'U0ALICE' });
    const { person, issuer } = links.redeem(code, { platform: 'telegram', userId: '1001' });
    expect(issuer).toEqual({ platform: 'slack', userId: 'U0ALICE' });
    expect(conv.adoptLinked(person, tgDm('x'), issuer)).toBe(slackThread);
    expect(conv.thread(tgDm('what is my name?'))).toBe(slackThread);
    expect(conv.thread(slackDm('and on slack again'))).toBe(slackThread);
    expect(started).toHaveLength(1);
  });

  it('a thread inside the Slack DM, and a channel thread, stay their own conversations after linking', () => {
    links.link({ platform: 'slack', userId: 'U0ALICE' }, { platform: 'telegram', userId: '1001' });
    const shared = conv.thread(tgDm('hello'));
    const inDmThread = slackDm('side topic', { ts: '1700000000.000200', thread_ts: '1700000000.000100' });
    expect(inDmThread.threadId).toBe('1700000000.000100');
    expect(conv.thread(inDmThread)).not.toBe(shared);
    const inChannel = messageEnvelope(
      { type: 'message', channel: 'C0TEAM', channel_type: 'channel', user: 'U0ALICE', text: '<@UBOT> question', ts: '1700000001.000100' },
      me,
      2,
      () => false,
    )!;
    expect(conv.thread(inChannel)).not.toBe(shared);
    expect(conv.thread(slackDm('top level DM'))).toBe(shared);
  });

  it('`/hermes link CODE` becomes the gateway\'s /link command; bare `/hermes link` asks for a code', () => {
    const withCode = slashEnvelope({ command: '/hermes', text: 'link abcd2345', user_id: 'U0ALICE', channel_id: 'DU0ALICE', trigger_id: 't1' }, 3);
    expect(withCode).toMatchObject({ chatType: 'dm', text: '/link abcd2345', userId: 'U0ALICE' });
    expect(parseCommand(withCode.text)).toMatchObject({ cmd: { command: 'link' }, args: 'abcd2345' });
    const bare = slashEnvelope({ command: '/hermes', text: '/link', user_id: 'U0ALICE', channel_id: 'DU0ALICE', trigger_id: 't2' }, 4);
    expect(parseCommand(bare.text)).toMatchObject({ cmd: { command: 'link' }, args: '' });
    // Typed in a channel: not a DM, so the gateway refuses to show a code there.
    expect(slashEnvelope({ command: '/hermes', text: 'link', user_id: 'U0ALICE', channel_id: 'C0TEAM', trigger_id: 't3' }, 5).chatType).toBe('channel');
  });
});
