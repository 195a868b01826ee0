import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { Outbox, MAX_ATTEMPTS, backoffMs, type OutboxRow } from '../../../server/gateway/outbox';
import { PlatformError, type PlatformAdapter } from '../../../server/gateway/adapter';
import { createLogger } from '../../../server/util/log';

type Step = 'ok' | PlatformError;

function fakeAdapter(script: Step[]) {
  const sent: { chatId: string; text: string; formatted: boolean }[] = [];
  let n = 0;
  const next = async (chatId: string, text: string, formatted: boolean) => {
    const s = script.shift() ?? 'ok';
    if (s !== 'ok') throw s;
    sent.push({ chatId, text, formatted });
    return { messageId: String(++n) };
  };
  const a = {
    id: 'fake',
    capabilities: { edit: true, delete: true, buttons: true, typing: true, files: true, commandMenu: false },
    maxMessageLength: 100,
    measure: (s: string) => s.length,
    format: (md: string) => `<b>${md}</b>`,
    send: (chatId: string, text: string, o?: { formatted?: boolean }) => next(chatId, text, !!o?.formatted),
    edit: async (chatId: string, _id: string, text: string, o?: { formatted?: boolean }) => void (await next(chatId, text, !!o?.formatted)),
  } as unknown as PlatformAdapter;
  return { a, sent };
}

let db: Database.Database;
let outbox: Outbox | undefined;
const log = createLogger({ stderr: false, level: 'error' });

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
});
afterEach(async () => {
  await outbox?.stop();
});

function make(script: Step[], undelivered: OutboxRow[] = [], opts: { backoff?: () => number } = {}) {
  const f = fakeAdapter(script);
  outbox = new Outbox(db, () => f.a, log, (r) => undelivered.push(r), opts);
  return { ...f, outbox };
}

