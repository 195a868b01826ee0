// Pairing: how an unknown user in a DM becomes allowed. The bot replies with a one-time code; the owner approves it
// on the server (`hermes-host pairing approve <platform> <code>`). Codes are 8 characters from an alphabet without
// look-alikes (no 0/O/1/I), drawn with crypto randomness and stored only as salted hashes; they expire after an
// hour; a platform holds at most 3 pending codes; a user may ask once per 10 minutes; 5 wrong approvals lock the
// platform's approvals for an hour (a guessing defence: 32^8 codes, but the owner's CLI is the only way in).
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { HermesApprovals } from './hermes-pairing';

export const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;
export const CODE_TTL_MS = 3600_000;
export const REQUEST_INTERVAL_MS = 600_000;
export const MAX_PENDING = 3;
export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 3600_000;

export type PairingRequestResult =
  | { kind: 'code'; code: string; expiresAt: number }
  /** Asked again within 10 minutes: nothing is sent, so the bot cannot be used to spam. */
  | { kind: 'rateLimited' }
  | { kind: 'tooMany' }
  | { kind: 'locked'; until: number };

export class PairingError extends Error {}

function newCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return s;
}

function hash(code: string, salt: string): Buffer {
  return createHash('sha256').update(salt).update(':').update(code).digest();
}

