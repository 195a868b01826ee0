// Every subagent is a row here before it starts, so a host that dies mid-delegation leaves a record the next host
// can act on: children still `running` are marked interrupted and their parent is told, and a background result
// that finished but was never delivered to its parent is delivered then.
import type Database from 'better-sqlite3';
import type { Migration } from '../store/migrations';
import type { Usage } from '../protocol';

export const delegationMigrations: Migration[] = [
  {
    version: 13,
    name: 'delegations: subagent records (parent, child thread, status, result, delivery)',
    up(db) {
      db.exec(`
        CREATE TABLE delegations (
          id TEXT PRIMARY KEY,
          parent_thread_id TEXT NOT NULL,
          parent_turn_id TEXT,
          -- The delegate_task call that started it: its item is updated when a background child ends.
          parent_call_id TEXT,
          child_thread_id TEXT NOT NULL,
          goal TEXT NOT NULL,
          background INTEGER NOT NULL DEFAULT 0,
          status TEXT NOT NULL,
          summary TEXT,
          result TEXT,
          owner_pid INTEGER NOT NULL,
          started_at INTEGER NOT NULL,
          completed_at INTEGER,
          -- Background results reach the parent as a notice turn; NULL until that turn has started.
          delivered_at INTEGER
        );
        CREATE INDEX idx_delegations_parent ON delegations(parent_thread_id, started_at);
        CREATE INDEX idx_delegations_status ON delegations(status);
      `);
    },
  },
];

export type ChildStatus = 'running' | 'completed' | 'failed' | 'interrupted' | 'timeout' | 'error';

/** What a parent learns of one child: Hermes's result fields, in our words. */
export interface ChildResult {
  delegation_id: string;
  child_thread_id: string;
  goal: string;
  status: ChildStatus;
  summary: string;
  iterations: number;
  tokens: { prompt: number; completion: number; total: number };
  cost_usd: number | null;
  duration_seconds: number;
  error?: string;
}

export interface DelegationRow {
  id: string;
  parent_thread_id: string;
  parent_turn_id: string | null;
  parent_call_id: string | null;
  child_thread_id: string;
  goal: string;
  background: number;
  status: ChildStatus;
  summary: string | null;
  result: string | null;
  owner_pid: number;
  started_at: number;
  completed_at: number | null;
  delivered_at: number | null;
}

export class DelegationStore {
  constructor(private readonly db: Database.Database) {}

  insert(r: { id: string; parentThreadId: string; parentTurnId?: string; parentCallId?: string; childThreadId: string; goal: string; background: boolean }): void {
    this.db
      .prepare(
        `INSERT INTO delegations (id, parent_thread_id, parent_turn_id, parent_call_id, child_thread_id, goal, background, status, owner_pid, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(r.id, r.parentThreadId, r.parentTurnId ?? null, r.parentCallId ?? null, r.childThreadId, r.goal, r.background ? 1 : 0, process.pid, Date.now());
  }

  /**
   * The stored item of the delegate_task call that started `row`, with `patch` applied to its entry for the child;
   * returns the new item (to announce), or undefined when the call's message is not found.
   */
  patchCallItem(row: DelegationRow, patch: Record<string, unknown>): { item: Record<string, unknown>; turnId: string | null } | undefined {
    if (!row.parent_call_id) return undefined;
    const msg = this.db
      .prepare<[string, string], { id: number; item: string | null; turn_id: string | null }>(
        `SELECT id, item, turn_id FROM messages WHERE thread_id = ? AND tool_call_id = ? AND role = 'tool' ORDER BY id DESC LIMIT 1`,
      )
      .get(row.parent_thread_id, row.parent_call_id);
    if (!msg?.item) return undefined;
    const items = JSON.parse(msg.item) as Record<string, unknown>[];
    const item = items[0];
    const children = (item?.children as Record<string, unknown>[] | undefined) ?? [];
    const child = children.find((c) => c.threadId === row.child_thread_id);
    if (!item || !child) return undefined;
    Object.assign(child, patch);
    this.db.prepare('UPDATE messages SET item = ? WHERE id = ?').run(JSON.stringify(items), msg.id);
    return { item, turnId: msg.turn_id };
  }

  finish(id: string, result: ChildResult): void {
    this.db
      .prepare(`UPDATE delegations SET status = ?, summary = ?, result = ?, completed_at = ? WHERE id = ?`)
      .run(result.status, result.summary, JSON.stringify(result), Date.now(), id);
  }

  markDelivered(id: string): void {
    this.db.prepare('UPDATE delegations SET delivered_at = ? WHERE id = ?').run(Date.now(), id);
  }

  get(id: string): DelegationRow | undefined {
    return this.db.prepare<[string], DelegationRow>('SELECT * FROM delegations WHERE id = ?').get(id);
  }

  ofParent(parentThreadId: string): DelegationRow[] {
    return this.db.prepare<[string], DelegationRow>('SELECT * FROM delegations WHERE parent_thread_id = ? ORDER BY started_at').all(parentThreadId);
  }

  /** Children a previous host left running: closed as interrupted, returned so their parents can be told. */
  closeOrphans(): DelegationRow[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare<[], DelegationRow>(`SELECT * FROM delegations WHERE status = 'running'`).all();
      const upd = this.db.prepare(`UPDATE delegations SET status = 'interrupted', summary = ?, result = ?, completed_at = ? WHERE id = ?`);
      for (const r of rows) {
        const summary = 'The host stopped while this subagent was running; it did not finish. Its thread keeps what it did up to then.';
        const result: ChildResult = {
          delegation_id: r.id,
          child_thread_id: r.child_thread_id,
          goal: r.goal,
          status: 'interrupted',
          summary,
          iterations: 0,
          tokens: { prompt: 0, completion: 0, total: 0 },
          cost_usd: null,
          duration_seconds: 0,
          error: 'the host stopped while it ran',
        };
        upd.run(summary, JSON.stringify(result), Date.now(), r.id);
        r.status = 'interrupted';
        r.summary = summary;
        r.result = JSON.stringify(result);
      }
      return rows;
    })();
  }

  /** Background results finished but never handed to their parent (the host stopped in between). */
  undelivered(): DelegationRow[] {
    return this.db
      .prepare<[], DelegationRow>(`SELECT * FROM delegations WHERE background = 1 AND status != 'running' AND delivered_at IS NULL ORDER BY completed_at`)
      .all();
  }

  runningBackground(): number {
    return this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM delegations WHERE background = 1 AND status = 'running'`).get()!.n;
  }
}

export function usageTokens(u: Usage | undefined): ChildResult['tokens'] {
  return { prompt: u?.promptTokens ?? 0, completion: u?.completionTokens ?? 0, total: u?.totalTokens ?? 0 };
}
