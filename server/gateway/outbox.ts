// Write-ahead delivery. Every message the gateway sends is a row here before any network call, and moves through
// pending → sending → sent | failed | unknown:
//  - transient errors (429 with retry_after, 5xx, connection refused) → pending again, retried with exponential
//    backoff and jitter (at least retry_after), up to MAX_ATTEMPTS, then failed;
//  - rejected formatting → resent at once as plain text;
//  - permanent errors (chat not found, blocked, bad request) → failed, surfaced (log + home channel);
//  - an ambiguous error on a send (the connection broke after the request left) → unknown: Telegram has no
//    idempotency key, so resending could post the message twice; it is reported, never counted as delivered.
//    Edits are idempotent, so an ambiguous edit is simply retried.
//  - a row found in `sending` at start-up (the host died mid-call) is the same ambiguous case: a send becomes
//    unknown, an edit goes back to pending.
// Messages to one chat leave in the order they were queued: only the oldest unfinished row of a chat is eligible.
//
// The table is the write-ahead log; which row goes next is decided in memory (per-chat queues loaded from the table),
// because asking SQLite for every chat's head after each send was the largest single cost of a busy gateway. Rows
// any writer adds (the cron queue writes here too) are picked up by a primary-key range read of ids not seen yet.
// A "sent" mark is not committed on its own: it rides along with the outbox's next write, or a timer commits it
// within SENT_MARK_DELAY_MS. A kill -9 in that window leaves the row `sending`, which recover() treats as the
// ambiguous case above (a send becomes unknown and is not resent, an edit is redone), so it can cost a spurious
// "not delivered" report, never a duplicate or a lost message.
import type Database from 'better-sqlite3';
import { PlatformError, type PlatformAdapter } from './adapter';
import type { Logger } from '../util/log';
import { statementCache } from './statements';

export const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 60_000;
/** Calls in flight per platform: a platform slow to answer (its rate limits waited out in its client) must not hold
 * the others' deliveries behind it. */
const CONCURRENCY = 16;
const SENT_MARK_DELAY_MS = 50;

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown';

export interface OutboxRow {
  id: number;
  platform: string;
  chat_id: string;
  thread_id: string | null;
  kind: 'send' | 'edit' | 'file';
  target_message_id: string | null;
  text: string;
  formatted: number;
  buttons: string | null;
  file_name: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  platform_message_id: string | null;
  tag: string | null;
}

export interface OutboundMessage {
  platform: string;
  chatId: string;
  threadId?: string;
  kind?: 'send' | 'edit' | 'file';
  targetMessageId?: string;
  /** Markdown when `format` is set (converted by the adapter at send time), else plain text. */
  text: string;
  format?: boolean;
  buttons?: { text: string; data: string }[][];
  fileName?: string;
  tag?: string;
}

export function backoffMs(attempts: number, retryAfterS?: number, random = Math.random): number {
  const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(jittered, (retryAfterS ?? 0) * 1000);
}

export class Outbox {
  private readonly waiters = new Map<number, ((row: OutboxRow) => void)[]>();
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private readonly runningOn = new Map<string, number>();
  private stopped = false;
  private readonly idle = new Set<() => void>();
  private readonly sql: (sql: string) => Database.Statement;
  /** Unfinished rows (pending or sending) per chat, oldest first: the head is the only one that may go. */
  private readonly queues = new Map<string, OutboxRow[]>();
  /** Highest id read from the table so far; undefined until the first read. */
  private seenId: number | undefined;
  /** Final states reached but not committed yet (see SENT_MARK_DELAY_MS). */
  private marks: { id: number; fields: Partial<OutboxRow>; at: number }[] = [];
  private markTimer: NodeJS.Timeout | undefined;
  private readonly backoff: typeof backoffMs;

  constructor(
    private readonly db: Database.Database,
    private readonly adapter: (platform: string) => PlatformAdapter | undefined,
    private readonly log: Logger,
    /** A message could not be delivered (failed or unknown). */
    private readonly onUndelivered: (row: OutboxRow) => void = () => {},
    opts: { backoff?: typeof backoffMs } = {},
  ) {
    this.sql = statementCache(db);
    this.backoff = opts.backoff ?? backoffMs;
  }

