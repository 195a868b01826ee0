// Linked identities: one person's accounts on several platforms. `/link` on one platform shows a one-time code;
// `/link <code>` sent from the other account proves both are the same person (or that the first gave the code to
// the second), and from then on their direct messages on every linked platform continue one conversation. The owner
// can link accounts directly (`hermes-host pairing link telegram:1001 discord:4242`). Linking never grants access:
// each account must still be allowed on its own platform (allow list or pairing).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import { PAIRING_ALPHABET, normaliseCode } from './pairing';
import { statementCache } from './statements';

export const LINK_CODE_LENGTH = 8;
export const LINK_CODE_TTL_MS = 10 * 60_000;

export interface Account {
  platform: string;
  userId: string;
}

export class LinkError extends Error {}

const hash = (code: string) => createHash('sha256').update('hermes-link:').update(normaliseCode(code)).digest('hex');

/** `telegram:1001` → an account (the CLI's spelling). */
export function parseAccount(s: string): Account {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) throw new LinkError(`expected <platform>:<user id>, got "${s}"`);
  return { platform: s.slice(0, i).toLowerCase(), userId: s.slice(i + 1) };
}

export class Links {
  private readonly sql: (sql: string) => Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.sql = statementCache(db);
  }

  /** Asked for every direct message, so its statement is compiled once. */
  personOf(a: Account): string | undefined {
    return (this.sql(`SELECT person FROM gw_links WHERE platform = ? AND user_id = ?`).get(a.platform, a.userId) as { person: string } | undefined)?.person;
  }

  accountsOf(person: string): Account[] {
    return (this.db.prepare(`SELECT platform, user_id FROM gw_links WHERE person = ? ORDER BY linked_at`).all(person) as any[]).map((r) => ({ platform: r.platform, userId: r.user_id }));
  }

  /** A new one-time code for this account (replacing any earlier one). */
  issue(a: Account): { code: string; expiresAt: number } {
    let code = '';
    for (let i = 0; i < LINK_CODE_LENGTH; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
    const expiresAt = this.now() + LINK_CODE_TTL_MS;
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM gw_link_codes WHERE (platform = ? AND user_id = ?) OR expires_at <= ?`).run(a.platform, a.userId, this.now());
      this.db.prepare(`INSERT INTO gw_link_codes (code_hash, platform, user_id, expires_at) VALUES (?, ?, ?, ?)`).run(hash(code), a.platform, a.userId, expiresAt);
    }).immediate();
    return { code, expiresAt };
  }

  /** Redeems a code from another account: links the two; returns the account that showed the code. */
  redeem(code: string, by: Account): { person: string; issuer: Account } {
    return this.db.transaction(() => {
      const row = this.db.prepare(`SELECT platform, user_id, expires_at FROM gw_link_codes WHERE code_hash = ?`).get(hash(code)) as { platform: string; user_id: string; expires_at: number } | undefined;
      if (!row || row.expires_at <= this.now()) throw new LinkError('That link code is unknown or expired. Send /link on your other account for a new one (codes last 10 minutes).');
      const issuer = { platform: row.platform, userId: row.user_id };
      if (issuer.platform === by.platform && issuer.userId === by.userId) throw new LinkError('That code was made by this same account: send it from your account on the other platform.');
      this.db.prepare(`DELETE FROM gw_link_codes WHERE code_hash = ?`).run(hash(code));
      return { person: this.link(issuer, by), issuer };
    }).immediate();
  }

  /** Links two accounts (merging their people if both were linked already); returns the person. */
  /**
   * Write transactions here begin IMMEDIATE: `hermes-host pairing link|approve` run beside a live gateway open the
   * database themselves, and a deferred transaction that read before the gateway's next commit fails at its first
   * write with SQLITE_BUSY at once (a WAL snapshot cannot be upgraded; busy_timeout does not apply). IMMEDIATE takes
   * the write lock first and waits for it.
   */
  link(a: Account, b: Account): string {
    return this.db.transaction(() => {
      const pa = this.personOf(a);
      const pb = this.personOf(b);
      const person = pa ?? pb ?? `p_${randomBytes(8).toString('hex')}`;
      const put = this.db.prepare(`INSERT INTO gw_links (platform, user_id, person, linked_at) VALUES (?, ?, ?, ?) ON CONFLICT(platform, user_id) DO UPDATE SET person = excluded.person`);
      put.run(a.platform, a.userId, person, this.now());
      put.run(b.platform, b.userId, person, this.now());
      if (pb && pb !== person) this.db.prepare(`UPDATE gw_links SET person = ? WHERE person = ?`).run(person, pb);
      return person;
    }).immediate();
  }

  unlink(a: Account): boolean {
    return this.db.prepare(`DELETE FROM gw_links WHERE platform = ? AND user_id = ?`).run(a.platform, a.userId).changes > 0;
  }

  list(): { person: string; accounts: Account[] }[] {
    const rows = this.db.prepare(`SELECT person, platform, user_id FROM gw_links ORDER BY person, linked_at`).all() as { person: string; platform: string; user_id: string }[];
    const out = new Map<string, Account[]>();
    for (const r of rows) out.set(r.person, [...(out.get(r.person) ?? []), { platform: r.platform, userId: r.user_id }]);
    return [...out].map(([person, accounts]) => ({ person, accounts }));
  }
}
