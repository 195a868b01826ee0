import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { GatewayStore, DEDUPE_WINDOW_MS } from '../../../server/gateway/store';
import type { InboundEnvelope } from '../../../server/gateway/adapter';
import { accessPolicy, inScope, isAllowed, sessionKey, addressed } from '../../../server/gateway/routing';

const env = (o: Partial<InboundEnvelope>): InboundEnvelope => ({
  platform: 'telegram',
  cursor: 1,
  chatId: '10',
  chatType: 'dm',
  userId: '10',
  userName: 'u',
  messageId: '1',
  text: 'hi',
  attachments: [],
  mentioned: false,
  ...o,
});

describe('gateway store', () => {
  it('records a message once (dedupe by platform/chat/message id) and moves the offset past the whole batch', () => {
    const db = new Database(':memory:');
    migrate(db);
    const s = new GatewayStore(db);
    expect(s.recordInbound('telegram', [env({ cursor: 5 })], 8)).toHaveLength(1);
    expect(s.offset('telegram')).toBe(8);
    // The same message delivered again under a new update id is ignored.
    expect(s.recordInbound('telegram', [env({ cursor: 9 })], 10)).toHaveLength(0);
    expect(s.offset('telegram')).toBe(10);
    // The offset never moves backwards.
    s.setOffset('telegram', 3);
    expect(s.offset('telegram')).toBe(10);
    expect(s.pendingInbound('telegram')).toHaveLength(1);
    const [row] = s.pendingInbound('telegram');
    s.markInbound(row.id, 'done');
    expect(s.pendingInbound('telegram')).toHaveLength(0);
    // Handled keys are kept for the dedupe window, then pruned.
    expect(s.pruneInbound(Date.now())).toBe(0);
    expect(s.pruneInbound(Date.now() + DEDUPE_WINDOW_MS + 1)).toBe(1);
  });

  it('sessions follow a compacted thread', () => {
    const db = new Database(':memory:');
    migrate(db);
    const s = new GatewayStore(db);
    s.setSession('k', 'telegram', '10', 'thr_a');
    expect(s.moveSessions('thr_a', 'thr_b')).toBe(1);
    expect(s.sessionThread('k')).toBe('thr_b');
  });
});

const dm = (userId: string) => ({ userId, chatId: userId, chatType: 'dm' as const });

