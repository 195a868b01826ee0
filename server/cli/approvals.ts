// `hermes-host approvals log`: the approval audit straight from the host's database (hermes-host.db), opened read-only, so it works the same
// with or without a running host (and never takes a write lock a running host would wait on).
import { openDatabase } from '../store/sqlite';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { homePaths } from '../config/home';
import type { ApprovalAuditEntry, ApprovalsListResult } from '../protocol/approvals';

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatEntry(e: ApprovalAuditEntry): string {
  const decision = e.decision ?? 'pending';
  const by = e.answeredBy ? ` by ${e.answeredBy}` : '';
  const head = `${when(e.time)}  ${decision}${by}  ${e.tool} ${e.kind}: ${e.subject}`;
  const meta = [`thread ${e.threadId ?? '-'}`, `turn ${e.turnId ?? '-'}`, e.requestId ? `request ${e.requestId}` : 'not asked', `verdict ${e.verdict}`];
  if (e.decidedAt !== null) meta.push(`decided ${when(e.decidedAt)}`);
  return [head, `    ${meta.join('  ')}`, ...e.reasons.map((r) => `    - ${r}`)].join('\n');
}

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new Error(`--limit must be a whole number from 1 to 1000 (got ${JSON.stringify(v)})`);
  return Number(v);
}

export async function readApprovalLog(dbPath: string, q: { threadId?: string; limit?: number; cursor?: string }): Promise<ApprovalsListResult> {
  if (!existsSync(dbPath)) return { entries: [] };
  const db = openDatabase(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'approvals'").get();
    if (!hasTable) return { entries: [] };
    const { listAuditEntries } = await import('../approval/audit');
    return listAuditEntries(db, q);
  } finally {
    db.close();
  }
}

export function approvalsCommand(home: (cmd: Command) => string, fail: (e: unknown) => never): Command {
  const approvals = new Command('approvals').description('the approval audit: what was asked, decided, and by whom');
  approvals
    .command('log')
    .description('list audited approval requests and decisions, newest first (reads hermes-host.db; no host needed)')
    .option('--thread <id>', 'only this thread')
    .option('--limit <n>', 'how many entries (1-1000)', '20')
    .option('--cursor <c>', 'continue after the last page (its nextCursor)')
    .option('--json', 'print { entries, nextCursor } as JSON')
    .action(async (opts, cmd: Command) => {
      try {
        const limit = positiveInt(opts.limit);
        if (opts.cursor !== undefined && !/^\d+$/.test(opts.cursor)) throw new Error(`--cursor must be a nextCursor from an earlier page (got ${JSON.stringify(opts.cursor)})`);
        const res = await readApprovalLog(homePaths(home(cmd)).db, { threadId: opts.thread, limit, cursor: opts.cursor });
        if (opts.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
        else if (!res.entries.length) process.stdout.write(opts.thread ? `no approvals recorded for thread ${opts.thread}\n` : 'no approvals recorded\n');
        else {
          process.stdout.write(res.entries.map(formatEntry).join('\n') + '\n');
          if (res.nextCursor) process.stdout.write(`(more: --cursor ${res.nextCursor})\n`);
        }
      } catch (e) {
        fail(e);
      }
    });
  return approvals;
}
