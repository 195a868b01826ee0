// Identity links (codes, expiry, merging people), Discord's per-channel read marks, and the Discord wire rules
// (failure kinds, command registration, mentions, snowflake order).
import Database from 'better-sqlite3';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { LINK_CODE_TTL_MS, LinkError, Links, parseAccount } from '../../../server/gateway/links';
import { GatewayStore } from '../../../server/gateway/store';
import { applicationCommands, classify, mentionsBot, newer, stripMention } from '../../../server/gateway/discord/wire';

let db: Database.Database;
let now = 1_000_000;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
  now = 1_000_000;
});

describe('identity links', () => {
  const tg = { platform: 'telegram', userId: '1001' };
  const dc = { platform: 'discord', userId: '4001' };

  it('a code issued on one account links another; it works once, not from the same account, not after 10 minutes', () => {
    const links = new Links(db, () => now);
    const { code } = links.issue(tg);
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    expect(() => links.redeem(code, tg)).toThrow(/same account/);
    const r = links.redeem(code.toLowerCase(), dc);
    expect(r.issuer).toEqual(tg);
    expect(links.personOf(tg)).toBe(r.person);
    expect(links.personOf(dc)).toBe(r.person);
    expect(() => links.redeem(code, { platform: 'slack', userId: 'U1' })).toThrow(LinkError);
    const late = links.issue(tg).code;
    now += LINK_CODE_TTL_MS + 1;
    expect(() => links.redeem(late, { platform: 'slack', userId: 'U1' })).toThrow(/unknown or expired/);
    // A new code replaces the old one.
    const a = links.issue(tg).code;
    links.issue(tg);
    expect(() => links.redeem(a, { platform: 'slack', userId: 'U1' })).toThrow(/unknown or expired/);
  });

  it('linking two people merges them; unlink removes one account; accounts parse as platform:user', () => {
    const links = new Links(db, () => now);
    const p1 = links.link(tg, dc);
    const p2 = links.link({ platform: 'slack', userId: 'U1' }, { platform: 'slack', userId: 'U2' });
    expect(p2).not.toBe(p1);
    links.link(dc, { platform: 'slack', userId: 'U2' });
    expect(links.accountsOf(p1).map((a) => `${a.platform}:${a.userId}`).sort()).toEqual(['discord:4001', 'slack:U1', 'slack:U2', 'telegram:1001']);
    expect(links.unlink(tg)).toBe(true);
    expect(links.personOf(tg)).toBeUndefined();
    expect(links.list()).toHaveLength(1);
    expect(parseAccount('Discord:123:4')).toEqual({ platform: 'discord', userId: '123:4' });
    expect(() => parseAccount('telegram')).toThrow(/platform>:<user id/);
  });
});

describe('discord read marks', () => {
  it('keeps the highest snowflake per channel, across a change of length, and remembers bot threads', () => {
    const s = new GatewayStore(db).channelState('discord');
    s.mark('c1', '999999999999999999');
    s.mark('c1', '1000000000000000000'); // one digit longer: newer
    s.mark('c1', '999999999999999998'); // older: ignored
    s.mark('c2', '5');
    expect([...s.marks()]).toEqual([
      ['c1', '1000000000000000000'],
      ['c2', '5'],
    ]);
    expect(new GatewayStore(db).channelState('telegram').marks().size).toBe(0);
    expect(s.ownsThread('t1')).toBe(false);
    s.addThread('t1');
    expect(s.ownsThread('t1')).toBe(true);
    // A thread with no message seen yet has no mark to read history from.
    expect(s.marks().has('t1')).toBe(false);
    // A planned thread (made with the first reply) is not owned until started; a failed one sends to its parent.
    s.planThread('m9', 'c1', 'question');
    expect(s.plannedThread('m9')).toEqual({ parentId: 'c1', name: 'question', failed: false });
    expect(s.ownsThread('m9')).toBe(false);
    s.threadFailed('m9');
    expect(s.plannedThread('m9')).toEqual({ parentId: 'c1', name: 'question', failed: true });
    s.planThread('t1', 'c1', 'again'); // already started: unchanged
    expect(s.ownsThread('t1')).toBe(true);
    expect(s.plannedThread('t1')).toBeUndefined();
  });
});

