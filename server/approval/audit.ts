// Every approval request and decision, with who answered, in state.db: for the user's own review and audits.
import type Database from 'better-sqlite3';
import type { ApprovalAuditEntry, ApprovalsListResult } from '../protocol/approvals';
import { redact } from '../util/redact';

export interface AuditRow {
  id: number;
  request_id: string | null;
  thread_id: string | null;
  turn_id: string | null;
  item_id: string | null;
  tool: string;
  kind: string;
  subject: string;
  cwd: string | null;
  backend: string | null;
  verdict: string;
  reasons: string;
  decision: string | null;
  answered_by: string | null;
  requested_at: number;
  decided_at: number | null;
}

export class ApprovalAudit {
  private readonly insert;
  private readonly decide;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO approvals (request_id, thread_id, turn_id, item_id, tool, kind, subject, cwd, backend, verdict, reasons, requested_at)
       VALUES (@requestId, @threadId, @turnId, @itemId, @tool, @kind, @subject, @cwd, @backend, @verdict, @reasons, @now)`,
    );
    this.decide = db.prepare('UPDATE approvals SET decision = ?, answered_by = ?, decided_at = ? WHERE id = ?');
  }

  /** Records a request (or an automatic decision); returns the row id to complete with `decided`. */
  requested(r: {
    requestId?: string;
    threadId: string;
    turnId: string;
    itemId: string;
    tool: string;
    kind: string;
    subject: string;
    cwd?: string;
    backend?: string;
    verdict: string;
    reasons: string[];
  }): number {
    const res = this.insert.run({
      requestId: r.requestId ?? null,
      threadId: r.threadId,
      turnId: r.turnId,
      itemId: r.itemId,
      tool: r.tool,
      kind: r.kind,
      subject: redact(r.subject),
      cwd: r.cwd ?? null,
      backend: r.backend ?? null,
      verdict: r.verdict,
      reasons: JSON.stringify(r.reasons),
      now: Date.now(),
    });
    return Number(res.lastInsertRowid);
  }

  decided(id: number, decision: string, answeredBy: string): void {
    this.decide.run(decision, answeredBy, Date.now(), id);
  }

  list(threadId?: string, limit = 100): AuditRow[] {
    return listAudit(this.db, { threadId, limit }).rows;
  }
}

/** Audit rows, newest first, `limit` at a time; `cursor` is the last page's nextCursor. Works on a read-only db. */
export function listAudit(
  db: Database.Database,
  q: { threadId?: string; limit?: number; cursor?: string },
): { rows: AuditRow[]; nextCursor?: string } {
  const limit = q.limit ?? 50;
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.threadId) where.push('thread_id = ?'), args.push(q.threadId);
  if (q.cursor) where.push('id < ?'), args.push(Number(q.cursor));
  const sql = `SELECT * FROM approvals ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...args, limit + 1) as AuditRow[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return { rows, nextCursor: more ? String(rows[rows.length - 1].id) : undefined };
}

function parseReasons(s: string): string[] {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [String(v)];
  } catch {
    return [s];
  }
}

export function auditEntry(r: AuditRow): ApprovalAuditEntry {
  return {
    id: r.id,
    requestId: r.request_id,
    time: r.requested_at,
    threadId: r.thread_id,
    turnId: r.turn_id,
    itemId: r.item_id,
    tool: r.tool,
    kind: r.kind,
    subject: r.subject,
    cwd: r.cwd,
    backend: r.backend,
    verdict: r.verdict,
    reasons: parseReasons(r.reasons),
    decision: r.decision,
    answeredBy: r.answered_by,
    decidedAt: r.decided_at,
  };
}

export function listAuditEntries(db: Database.Database, q: { threadId?: string; limit?: number; cursor?: string }): ApprovalsListResult {
  const { rows, nextCursor } = listAudit(db, q);
  return { entries: rows.map(auditEntry), ...(nextCursor ? { nextCursor } : {}) };
}
