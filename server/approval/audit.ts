// Every approval request and decision, with who answered, in state.db: for the user's own review and audits.
import type Database from 'better-sqlite3';
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
    return threadId
      ? (this.db.prepare('SELECT * FROM approvals WHERE thread_id = ? ORDER BY id DESC LIMIT ?').all(threadId, limit) as AuditRow[])
      : (this.db.prepare('SELECT * FROM approvals ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[]);
  }
}
