// The users a Hermes gateway on the same home has already paired. Hermes keeps them in
// `<home>/platforms/pairing/<platform>-approved.json` (or `<home>/pairing/` when that older folder exists), as
// `{ "<user id>": { "user_name": …, "approved_at": <unix seconds> } }`. A Hermes user who points hermes-host at their
// home expects the people they paired from their phone to keep working, and `hermes pairing approve` run there
// later to count too, so the files are read as they are (re-read when they change), not imported once. Revoking a
// user here removes them from the file as well: otherwise the file would let them straight back in.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../util/log';

export interface HermesApproved {
  platform: string;
  userId: string;
  userName: string;
  /** Milliseconds, like the rest of the pairing API (Hermes writes seconds). */
  approvedAt: number;
}

interface Entry {
  user_name?: unknown;
  approved_at?: unknown;
}

export class HermesApprovals {
  /** Each file as last read, with the stat it was read at: a stat per check (~2 µs) makes a revoke take effect at once. */
  private readonly files = new Map<string, { stamp: string; users: Record<string, Entry> }>();
  /** The version of each file last warned about: a file fixed and broken again is worth a new warning. */
  private readonly warned = new Map<string, string>();

  constructor(
    private readonly home: string,
    private readonly log?: Logger,
  ) {}

  /** Hermes's own rule: the older `pairing/` folder wins when it exists. */
  private dir(): string {
    const legacy = join(this.home, 'pairing');
    return existsSync(legacy) ? legacy : join(this.home, 'platforms', 'pairing');
  }

  private path(platform: string): string {
    return join(this.dir(), `${platform}-approved.json`);
  }

  private users(platform: string): Record<string, Entry> {
    const path = this.path(platform);
    let stamp = '';
    try {
      const st = statSync(path);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      // No file: nobody paired on this platform under Hermes.
    }
    const cached = this.files.get(path);
    if (cached && cached.stamp === stamp) return cached.users;
    const users = stamp ? this.parse(path, stamp) : {};
    this.files.set(path, { stamp, users });
    return users;
  }

  /** Hermes reads a broken file as empty; so does this, saying once per version which file it skipped and why. */
  private parse(path: string, stamp: string): Record<string, Entry> {
    try {
      const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, Entry>;
      throw new Error('expected a JSON object of user id → { user_name, approved_at }');
    } catch (e) {
      if (this.warned.get(path) !== stamp) {
        this.warned.set(path, stamp);
        this.log?.warn(`ignoring Hermes's paired users in ${path}: ${(e as Error).message}`);
      }
      return {};
    }
  }

  has(platform: string, userId: string): boolean {
    return Object.hasOwn(this.users(platform), userId.trim());
  }

  /** Every platform's file in the folder, Hermes's other platforms included. */
  list(): HermesApproved[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir());
    } catch {
      return [];
    }
    const out: HermesApproved[] = [];
    for (const platform of names.flatMap((n) => /^(.+)-approved\.json$/.exec(n)?.[1] ?? [])) {
      for (const [userId, e] of Object.entries(this.users(platform))) {
        const at = typeof e?.approved_at === 'number' ? e.approved_at * 1000 : 0;
        out.push({ platform, userId, userName: typeof e?.user_name === 'string' ? e.user_name : '', approvedAt: Math.round(at) });
      }
    }
    return out;
  }

  /** Removes the user from Hermes's file, written as Hermes writes it: a whole new file renamed into place, 0600. */
  revoke(platform: string, userId: string): boolean {
    const path = this.path(platform);
    const users = this.users(platform);
    if (!Object.hasOwn(users, userId.trim())) return false;
    const rest = { ...users };
    delete rest[userId.trim()];
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(rest, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
    return true;
  }
}