describe('outbox', () => {
  it('records before sending and ends in sent with the platform id', async () => {
    const { outbox, sent } = make([]);
    const id = outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'hi' });
    expect(outbox.get(id)!.state).toBe('pending');
    outbox.start();
    const row = await outbox.wait(id);
    expect(row).toMatchObject({ state: 'sent', platform_message_id: '1', attempts: 1 });
    expect(sent).toEqual([{ chatId: 'c', text: 'hi', formatted: false }]);
  });

  it('retries transient errors, honouring retry_after, then delivers once', async () => {
    const { outbox, sent } = make([new PlatformError('flood', 'transient', 0.2), new PlatformError('502', 'transient')]);
    outbox.start();
    const row = await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'x' }));
    expect(row.state).toBe('sent');
    expect(row.attempts).toBe(3);
    expect(sent).toHaveLength(1);
    expect(backoffMs(1, 7, () => 0)).toBe(7000);
  });

  it('falls back to plain text when the platform rejects the formatting', async () => {
    const { outbox, sent } = make([new PlatformError("can't parse entities", 'format')]);
    outbox.start();
    const row = await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'md', format: true }));
    expect(row.state).toBe('sent');
    expect(sent).toEqual([{ chatId: 'c', text: 'md', formatted: false }]);
  });

  it('records permanent failures and reports them; never counts them as sent', async () => {
    const bad: OutboxRow[] = [];
    const { outbox } = make([new PlatformError('chat not found', 'permanent')], bad);
    outbox.start();
    const row = await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'x' }));
    expect(row).toMatchObject({ state: 'failed', last_error: 'chat not found' });
    expect(bad.map((r) => r.id)).toEqual([row.id]);
  });

  it('an ambiguous send is not resent (unknown); an ambiguous edit is retried', async () => {
    const { outbox, sent } = make([new PlatformError('socket hang up', 'ambiguous'), new PlatformError('socket hang up', 'ambiguous')]);
    outbox.start();
    const send = await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'once' }));
    expect(send.state).toBe('unknown');
    const edit = await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', kind: 'edit', targetMessageId: '5', text: 'e' }));
    expect(edit.state).toBe('sent');
    expect(sent.map((s) => s.text)).toEqual(['e']);
  });

  it('gives up after MAX_ATTEMPTS transient failures', async () => {
    // Skip the real backoff: every retry is due at once.
    const { outbox } = make(Array.from({ length: MAX_ATTEMPTS }, () => new PlatformError('down', 'transient', 0.001)), [], { backoff: () => 0 });
    outbox.start();
    const row = await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'x' }));
    expect(row.state).toBe('failed');
    expect(row.last_error).toMatch(/gave up after 8 attempts/);
  });

  it('after a crash, a send caught mid-call becomes unknown and an edit is retried', () => {
    const { outbox } = make([]);
    const s = outbox.enqueue({ platform: 'fake', chatId: 'c', text: 's' });
    const e = outbox.enqueue({ platform: 'fake', chatId: 'c', kind: 'edit', targetMessageId: '1', text: 'e' });
    db.prepare(`UPDATE gw_outbox SET state = 'sending'`).run();
    expect(outbox.recover()).toBe(1);
    expect(outbox.get(s)!.state).toBe('unknown');
    expect(outbox.get(e)!.state).toBe('pending');
  });

  it('keeps the order of messages within a chat', async () => {
    const { outbox, sent } = make([new PlatformError('flood', 'transient', 0.1)]);
    const ids = ['a', 'b', 'c'].map((t) => outbox.enqueue({ platform: 'fake', chatId: 'c', text: t }));
    outbox.start();
    await Promise.all(ids.map((id) => outbox.wait(id)));
    expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'c']);
  });

  it('sends rows another writer queued in the same table (the cron queue without a gateway)', async () => {
    const { outbox, sent } = make([]);
    outbox.start();
    await outbox.wait(outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'first' }));
    const other = new Outbox(db, () => undefined, log);
    await other.stop(); // it only writes rows; it has no platform to send them to
    const id = other.enqueue({ platform: 'fake', chatId: 'd', text: 'from cron' });
    outbox.kick();
    expect((await outbox.wait(id)).state).toBe('sent');
    expect(sent.map((s) => s.text)).toEqual(['first', 'from cron']);
  });

  it('a delivered row is committed as sent without waiting for another write', async () => {
    const { outbox } = make([]);
    outbox.start();
    const id = outbox.enqueue({ platform: 'fake', chatId: 'c', text: 'x' });
    await outbox.wait(id);
    // Read as another process would (not through the outbox, which commits pending marks first).
    const state = () => (db.prepare('SELECT state FROM gw_outbox WHERE id = ?').get(id) as { state: string }).state;
    for (let i = 0; i < 100 && state() !== 'sent'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state()).toBe('sent');
  });

  it("a platform whose calls hang does not hold another platform's deliveries", async () => {
    const fast = fakeAdapter([]);
    const slow = fakeAdapter([]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let slowCalls = 0;
    (slow.a as any).send = async () => {
      slowCalls++;
      await held;
      return { messageId: 's' };
    };
    outbox = new Outbox(db, (p) => (p === 'slow' ? slow.a : fast.a), log);
    // More stuck chats on the slow platform than the outbox has calls in flight per platform.
    const stuck = Array.from({ length: 40 }, (_, i) => outbox!.enqueue({ platform: 'slow', chatId: `s${i}`, text: 'waits' }));
    const quick = Array.from({ length: 5 }, (_, i) => outbox!.enqueue({ platform: 'fast', chatId: `f${i}`, text: `hi ${i}` }));
    outbox.start();
    for (const id of quick) expect((await outbox.wait(id)).state).toBe('sent');
    expect(fast.sent).toHaveLength(5);
    expect(slowCalls).toBeGreaterThan(0);
    expect(slowCalls).toBeLessThan(40);
    release();
    for (const id of stuck) expect((await outbox.wait(id)).state).toBe('sent');
    expect(slowCalls).toBe(40);
  });
});
