// Discord's connection as the supervisor reports it: real discord.js in this process against the fake Discord,
// under the gateway's PlatformSupervisor, recording into the gateway's inbound log (which is what dedupes). The
// socket is dropped, its RESUME refused, its heartbeats left unanswered, its reconnects refused, and its intents
// refused; the status follows each, and no message is lost or recorded twice. Button clicks answered late still
// reach the user (deferred acknowledgement + follow-up).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { GatewayStore } from '../../../server/gateway/store';
import { DiscordAdapter } from '../../../server/gateway/discord/adapter';
import { PlatformSupervisor, type PlatformStatus } from '../../../server/gateway/supervisor';
import { MAX_QUIET_RETRIES } from '../../../server/gateway/discord/connection';
import type { InboundEnvelope } from '../../../server/gateway/adapter';
import { createLogger } from '../../../server/util/log';
import { FakeDiscord } from '../../support/fake-discord';

vi.setConfig({ testTimeout: 30_000 });

const ALICE = '400000000000000001';
const log = createLogger({ stderr: false, level: 'error' });

let dc: FakeDiscord;
let store: GatewayStore;
let adapter: DiscordAdapter;
let sup: PlatformSupervisor;
const statuses: PlatformStatus[] = [];
const recorded: InboundEnvelope[] = [];
/** What the test does with a click once it is recorded (the gateway answers it after handling it). */
let onClick: (e: InboundEnvelope) => void = () => {};

function start(): PlatformSupervisor {
  const s = new PlatformSupervisor(
    adapter,
    async (batch, next) => {
      for (const row of store.recordInbound('discord', batch, next)) {
        recorded.push(row.envelope);
        if (row.envelope.callback) onClick(row.envelope);
      }
    },
    (st) => statuses.push(st),
    log,
    { minMs: 200, maxMs: 1000 },
  );
  s.start();
  return s;
}

const texts = (t: string) => recorded.filter((e) => e.text === t).length;
const since = (n: number) => statuses.slice(n);

beforeAll(async () => {
  dc = await FakeDiscord.start();
  // Short heartbeats, so a connection whose heartbeats go unanswered is noticed within a second or two.
  dc.heartbeatMs = 500;
  const db = new Database(':memory:');
  migrate(db);
  store = new GatewayStore(db);
  adapter = new DiscordAdapter({ token: dc.token, apiRoot: dc.apiRoot, state: store.channelState('discord') });
  sup = start();
  await dc.waitFor(() => sup.current.state === 'ready', 15_000, 'ready');
  dc.userSends({ userId: ALICE, text: 'first' });
  await dc.waitFor(() => texts('first') === 1, 10_000, 'the first message');
});
afterAll(async () => {
  await sup?.stop();
  await dc?.close();
});

describe('discord connection status', () => {
  it('a dropped socket: connecting with the close code, then ready after RESUME; the message sent in the gap is recorded once', async () => {
    const n = statuses.length;
    const resumes = dc.resumes;
    dc.dropSocket();
    dc.userSends({ userId: ALICE, text: 'in the gap' });
    await dc.waitFor(() => since(n).some((s) => s.state === 'ready'), 15_000, 'ready again');
    const lost = since(n).find((s) => s.state === 'connecting');
    expect(lost?.lastError).toMatch(/connection lost \(close code 1006\)/);
    expect(dc.resumes).toBe(resumes + 1);
    await dc.waitFor(() => texts('in the gap') === 1, 10_000, 'the message from the gap');
    expect(sup.current).toMatchObject({ state: 'ready', lastError: lost!.lastError });
  });

  it('a RESUME refused: IDENTIFY again, and the gap is read back from channel history, once', async () => {
    const n = statuses.length;
    const identifies = dc.identifies;
    dc.acceptResume = false;
    try {
      dc.dropSocket();
      dc.userSends({ userId: ALICE, text: 'only in history' });
      await dc.waitFor(() => dc.identifies > identifies && since(n).some((s) => s.state === 'ready'), 15_000, 'ready after IDENTIFY');
      await dc.waitFor(() => texts('only in history') === 1, 10_000, 'the message read from history');
      expect(dc.calls.some((c) => c.route === 'GET /channels/:id/messages')).toBe(true);
    } finally {
      dc.acceptResume = true;
    }
  });

  it('heartbeats no longer acknowledged: discord.js closes the zombie connection and resumes; the status says why', async () => {
    const n = statuses.length;
    dc.stall();
    dc.userSends({ userId: ALICE, text: 'during the stall' });
    await dc.waitFor(() => since(n).some((s) => s.state === 'ready'), 15_000, 'ready after the stall');
    expect(since(n).find((s) => s.state === 'connecting')?.lastError).toMatch(/heartbeats were not acknowledged/);
    await dc.waitFor(() => texts('during the stall') === 1, 10_000, 'the message sent during the stall');
    expect(texts('in the gap')).toBe(1);
  });

  it(`reconnects refused ${MAX_QUIET_RETRIES + 1} times in a row: the supervisor backs off, then connects again`, async () => {
    const n = statuses.length;
    dc.refuseConnections = true;
    dc.dropSocket();
    const off = await dc.waitFor(() => since(n).find((s) => s.state === 'backing-off'), 20_000, 'backing off');
    expect(off.lastError).toMatch(/reconnects in a row failed/);
    expect(off.retryAt).toBeGreaterThan(0);
    dc.userSends({ userId: ALICE, text: 'while refused' });
    dc.refuseConnections = false;
    await dc.waitFor(() => sup.current.state === 'ready', 20_000, 'ready again');
    await dc.waitFor(() => texts('while refused') === 1, 10_000, 'the message from the outage');
    for (const t of ['first', 'in the gap', 'only in history', 'during the stall']) expect(texts(t)).toBe(1);
  });
});