/** Users type codes loosely: case and separators do not matter. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export class Pairing {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    /** Users a Hermes gateway on the same home paired (its files are read as they are). */
    private readonly hermes?: HermesApprovals,
  ) {}

  isApproved(platform: string, userId: string): boolean {
    return !!this.db.prepare(`SELECT 1 FROM gw_pairing_approved WHERE platform = ? AND user_id = ?`).get(platform, userId) || !!this.hermes?.has(platform, userId);
  }

  private lockedUntil(platform: string): number | undefined {
    const r = this.db.prepare(`SELECT locked_until FROM gw_pairing_lockout WHERE platform = ?`).get(platform) as { locked_until: number | null } | undefined;
    return r?.locked_until && r.locked_until > this.now() ? r.locked_until : undefined;
  }

  /** Transactions begin IMMEDIATE: the pairing CLI writes beside a live gateway (see Links.link). */
  request(platform: string, user: { id: string; name: string; chatId: string }): PairingRequestResult {
    const now = this.now();
    return this.db.transaction((): PairingRequestResult => {
      this.db.prepare(`DELETE FROM gw_pairing_pending WHERE expires_at <= ?`).run(now);
      const until = this.lockedUntil(platform);
      if (until) return { kind: 'locked', until };
      const last = this.db.prepare(`SELECT last_at FROM gw_pairing_requests WHERE platform = ? AND user_id = ?`).get(platform, user.id) as { last_at: number } | undefined;
      if (last && now - last.last_at < REQUEST_INTERVAL_MS) return { kind: 'rateLimited' };
      const pending = this.db.prepare(`SELECT COUNT(*) AS n FROM gw_pairing_pending WHERE platform = ? AND user_id != ?`).get(platform, user.id) as { n: number };
      this.db
        .prepare(`INSERT INTO gw_pairing_requests (platform, user_id, last_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET last_at = excluded.last_at`)
        .run(platform, user.id, now);
      if (pending.n >= MAX_PENDING) return { kind: 'tooMany' };
      const code = newCode();
      const salt = randomBytes(16).toString('hex');
      const expiresAt = now + CODE_TTL_MS;
      this.db
        .prepare(
          `INSERT INTO gw_pairing_pending (platform, code_hash, salt, user_id, user_name, chat_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(platform, user_id) DO UPDATE SET code_hash = excluded.code_hash, salt = excluded.salt, user_name = excluded.user_name,
             chat_id = excluded.chat_id, created_at = excluded.created_at, expires_at = excluded.expires_at`,
        )
        .run(platform, hash(code, salt).toString('hex'), salt, user.id, user.name, user.chatId, now, expiresAt);
      return { kind: 'code', code, expiresAt };
    }).immediate();
  }

  /** Approves the user who was given `code`. Throws PairingError (and counts a failure) when no code matches. */
  approve(platform: string, code: string): { userId: string; userName: string; chatId: string } {
    const now = this.now();
    const wanted = normaliseCode(code);
    // A failure is recorded, then thrown after the transaction commits (throwing inside would roll it back).
    const r = this.db.transaction((): { userId: string; userName: string; chatId: string } | PairingError => {
      const until = this.lockedUntil(platform);
      if (until) return new PairingError(`pairing approvals for ${platform} are locked until ${new Date(until).toISOString()} after ${MAX_FAILURES} wrong codes`);
      const rows = this.db.prepare(`SELECT * FROM gw_pairing_pending WHERE platform = ? AND expires_at > ?`).all(platform, now) as any[];
      const hit = rows.find((r) => timingSafeEqual(hash(wanted, r.salt), Buffer.from(r.code_hash, 'hex')));
      if (!hit) {
        const r = this.db.prepare(`SELECT failures FROM gw_pairing_lockout WHERE platform = ?`).get(platform) as { failures: number } | undefined;
        const failures = (r?.failures ?? 0) + 1;
        const locked = failures >= MAX_FAILURES ? now + LOCKOUT_MS : null;
        this.db
          .prepare(`INSERT INTO gw_pairing_lockout (platform, failures, locked_until) VALUES (?, ?, ?) ON CONFLICT(platform) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`)
          .run(platform, locked ? 0 : failures, locked);
        return new PairingError(
          locked
            ? `no pending ${platform} pairing code ${wanted}; that was the ${MAX_FAILURES}th wrong code, so approvals are locked for an hour`
            : `no pending ${platform} pairing code ${wanted} (codes expire after an hour; ${MAX_FAILURES - failures} wrong attempt(s) left before a lockout)`,
        );
      }
      this.db.prepare(`DELETE FROM gw_pairing_pending WHERE platform = ? AND user_id = ?`).run(platform, hit.user_id);
      this.db.prepare(`DELETE FROM gw_pairing_lockout WHERE platform = ?`).run(platform);
      this.db
        .prepare(`INSERT INTO gw_pairing_approved (platform, user_id, user_name, approved_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET user_name = excluded.user_name, approved_at = excluded.approved_at`)
        .run(platform, hit.user_id, hit.user_name, now);
      return { userId: hit.user_id as string, userName: hit.user_name as string, chatId: hit.chat_id as string };
    }).immediate();
    if (r instanceof PairingError) throw r;
    return r;
  }

  /** Drops a user's pending code without approving it; their next request waits out the usual interval. */
  deny(platform: string, userId: string): boolean {
    return this.db.prepare(`DELETE FROM gw_pairing_pending WHERE platform = ? AND user_id = ?`).run(platform, userId).changes > 0;
  }

  /** Revoked in both places: a user left in Hermes's file would still be let in. */
  revoke(platform: string, userId: string): boolean {
    const here = this.db.prepare(`DELETE FROM gw_pairing_approved WHERE platform = ? AND user_id = ?`).run(platform, userId).changes > 0;
    const there = this.hermes?.revoke(platform, userId) ?? false;
    return here || there;
  }

  /** Drops every pending code and request timer (approved users stay). */
  clear(): number {
    const n = this.db.prepare(`DELETE FROM gw_pairing_pending`).run().changes;
    this.db.prepare(`DELETE FROM gw_pairing_requests`).run();
    this.db.prepare(`DELETE FROM gw_pairing_lockout`).run();
    return n;
  }

  list(): { pending: { platform: string; userId: string; userName: string; expiresAt: number; createdAt: number }[]; approved: { platform: string; userId: string; userName: string; approvedAt: number }[] } {
    const now = this.now();
    return {
      pending: (this.db.prepare(`SELECT platform, user_id, user_name, expires_at, created_at FROM gw_pairing_pending WHERE expires_at > ? ORDER BY created_at`).all(now) as any[]).map((r) => ({
        platform: r.platform,
        userId: r.user_id,
        userName: r.user_name,
        expiresAt: r.expires_at,
        createdAt: r.created_at,
      })),
      approved: this.approved(),
    };
  }

  private approved(): { platform: string; userId: string; userName: string; approvedAt: number }[] {
    const here = (this.db.prepare(`SELECT platform, user_id, user_name, approved_at FROM gw_pairing_approved ORDER BY approved_at`).all() as any[]).map((r) => ({
      platform: r.platform as string,
      userId: r.user_id as string,
      userName: r.user_name as string,
      approvedAt: r.approved_at as number,
    }));
    const seen = new Set(here.map((a) => `${a.platform}\0${a.userId}`));
    const there = (this.hermes?.list() ?? []).filter((a) => !seen.has(`${a.platform}\0${a.userId}`));
    return there.length ? [...here, ...there].sort((a, b) => a.approvedAt - b.approvedAt) : here;
  }
}