describe('discord wire rules', () => {
  it('classifies failures for the outbox', () => {
    const api = (status: number, code = 0) => new DiscordAPIError({ message: 'x', code }, code, status, 'POST', '/channels/1/messages', {});
    expect(classify(api(500)).kind).toBe('transient');
    expect(classify(api(404, 10003)).kind).toBe('permanent');
    expect(classify(api(401)).kind).toBe('permanent');
    expect(classify(new HTTPError(502, 'Bad Gateway', 'POST', '/x', {})).kind).toBe('transient');
    const rl = new RateLimitError({ timeToReset: 2000, limit: 5, method: 'POST', hash: 'h', url: '/x', route: '/channels/:id/messages', majorParameter: '1', global: true, retryAfter: 2500, sublimitTimeout: 0, scope: 'global' });
    expect(classify(rl)).toMatchObject({ kind: 'transient', retryAfter: 3 });
    // A connection lost mid-send is retried: sends carry a nonce Discord deduplicates.
    expect(classify(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })).kind).toBe('transient');
  });

  it('registers commands Discord accepts, each with one free-text option', () => {
    const cmds = applicationCommands([
      { command: 'new', description: 'start a new conversation' },
      { command: 'code_review', description: 'x'.repeat(300) },
      { command: 'Bad Name', description: 'no' },
    ]) as { name: string; description: string; options: { name: string }[] }[];
    expect(cmds.map((c) => c.name)).toEqual(['new', 'code_review']);
    expect(cmds[1].description).toHaveLength(100);
    expect(cmds[0].options).toMatchObject([{ name: 'args', type: 3, required: false }]);
  });

  it('mentions and snowflake order', () => {
    const m = { id: '1', channel_id: 'c', author: { id: 'u', username: 'u' }, content: '<@!42> hi <@42>', mentions: [] };
    expect(mentionsBot(m, '42')).toBe(true);
    expect(mentionsBot({ ...m, content: 'hi <@43>' }, '42')).toBe(false);
    expect(stripMention(m.content, '42')).toBe('hi');
    expect(newer('1000000000000000000', '999999999999999999')).toBe(true);
    expect(newer('5', undefined)).toBe(true);
    expect(newer('5', '5')).toBe(false);
  });
});

describe('approval buttons with a lifetime (Discord)', () => {
  it('a click past the lifetime answers "expired" and resolves nothing; /approve typed afterwards still answers', async () => {
    const { ChatApprovals } = await import('../../../server/gateway/chat-approvals');
    const { Outbox } = await import('../../../server/gateway/outbox');
    const { createLogger } = await import('../../../server/util/log');
    const log = createLogger({ stderr: false, level: 'error' });
    const store = new GatewayStore(db);
    const answers: string[] = [];
    const adapter = { id: 'discord', capabilities: { buttonTtlMs: 15 * 60_000 }, answerCallback: async (_id: string, text: string) => void answers.push(text) } as any;
    const outbox = new Outbox(db, () => undefined, log);
    const chat = { platform: 'discord', chatId: 'dm1', userId: 'u1', userName: 'Ada' };
    const approvals = new ChatApprovals(store, outbox, () => adapter, () => chat, log);
    const decision = approvals.peer.request('approval/request', {
      requestId: 'r1', threadId: 't1', turnId: 'x', itemId: 'i', kind: 'command', tool: 'terminal', command: 'rm -rf x', reasons: ['deletes'], choices: ['once', 'session', 'always', 'deny'], expiresAt: Date.now() + 3600_000,
    } as any);
    const prompt = db.prepare(`SELECT text, tag FROM gw_outbox`).get() as { text: string; tag: string };
    expect(prompt.text).toMatch(/buttons expire 15 min after this message; after that, type \/approve or \/deny/);
    const shortId = prompt.tag.split(':')[1];
    db.prepare(`UPDATE gw_approvals SET created_at = ?`).run(Date.now() - 16 * 60_000);
    const tap = { platform: 'discord', cursor: 1, chatId: 'dm1', chatType: 'dm', userId: 'u1', userName: 'Ada', messageId: 'i1', text: '', attachments: [], mentioned: true, callback: { id: 'c1', data: `ea:once:${shortId}`, messageId: 'm1' } } as const;
    await approvals.onTap({ ...tap, attachments: [] });
    expect(answers).toEqual(['⌛ Expired: these buttons work for 15 min. Type /approve or /deny instead.']);
    expect(store.approval(shortId)!.state).toBe('pending');
    expect(approvals.command({ ...tap, attachments: [], callback: undefined }, 'deny')).toBe('❌ Denied');
    await expect(decision).resolves.toEqual({ decision: 'deny' });
  });
});