describe('discord button clicks', () => {
  it('answered at once: the callback carries the answer; answered late: a silent acknowledgement, then an ephemeral follow-up', async () => {
    const dm = dc.dmChannel(ALICE);
    const { messageId } = await adapter.send(dm, 'pick one', { buttons: [[{ text: 'A', data: 'a' }]] });
    const msg = dc.sentTo(dm).find((m) => m.id === messageId)!;
    const customId = msg.components![0].components[0].custom_id;

    onClick = (e) => void adapter.answerCallback(e.callback!.id, 'quick answer');
    const quick = dc.click({ userId: ALICE, messageId, customId });
    const r = await dc.waitFor(() => dc.interactionResponses.find((x) => x.id === quick), 10_000, 'the quick answer');
    expect(r).toMatchObject({ type: 4, data: { content: 'quick answer', flags: 64 } });

    // The gateway takes longer than Discord's 3 s (a backfill ahead of it, a slow disk): the click is acknowledged
    // in time anyway, and the answer follows on the same token.
    onClick = (e) => void setTimeout(() => void adapter.answerCallback(e.callback!.id, 'late answer'), 3200);
    const late = dc.click({ userId: ALICE, messageId, customId });
    const ack = await dc.waitFor(() => dc.interactionResponses.find((x) => x.id === late), 10_000, 'the acknowledgement');
    expect(ack.type).toBe(6);
    const f = await dc.waitFor(() => dc.followups.find((x) => x.interactionId === late), 10_000, 'the follow-up');
    expect(f.data).toMatchObject({ content: 'late answer', flags: 64 });
    expect(dc.interactionResponses.filter((x) => x.id === late)).toHaveLength(1);
  });
});

describe('discord rate limits', () => {
  it('a long 429 (retry_after 30 s) fails the send at once with the wait, for the outbox to retry durably; other channels go on', async () => {
    dc.fail('POST /channels/:id/messages', { status: 429, retryAfter: 30 });
    const err = await adapter.send(dc.channelId, 'held back').then(
      () => undefined,
      (e) => e,
    );
    expect(err).toMatchObject({ kind: 'transient' });
    // Discord's wait, rounded up to whole seconds (discord.js adds a small safety offset).
    expect(err.retryAfter).toBeGreaterThanOrEqual(30);
    expect(err.retryAfter).toBeLessThanOrEqual(31);
    expect(dc.sentTo(dc.channelId).some((m) => m.content === 'held back')).toBe(false);
    const dm = dc.dmChannel(ALICE);
    await adapter.send(dm, 'goes through');
    expect(dc.sentTo(dm).some((m) => m.content === 'goes through')).toBe(true);
  });
});

describe('discord refusing the connection for good', () => {
  it('intents not allowed (close code 4014): failed, with what to change, and no more retries', async () => {
    await sup.stop();
    dc.closeOnIdentify = { code: 4014, reason: 'Disallowed intent(s).' };
    const n = statuses.length;
    const identifies = dc.identifies;
    sup = start();
    try {
      const failed = await dc.waitFor(() => since(n).find((s) => s.state === 'failed'), 15_000, 'failed');
      expect(failed.lastError).toMatch(/Message Content Intent/);
      const calls = dc.calls.length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(dc.calls.length).toBe(calls);
      expect(sup.current.state).toBe('failed');
      expect(dc.identifies).toBe(identifies);
    } finally {
      dc.closeOnIdentify = undefined;
    }
  });
});
