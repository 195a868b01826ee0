import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrations';
import { MAX_FAILURES, PAIRING_ALPHABET, Pairing, PairingError } from '../../../server/gateway/pairing';

let db: Database.Database;
let now: number;
let p: Pairing;

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
  now = 1_000_000_000;
  p = new Pairing(db, () => now);
});

const ask = (id: string) => p.request('telegram', { id, name: `u${id}`, chatId: id });

describe('pairing', () => {
  it('issues 8-character codes from the unambiguous alphabet, stored only as hashes', () => {
    const r = ask('1');
    if (r.kind !== 'code') throw new Error(r.kind);
    expect(r.code).toHaveLength(8);
    for (const c of r.code) expect(PAIRING_ALPHABET).toContain(c);
    expect(PAIRING_ALPHABET).not.toMatch(/[01OI]/);
    const raw = JSON.stringify(db.prepare('SELECT * FROM gw_pairing_pending').all());
    expect(raw).not.toContain(r.code);
  });

  it('approves with the code (any case), once', () => {
    const r = ask('1') as { code: string };
    expect(p.approve('telegram', r.code.toLowerCase())).toMatchObject({ userId: '1' });
    expect(p.isApproved('telegram', '1')).toBe(true);
    expect(() => p.approve('telegram', r.code)).toThrow(PairingError);
    expect(p.revoke('telegram', '1')).toBe(true);
    expect(p.isApproved('telegram', '1')).toBe(false);
  });

  it('codes expire after an hour', () => {
    const r = ask('1') as { code: string };
    now += 3600_000 + 1;
    expect(() => p.approve('telegram', r.code)).toThrow(/no pending/);
  });

  it('one request per user per 10 minutes, at most 3 pending per platform', () => {
    expect(ask('1').kind).toBe('code');
    expect(ask('1').kind).toBe('rateLimited');
    expect(ask('2').kind).toBe('code');
    expect(ask('3').kind).toBe('code');
    expect(ask('4').kind).toBe('tooMany');
    now += 600_001;
    expect(ask('1').kind).toBe('code'); // replaces the user's own code, so the cap still allows it
  });

  it('locks approvals for the platform after 5 wrong codes, even for a right one', () => {
    const r = ask('1') as { code: string };
    for (let i = 0; i < MAX_FAILURES; i++) expect(() => p.approve('telegram', 'ZZZZZZZZ')).toThrow(PairingError);
    expect(() => p.approve('telegram', r.code)).toThrow(/locked/);
    expect(ask('9').kind).toBe('locked');
    now += 3600_001;
    expect(() => p.approve('telegram', 'ZZZZZZZZ')).toThrow(/no pending/);
  });
});