  /** Rows a previous process left mid-call: see the rules at the top. Returns how many sends became unknown. */
  recover(): number {
    const unknown = this.db.transaction(() => {
      const rows = this.sql(`SELECT * FROM gw_outbox WHERE state = 'sending'`).all() as OutboxRow[];
      let unknown = 0;
      for (const r of rows) {
        if (r.kind === 'edit') this.sql(`UPDATE gw_outbox SET state = 'pending', updated_at = ? WHERE id = ?`).run(Date.now(), r.id);
        else {
          unknown++;
          this
            .sql(`UPDATE gw_outbox SET state = 'unknown', last_error = 'the host stopped while sending; not resent to avoid a duplicate', updated_at = ? WHERE id = ?`)
            .run(Date.now(), r.id);
        }
      }
      return unknown;
    })();
    // Read the queues again from the table as it is now.
    this.queues.clear();
    this.seenId = undefined;
    return unknown;
  }

  enqueue(m: OutboundMessage): number {
    const now = Date.now();
    const r = this
      .sql(
        `INSERT INTO gw_outbox (platform, chat_id, thread_id, kind, target_message_id, text, formatted, buttons, file_name, state, next_attempt_at, tag, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      )
      .run(m.platform, m.chatId, m.threadId ?? null, m.kind ?? 'send', m.targetMessageId ?? null, m.text, m.format ? 1 : 0, m.buttons ? JSON.stringify(m.buttons) : null, m.fileName ?? null, now, m.tag ?? null, now, now);
    this.kick();
    return Number(r.lastInsertRowid);
  }

  get(id: number): OutboxRow | undefined {
    this.commitMarks();
    return this.sql(`SELECT * FROM gw_outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
  }

  /** Resolves when the row reaches a final state (sent, failed or unknown). */
  wait(id: number): Promise<OutboxRow> {
    const row = this.get(id);
    if (!row) return Promise.reject(new Error(`no outbox row ${id}`));
    if (row.state === 'sent' || row.state === 'failed' || row.state === 'unknown') return Promise.resolve(row);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  counts(): Record<OutboxState, number> {
    this.commitMarks();
    const out: Record<OutboxState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, unknown: 0 };
    for (const r of this.sql(`SELECT state, COUNT(*) AS n FROM gw_outbox GROUP BY state`).all() as { state: OutboxState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Stops picking new rows; resolves when the calls in flight have settled (and their outcomes are committed). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running) await new Promise<void>((r) => this.idle.add(r));
    this.commitMarks();
  }

  /** Sends whatever is due until nothing is left or the deadline passes (shutdown). */
  async flush(deadline: number): Promise<boolean> {
    this.start();
    while (Date.now() < deadline) {
      this.commitMarks();
      const left = this.sql(`SELECT COUNT(*) AS n, MIN(next_attempt_at) AS next FROM gw_outbox WHERE state IN ('pending','sending')`).get() as { n: number; next: number | null };
      if (!left.n) return true;
      if (left.next !== null && left.next > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  kick(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  /** Brings rows added to the table since the last look into the per-chat queues. */
  private load(): void {
    const rows =
      this.seenId === undefined
        ? (this.sql(`SELECT * FROM gw_outbox WHERE state = 'pending' ORDER BY id`).all() as OutboxRow[])
        : (this.sql(`SELECT * FROM gw_outbox WHERE id > ? AND state = 'pending' ORDER BY id`).all(this.seenId) as OutboxRow[]);
    if (this.seenId === undefined) this.seenId = (this.sql(`SELECT MAX(id) AS id FROM gw_outbox`).get() as { id: number | null }).id ?? 0;
    for (const row of rows) {
      this.seenId = Math.max(this.seenId, row.id);
      const key = `${row.platform}\0${row.chat_id}`;
      const q = this.queues.get(key);
      if (q) q.push(row);
      else this.queues.set(key, [row]);
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.load();
    const now = Date.now();
    const heads: OutboxRow[] = [];
    for (const [chatKey, q] of this.queues) if (!this.inFlight.has(chatKey) && q[0].state === 'pending') heads.push(q[0]);
    heads.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
    let nextDue = Infinity;
    for (const row of heads) {
      const chatKey = `${row.platform}\0${row.chat_id}`;
      if (row.next_attempt_at > now) {
        nextDue = Math.min(nextDue, row.next_attempt_at);
        continue;
      }
      const busy = this.runningOn.get(row.platform) ?? 0;
      if (busy >= CONCURRENCY) continue;
      if (!this.adapter(row.platform)) continue; // not connected yet; connecting kicks the outbox
      this.inFlight.add(chatKey);
      this.running++;
      this.runningOn.set(row.platform, busy + 1);
      void this.attempt(row).finally(() => {
        this.inFlight.delete(chatKey);
        this.running--;
        this.runningOn.set(row.platform, this.runningOn.get(row.platform)! - 1);
        if (!this.running) for (const r of this.idle) r();
        this.idle.clear();
        this.kick();
      });
    }
    if (Number.isFinite(nextDue)) this.timer = setTimeout(() => this.tick(), Math.max(10, nextDue - now));
  }

  /** Commits `fields` for a row now, together with any final states waiting to be committed. */
  private update(row: OutboxRow, fields: Partial<OutboxRow>): void {
    Object.assign(row, fields);
    if (!this.marks.length) return this.write(row.id, fields, Date.now());
    this.db.transaction(() => {
      this.commitMarks();
      this.write(row.id, fields, Date.now());
    })();
  }

  private write(id: number, fields: Partial<OutboxRow>, at: number): void {
    const keys = Object.keys(fields);
    this
      .sql(`UPDATE gw_outbox SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
      .run(...keys.map((k) => (fields as any)[k]), at, id);
  }

  /** A delivered row's "sent" mark, committed with the next write or within SENT_MARK_DELAY_MS. */
  private markLater(row: OutboxRow, fields: Partial<OutboxRow>): void {
    Object.assign(row, fields);
    this.marks.push({ id: row.id, fields, at: Date.now() });
    this.markTimer ??= setTimeout(() => this.commitMarks(), SENT_MARK_DELAY_MS);
  }

  private commitMarks(): void {
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    if (!this.marks.length) return;
    const marks = this.marks;
    this.marks = [];
    this.db.transaction(() => {
      for (const m of marks) this.write(m.id, m.fields, m.at);
    })();
  }

  /** The row reached a final state: off its chat's queue, reported when undelivered, its waiters told. */
  private finish(row: OutboxRow): void {
    const key = `${row.platform}\0${row.chat_id}`;
    const q = this.queues.get(key);
    const i = q?.indexOf(row) ?? -1;
    if (q && i >= 0) q.splice(i, 1);
    if (q && !q.length) this.queues.delete(key);
    const snapshot = { ...row };
    if (row.state === 'failed' || row.state === 'unknown') {
      this.log.warn('message not delivered', { id: row.id, platform: row.platform, chat: row.chat_id, state: row.state, error: row.last_error, tag: row.tag });
      try {
        this.onUndelivered(snapshot);
      } catch {
        /* reporting must not break delivery */
      }
    }
    for (const w of this.waiters.get(row.id) ?? []) w(snapshot);
    this.waiters.delete(row.id);
  }

  private async attempt(row: OutboxRow): Promise<void> {
    const adapter = this.adapter(row.platform)!;
    const attempts = row.attempts + 1;
    // Committed before the call: a crash from here on is the ambiguous case handled by recover().
    this.update(row, { state: 'sending', attempts });
    const text = row.formatted ? adapter.format(row.text) : row.text;
    const opts = { threadId: row.thread_id ?? undefined, formatted: !!row.formatted, buttons: row.buttons ? JSON.parse(row.buttons) : undefined, idempotencyKey: String(row.id) };
    try {
      let messageId: string | null = row.target_message_id;
      if (row.kind === 'send') messageId = (await adapter.send(row.chat_id, text, opts)).messageId;
      else if (row.kind === 'edit') await adapter.edit(row.chat_id, row.target_message_id!, text, opts);
      else messageId = (await adapter.sendFile(row.chat_id, row.file_name ?? 'reply.md', Buffer.from(row.text), { threadId: opts.threadId })).messageId;
      this.markLater(row, { state: 'sent', platform_message_id: messageId, last_error: null });
    } catch (e) {
      const err = e instanceof PlatformError ? e : new PlatformError((e as Error)?.message ?? String(e), 'transient');
      if (err.kind === 'format' && row.formatted) {
        this.update(row, { state: 'pending', formatted: 0, attempts: attempts - 1, last_error: err.message, next_attempt_at: Date.now() });
        return;
      } else if (err.kind === 'permanent' || err.kind === 'format') {
        this.update(row, { state: 'failed', last_error: err.message });
      } else if (err.kind === 'ambiguous' && row.kind !== 'edit') {
        this.update(row, { state: 'unknown', last_error: `${err.message} (the platform may have received it; not resent to avoid a duplicate)` });
      } else if (attempts >= MAX_ATTEMPTS) {
        this.update(row, { state: 'failed', last_error: `gave up after ${attempts} attempts: ${err.message}` });
      } else {
        this.update(row, { state: 'pending', last_error: err.message, next_attempt_at: Date.now() + this.backoff(attempts, err.retryAfter) });
        return;
      }
    }
    this.finish(row);
  }
}
