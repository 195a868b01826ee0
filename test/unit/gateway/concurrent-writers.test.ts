// The pairing CLI writes to the database a live gateway also writes to. A deferred transaction that has read, then
// meets another connection's commit before its first write, fails at once with SQLITE_BUSY (WAL snapshots cannot be
// upgraded); IMMEDIATE ones take the write lock first. This drives that interleaving deterministically.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Links } from '../../../server/gateway/links';
import { Pairing } from '../../../server/gateway/pairing';
import { openDatabase } from '../../../server/store/db';

describe('pairing and links beside another writer', () => {
  it('a deferred transaction fails outright when another connection commits between its read and its write; link and approve hold the write lock from the start', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hermes-conc-')), 'h.db');
    const cli = openDatabase(path);
    const gateway = openDatabase(path);
    gateway.pragma('busy_timeout = 0');
    const otherCommit = () => gateway.prepare(`INSERT OR REPLACE INTO gw_pairing_requests (platform, user_id, last_at) VALUES ('slack', 'x', ?)`).run(Date.now());

    // The failure this guards against: read, another commit, write → SQLITE_BUSY at once, whatever busy_timeout says.
    expect(() =>
      cli.transaction(() => {
        cli.prepare(`SELECT COUNT(*) FROM gw_links`).get();
        otherCommit();
        cli.prepare(`INSERT INTO gw_links (platform, user_id, person, linked_at) VALUES ('a', 'b', 'p', 1)`).run();
      })(),
    ).toThrow(/locked|busy/i);

    const code = new Pairing(gateway).request('telegram', { id: '7', name: 'u7', chatId: '7' });
    if (code.kind !== 'code') throw new Error(code.kind);
    // Inside link/approve, another writer cannot commit between their read and their write: it is kept waiting.
    const attempts: string[] = [];
    const origPrepare = cli.prepare.bind(cli);
    (cli as { prepare: typeof cli.prepare }).prepare = ((sql: string) => {
      if (cli.inTransaction && /^\s*SELECT/i.test(sql) && attempts.length < 2) {
        try {
          otherCommit();
          attempts.push('committed');
        } catch {
          attempts.push('waited');
        }
      }
      return origPrepare(sql);
    }) as typeof cli.prepare;
    expect(new Links(cli).link({ platform: 'telegram', userId: '1' }, { platform: 'slack', userId: 'U1' })).toMatch(/^p_/);
    expect(new Pairing(cli).approve('telegram', code.code).userId).toBe('7');
    expect(attempts).toEqual(['waited', 'waited']);
    cli.close();
    gateway.close();
  });
});