describe('routing', () => {
  it('default deny; allow lists, * and the explicit allow-all opt-in', () => {
    const paired = () => false;
    expect(isAllowed(accessPolicy('telegram', {}, {}), dm('1'), paired)).toBe(false);
    expect(isAllowed(accessPolicy('telegram', { TELEGRAM_ALLOWED_USERS: '1, 2' }, {}), dm('2'), paired)).toBe(true);
    expect(isAllowed(accessPolicy('telegram', { TELEGRAM_ALLOWED_USERS: '1' }, {}), dm('3'), paired)).toBe(false);
    expect(isAllowed(accessPolicy('telegram', { GATEWAY_ALLOW_ALL_USERS: 'true' }, {}), dm('3'), paired)).toBe(true);
    expect(isAllowed(accessPolicy('telegram', { GATEWAY_ALLOW_ALL_USERS: 'false' }, {}), dm('3'), paired)).toBe(false);
    expect(isAllowed(accessPolicy('telegram', {}, { allowed: [7] }), dm('7'), paired)).toBe(true);
    expect(isAllowed(accessPolicy('telegram', {}, {}), dm('9'), (u) => u === '9')).toBe(true);
  });

  it("Hermes's group lists: users allowed in groups only, chats where everyone is, legacy chat ids in the users list", () => {
    const paired = () => false;
    const inGroup = (userId: string, chatId = '-100') => ({ userId, chatId, chatType: 'group' as const });
    const users = accessPolicy('telegram', { TELEGRAM_GROUP_ALLOWED_USERS: '5, -200' }, {});
    expect(isAllowed(users, inGroup('5'), paired)).toBe(true);
    expect(isAllowed(users, dm('5'), paired)).toBe(false);
    expect(isAllowed(users, inGroup('6'), paired)).toBe(false);
    expect(isAllowed(users, inGroup('6', '-200'), paired)).toBe(true);
    const chats = accessPolicy('telegram', { TELEGRAM_GROUP_ALLOWED_CHATS: '-100' }, {});
    expect(isAllowed(chats, inGroup('8'), paired)).toBe(true);
    expect(isAllowed(chats, inGroup('8', '-300'), paired)).toBe(false);
    expect(isAllowed(chats, dm('8'), paired)).toBe(false);
    expect(isAllowed(accessPolicy('telegram', { TELEGRAM_GROUP_ALLOWED_CHATS: '*' }, {}), inGroup('8', '-9'), paired)).toBe(true);
  });

  it('DISCORD_ALLOWED_ROLES: a role held where the message was said lets the sender in; never in a DM', () => {
    const roles = accessPolicy('discord', { DISCORD_ALLOWED_ROLES: '10, 11' }, {});
    const inServer = (r: string[]) => ({ userId: '5', chatId: '900', chatType: 'forum' as const, roles: r });
    expect(isAllowed(roles, inServer(['11']), () => false)).toBe(true);
    expect(isAllowed(roles, inServer(['12']), () => false)).toBe(false);
    expect(isAllowed(roles, { ...dm('5'), roles: ['11'] }, () => false)).toBe(false);
    // Only user lists make strangers in DMs ignored, as in Hermes.
    expect(roles.strangers).toBe('pair');
  });

  it('chats the bot listens in: listed ones (a thread counts as its channel), never ignored ones, DMs always', () => {
    const g = (chatId: string, parentChatId?: string) => ({ chatId, chatType: 'group' as const, ...(parentChatId ? { parentChatId } : {}) });
    const open = accessPolicy('discord', {}, {});
    expect(inScope(open, g('1'))).toBe(true);
    const listed = accessPolicy('discord', { DISCORD_ALLOWED_CHANNELS: '1, 2', DISCORD_IGNORED_CHANNELS: '2' }, { allowed_chats: [3] });
    expect(inScope(listed, g('1'))).toBe(true);
    expect(inScope(listed, g('3'))).toBe(true);
    expect(inScope(listed, g('9'))).toBe(false);
    expect(inScope(listed, g('9', '1'))).toBe(true);
    expect(inScope(listed, g('2'))).toBe(false);
    expect(inScope(listed, g('1', '2'))).toBe(false);
    expect(inScope(listed, { chatId: '9', chatType: 'dm' })).toBe(true);
    expect(inScope(accessPolicy('telegram', { TELEGRAM_ALLOWED_CHATS: '-5' }, {}), g('-6'))).toBe(false);
    expect(inScope(accessPolicy('slack', { SLACK_IGNORED_CHANNELS: '*' }, {}), g('C1'))).toBe(false);
  });

  it('strangers in DMs get pairing codes unless an allow list is set or unauthorized_dm_behavior says otherwise', () => {
    expect(accessPolicy('telegram', {}, {}).strangers).toBe('pair');
    expect(accessPolicy('telegram', { TELEGRAM_ALLOWED_USERS: '1' }, {}).strangers).toBe('ignore');
    expect(accessPolicy('slack', { GATEWAY_ALLOWED_USERS: 'U1' }, {}).strangers).toBe('ignore');
    expect(accessPolicy('telegram', { TELEGRAM_GROUP_ALLOWED_CHATS: '-1' }, {}).strangers).toBe('ignore');
    expect(accessPolicy('discord', {}, { allowed: ['7'] }).strangers).toBe('ignore');
    // Another platform's list says nothing about this one.
    expect(accessPolicy('discord', { TELEGRAM_ALLOWED_USERS: '1' }, {}).strangers).toBe('pair');
    expect(accessPolicy('telegram', { TELEGRAM_ALLOWED_USERS: '1' }, { global_dm_behavior: 'pair' }).strangers).toBe('pair');
    expect(accessPolicy('telegram', {}, { global_dm_behavior: 'ignore' }).strangers).toBe('ignore');
    expect(accessPolicy('telegram', {}, { global_dm_behavior: 'ignore', dm_behavior: 'pair' }).strangers).toBe('pair');
  });

  it('session keys: a DM per chat, groups per user by default, forum topics shared', () => {
    expect(sessionKey(env({}), { groupSessionsPerUser: true })).toBe('telegram:dm:10');
    const g = env({ chatType: 'group', chatId: '-5', userId: '7' });
    expect(sessionKey(g, { groupSessionsPerUser: true })).toBe('telegram:group:-5:u7');
    expect(sessionKey(g, { groupSessionsPerUser: false })).toBe('telegram:group:-5');
    expect(sessionKey(env({ chatType: 'forum', chatId: '-5', threadId: '42', userId: '7' }), { groupSessionsPerUser: true })).toBe('telegram:forum:-5:42');
  });

  it('groups answer only when addressed', () => {
    expect(addressed(env({}))).toBe(true);
    expect(addressed(env({ chatType: 'group' }))).toBe(false);
    expect(addressed(env({ chatType: 'group', mentioned: true }))).toBe(true);
    expect(addressed(env({ chatType: 'group', replyTo: { messageId: '3', fromBot: true } }))).toBe(true);
    expect(addressed(env({ chatType: 'group', replyTo: { messageId: '3', fromBot: false } }))).toBe(false);
  });
});
