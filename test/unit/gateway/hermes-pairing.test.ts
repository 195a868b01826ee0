import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { HermesApprovals } from '../../../server/gateway/hermes-pairing';
import { Pairing } from '../../../server/gateway/pairing';
import { migrate } from '../../../server/store/migrations';
import type { Logger } from '../../../server/util/log';

let home: string;
let now: number;
let warnings: string[];
const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;

function write(folder: string, platform: string, users: unknown): string {
  const dir = join(home, folder);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${platform}-approved.json`);
  writeFileSync(path, typeof users === 'string' ? users : JSON.stringify(users));
  return path;
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'hermes-hpair-'));
  now = 1_000_000;
  warnings = [];
});

describe("Hermes's paired users", () => {
  it('counts the users in platforms/pairing/<platform>-approved.json, per platform', () => {
    write('platforms/pairing', 'telegram', { '42': { user_name: 'alice', approved_at: 1_700_000_000.25 } });
    const h = new HermesApprovals(home, log);
    expect(h.has('telegram', '42')).toBe(true);
    expect(h.has('discord', '42')).toBe(false);
    expect(h.has('telegram', '43')).toBe(false);
    expect(h.list()).toEqual([{ platform: 'telegram', userId: '42', userName: 'alice', approvedAt: 1_700_000_000_250 }]);
  });

  it("uses the older pairing/ folder when it exists, as Hermes does", () => {
    write('platforms/pairing', 'slack', { U1: {} });
    write('pairing', 'slack', { U2: {} });
    const h = new HermesApprovals(home, log);
    expect(h.has('slack', 'U2')).toBe(true);
    expect(h.has('slack', 'U1')).toBe(false);
  });

  it('sees a file written or changed later (hermes pairing approve run meanwhile), at once', () => {
    const h = new HermesApprovals(home, log);
    expect(h.has('telegram', '7')).toBe(false);
    write('platforms/pairing', 'telegram', { '7': { user_name: 'x', approved_at: 1 } });
    expect(h.has('telegram', '7')).toBe(true);
  });

  it('reads a broken file as nobody, says once which file, and reads it again once fixed', () => {
    const path = write('platforms/pairing', 'telegram', '{ "42": ');
    const h = new HermesApprovals(home, log);
    expect(h.has('telegram', '42')).toBe(false);
    expect(h.has('telegram', '42')).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    writeFileSync(path, '["42"]');
    expect(h.has('telegram', '42')).toBe(false);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/expected a JSON object/);
    writeFileSync(path, JSON.stringify({ '42': { user_name: 'a', approved_at: 2 } }));
    expect(h.has('telegram', '42')).toBe(true);
  });

  it('through Pairing: approved either way, listed once, and revoked in both places', () => {
    const path = write('platforms/pairing', 'telegram', { '42': { user_name: 'alice', approved_at: 5 }, '43': { user_name: 'bob', approved_at: 6 } });
    const db = new Database(':memory:');
    migrate(db);
    const p = new Pairing(db, () => now, new HermesApprovals(home, log));
    db.prepare(`INSERT INTO gw_pairing_approved (platform, user_id, user_name, approved_at) VALUES ('telegram', '42', 'alice', 9000)`).run();
    expect(p.isApproved('telegram', '43')).toBe(true);
    expect(p.list().approved.map((a) => `${a.userId}:${a.approvedAt}`)).toEqual(['43:6000', '42:9000']);

    expect(p.revoke('telegram', '42')).toBe(true);
    expect(p.isApproved('telegram', '42')).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ '43': { user_name: 'bob', approved_at: 6 } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Only in Hermes's file: revoking still works and says so.
    expect(p.revoke('telegram', '43')).toBe(true);
    expect(p.isApproved('telegram', '43')).toBe(false);
    expect(p.revoke('telegram', '43')).toBe(false);
  });
});
