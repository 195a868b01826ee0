// Threads, turns and messages. Every write is a synchronous SQLite transaction, so by the time a caller
// announces something to a client it is already committed.
import type Database from 'better-sqlite3';
import type { ErrorInfo, Item, Thread, TodoItem, Turn, TurnStatus, Usage } from '../protocol';

export interface ThreadRow {
  id: string;
  title: string;
  cwd: string;
  model: string;
  source: string;
  system_prompt: string | null;
  parent_id: string | null;
  parent_kind: string | null;
  created_at: number;
  updated_at: number;
  archived: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  todos: string | null;
}

interface TurnRow {
  id: string;
  thread_id: string;
  seq: number;
  status: TurnStatus;
  error: string | null;
  model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  started_at: number;
  completed_at: number | null;
  active: number;
}

/** A stored chat message, in the shape the model API uses. */
export interface StoredMessage {
  id: number;
  threadId: string;
  turnId: string | null;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  reasoning: string | null;
  toolCalls: { id: string; name: string; arguments: string }[] | null;
  toolCallId: string | null;
  toolName: string | null;
  /** The items this message is shown as (reasoning + agent message, or one tool item). */
  items: Item[];
  createdAt: number;
}

export type NewMessage = Omit<StoredMessage, 'id' | 'createdAt'>;

export const emptyUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  const cost = a.costUsd == null && b.costUsd == null ? a.costUsd ?? b.costUsd : (a.costUsd ?? 0) + (b.costUsd ?? 0);
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cachedTokens: (a.cachedTokens ?? 0) + (b.cachedTokens ?? 0) || undefined,
    reasoningTokens: (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0) || undefined,
    costUsd: cost,
  };
}

/** A stored row's token counters as protocol usage. */
export function usageOf(r: {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
}): Usage {
  return {
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    totalTokens: r.prompt_tokens + r.completion_tokens,
    ...(r.cached_tokens ? { cachedTokens: r.cached_tokens } : {}),
    ...(r.reasoning_tokens ? { reasoningTokens: r.reasoning_tokens } : {}),
    ...(r.cost_usd != null ? { costUsd: r.cost_usd } : {}),
  };
}

export class ThreadStore {
  private readonly q;

  /** Statements prepared once per SQL text: preparing is a large part of a short call (history marks, lineage
   * lookups run for every message of a busy gateway). */
  private readonly prepared = new Map<string, Database.Statement<any, any>>();

  /**
   * compactionSuccessor answers, kept: every message of a busy gateway asks several times which thread continues a
   * conversation, and the answer only changes when this process starts a compressed thread (one host owns the
   * database) or deletes one — both clear it.
   */
  private readonly successors = new Map<string, string | undefined>();

  private prep<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let st = this.prepared.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.prepared.set(sql, st);
    }
    return st as Database.Statement<P, R>;
  }

  constructor(
    private readonly db: Database.Database,
    /** Told after messages are stored (the search index picks them up in batches, see search-index.ts). */
    private readonly onMessages: () => void = () => {},
  ) {
    this.q = {
      getThread: db.prepare<[string], ThreadRow>('SELECT * FROM threads WHERE id = ?'),
      insertThread: db.prepare(
        `INSERT INTO threads (id, title, cwd, model, source, system_prompt, parent_id, parent_kind, created_at, updated_at)
         VALUES (@id, @title, @cwd, @model, @source, @system_prompt, @parent_id, @parent_kind, @now, @now)`,
      ),
      turnCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM turns WHERE thread_id = ? AND active = 1'),
      insertTurn: db.prepare(
        `INSERT INTO turns (id, thread_id, seq, status, model, started_at)
         VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE thread_id = ?), 'inProgress', ?, ?)`,
      ),
      getTurn: db.prepare<[string], TurnRow>('SELECT * FROM turns WHERE id = ?'),
      turnsOf: db.prepare<[string], TurnRow>('SELECT * FROM turns WHERE thread_id = ? AND active = 1 ORDER BY seq'),
      completeTurn: db.prepare(
        `UPDATE turns SET status = @status, error = @error, completed_at = @now, prompt_tokens = @p,
           completion_tokens = @c, cached_tokens = @cached, reasoning_tokens = @r, cost_usd = @cost WHERE id = @id`,
      ),
      addThreadUsage: db.prepare(
        `UPDATE threads SET prompt_tokens = prompt_tokens + @p, completion_tokens = completion_tokens + @c,
           cached_tokens = cached_tokens + @cached, reasoning_tokens = reasoning_tokens + @r,
           cost_usd = CASE WHEN @cost IS NULL THEN cost_usd ELSE COALESCE(cost_usd, 0) + @cost END,
           updated_at = @now WHERE id = @id`,
      ),
      insertMessage: db.prepare(
        `INSERT INTO messages (thread_id, turn_id, role, content, reasoning, tool_calls, tool_call_id, tool_name, item, created_at)
         VALUES (@threadId, @turnId, @role, @content, @reasoning, @toolCalls, @toolCallId, @toolName, @item, @now)`,
      ),
      touch: db.prepare('UPDATE threads SET updated_at = ? WHERE id = ?'),
      history: db.prepare<[string], any>('SELECT * FROM messages WHERE thread_id = ? AND active = 1 ORDER BY id'),
    };
  }

  get database(): Database.Database {
    return this.db;
  }

  createThread(t: {
    id: string;
    title?: string;
    cwd: string;
    model: string;
    source: string;
    systemPrompt: string | null;
    parentId?: string;
    parentKind?: 'fork' | 'compression' | 'delegate';
  }): ThreadRow {
    if (t.parentKind === 'compression') this.successors.clear();
    this.q.insertThread.run({
      id: t.id,
      title: t.title ?? '',
      cwd: t.cwd,
      model: t.model,
      source: t.source,
      system_prompt: t.systemPrompt,
      parent_id: t.parentId ?? null,
      parent_kind: t.parentKind ?? null,
      now: Date.now(),
    });
    // Nothing continues a thread yet: its first turns need not ask the database (see compactionSuccessor).
    if (!this.db.inTransaction) this.rememberSuccessor(t.id, undefined);
    return this.getThreadRow(t.id)!;
  }

  getThreadRow(id: string): ThreadRow | undefined {
    return this.q.getThread.get(id);
  }

  toThread(row: ThreadRow, active: boolean): Thread {
    return {
      id: row.id,
      title: row.title,
      cwd: row.cwd,
      model: row.model,
      source: row.source,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      archived: row.archived === 1,
      status: active ? 'active' : 'idle',
      ...(row.parent_id ? { parentId: row.parent_id } : {}),
      ...(row.parent_kind ? { parentKind: row.parent_kind as 'fork' | 'compression' | 'delegate' } : {}),
      conversationId: this.conversationOf(row),
      usage: usageOf(row),
      turnCount: this.q.turnCount.get(row.id)!.n,
    };
  }

  listThreads(opts: { archived?: boolean; limit: number; cursor?: string }): { rows: ThreadRow[]; nextCursor?: string } {
    // Keyset pagination on (updated_at, id): stable while new threads arrive.
    const archived = opts.archived ? 1 : 0;
    let rows: ThreadRow[];
    if (opts.cursor) {
      const [u, id] = Buffer.from(opts.cursor, 'base64url').toString().split('|');
      rows = this
        .prep<[number, number, number, string, number], ThreadRow>(
          `SELECT * FROM threads WHERE archived = ? AND (updated_at < ? OR (updated_at = ? AND id < ?))
           ORDER BY updated_at DESC, id DESC LIMIT ?`,
        )
        .all(archived, Number(u), Number(u), id, opts.limit + 1);
    } else {
      rows = this
        .prep<[number, number], ThreadRow>(
          'SELECT * FROM threads WHERE archived = ? ORDER BY updated_at DESC, id DESC LIMIT ?',
        )
        .all(archived, opts.limit + 1);
    }
    let nextCursor: string | undefined;
    if (rows.length > opts.limit) {
      rows = rows.slice(0, opts.limit);
      const last = rows[rows.length - 1];
      nextCursor = Buffer.from(`${last.updated_at}|${last.id}`).toString('base64url');
    }
    return { rows, nextCursor };
  }

  updateThread(id: string, fields: Partial<Pick<ThreadRow, 'title' | 'archived' | 'model' | 'todos' | 'cwd'>>): void {
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    if (!keys.length) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    this.prep(`UPDATE threads SET ${sets}, updated_at = @now WHERE id = @id`).run({ ...fields, id, now: Date.now() });
  }

  deleteThread(id: string): void {
    this.successors.clear();
    this.prep('DELETE FROM threads WHERE id = ?').run(id);
  }

  setTodos(threadId: string, todos: TodoItem[]): void {
    this.prep('UPDATE threads SET todos = ? WHERE id = ?').run(JSON.stringify(todos), threadId);
  }

  getTodos(threadId: string): TodoItem[] {
    const r = this.prep<[string], { todos: string | null }>('SELECT todos FROM threads WHERE id = ?').get(threadId);
    return r?.todos ? (JSON.parse(r.todos) as TodoItem[]) : [];
  }

  createTurn(id: string, threadId: string, model: string): Turn {
    const now = Date.now();
    this.db.transaction(() => {
      this.q.insertTurn.run(id, threadId, threadId, model, now);
      this.q.touch.run(now, threadId);
    })();
    return this.toTurn(this.q.getTurn.get(id)!);
  }

  getTurn(id: string): Turn | undefined {
    const r = this.q.getTurn.get(id);
    return r ? this.toTurn(r) : undefined;
  }

  completeTurn(id: string, threadId: string, status: TurnStatus, usage: Usage, error?: ErrorInfo): Turn {
    const now = Date.now();
    const u = {
      p: usage.promptTokens,
      c: usage.completionTokens,
      cached: usage.cachedTokens ?? 0,
      r: usage.reasoningTokens ?? 0,
      cost: usage.costUsd ?? null,
    };
    this.db.transaction(() => {
      this.q.completeTurn.run({ id, status, error: error ? JSON.stringify(error) : null, now, ...u });
      this.q.addThreadUsage.run({ id: threadId, now, ...u });
    })();
    return this.toTurn(this.q.getTurn.get(id)!);
  }

  listTurns(threadId: string): Turn[] {
    return this.q.turnsOf.all(threadId).map((r) => this.toTurn(r));
  }

  private toTurn(r: TurnRow): Turn {
    return {
      id: r.id,
      threadId: r.thread_id,
      status: r.status,
      ...(r.error ? { error: JSON.parse(r.error) as ErrorInfo } : {}),
      usage: usageOf(r),
      ...(r.model ? { model: r.model } : {}),
      startedAt: r.started_at,
      ...(r.completed_at ? { completedAt: r.completed_at } : {}),
    };
  }

  /** Turns left `inProgress` by a host that died are closed as interrupted when the store is opened again. */
  closeOrphanedTurns(): number {
    const res = this
      .prep(
        `UPDATE turns SET status = 'interrupted', completed_at = ?, error = ? WHERE status = 'inProgress'`,
      )
      .run(Date.now(), JSON.stringify({ kind: 'Internal', message: 'the host stopped during this turn' }));
    return res.changes;
  }

  insertMessage(m: NewMessage): number {
    const now = Date.now();
    const id = this.db.transaction(() => {
      const r = this.q.insertMessage.run({
        threadId: m.threadId,
        turnId: m.turnId,
        role: m.role,
        content: m.content,
        reasoning: m.reasoning,
        toolCalls: m.toolCalls ? JSON.stringify(m.toolCalls) : null,
        toolCallId: m.toolCallId,
        toolName: m.toolName,
        item: m.items.length ? JSON.stringify(m.items) : null,
        now,
      });
      this.q.touch.run(now, m.threadId);
      return Number(r.lastInsertRowid);
    })();
    this.onMessages();
    return id;
  }

  /** The thread's active messages in order: what the model sees (after the system prompt). */
  history(threadId: string): StoredMessage[] {
    return this.q.history.all(threadId).map(toMessage);
  }

  /** The stored images a thread's messages name (its user messages' image parts). */
  attachmentsOf(threadId: string): string[] {
    const ids = new Set<string>();
    const rows = this.prep<[string], { item: string }>(`SELECT item FROM messages WHERE thread_id = ? AND role = 'user' AND instr(item, '"attachmentId"') > 0`).all(threadId);
    for (const r of rows) for (const m of r.item.matchAll(/"attachmentId":"([0-9a-f]{64})"/g)) ids.add(m[1]);
    return [...ids];
  }

  /** Whether any message of any thread still names this stored image. */
  attachmentInUse(attachmentId: string): boolean {
    return !!this.prep<[string], { one: number }>('SELECT 1 AS one FROM messages WHERE instr(item, ?) > 0 LIMIT 1').get(`"attachmentId":"${attachmentId}"`);
  }

  /** Whether any message of the thread (its transcript items) names this stored image. */
  mentions(threadId: string, attachmentId: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(attachmentId)) return false;
    return !!this.prep<[string, string], { one: number }>("SELECT 1 AS one FROM messages WHERE thread_id = ? AND instr(item, ?) > 0 LIMIT 1").get(threadId, `"attachmentId":"${attachmentId}"`);
  }

  /**
   * The same messages with display items only on user messages (their image parts go to the model; everything
   * else has `items` empty): what a model call needs. Parsing every message's items again for each call of a long
   * conversation is work nobody uses.
   */
  modelHistory(threadId: string): StoredMessage[] {
    return this
      .prep<[string], any>(
        "SELECT id, thread_id, turn_id, role, content, reasoning, tool_calls, tool_call_id, tool_name, CASE WHEN role = 'user' THEN item END AS item, created_at FROM messages WHERE thread_id = ? AND active = 1 ORDER BY id",
      )
      .all(threadId)
      .map(toMessage);
  }

  /** Drops the latest `n` active turns from the model's view and the thread's items; the rows stay. */
  rollback(threadId: string, n: number): string[] {
    return this.db.transaction(() => {
      const ids = this
        .prep<[string, number], { id: string }>(
          'SELECT id FROM turns WHERE thread_id = ? AND active = 1 ORDER BY seq DESC LIMIT ?',
        )
        .all(threadId, n)
        .map((r) => r.id);
      const mark = this.prep('UPDATE turns SET active = 0 WHERE id = ?');
      // Scoped to the thread: a turn moved by compression keeps its earlier messages in the parent thread.
      const markMsgs = this.prep('UPDATE messages SET active = 0 WHERE turn_id = ? AND thread_id = ?');
      for (const id of ids) {
        mark.run(id);
        markMsgs.run(id, threadId);
      }
      this.q.touch.run(Date.now(), threadId);
      return ids;
    })();
  }

  /** Highest active message id of a thread and how many active messages it has: a cheap mark of its history. */
  historyMark(threadId: string): { maxId: number; count: number } {
    const r = this
      .prep<[string], { maxId: number | null; count: number }>(
        'SELECT MAX(id) AS maxId, COUNT(*) AS count FROM messages WHERE thread_id = ? AND active = 1',
      )
      .get(threadId)!;
    return { maxId: r.maxId ?? 0, count: r.count };
  }

  /** Active messages after `afterId`, and how many active ones there are up to it: a thread's growth since a mark. */
  historyAfter(threadId: string, afterId: number): { upto: number; after: StoredMessage[] } {
    const upto = this
      .prep<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE thread_id = ? AND active = 1 AND id <= ?')
      .get(threadId, afterId)!.n;
    const after = this
      .prep<[string, number], any>('SELECT * FROM messages WHERE thread_id = ? AND active = 1 AND id > ? ORDER BY id')
      .all(threadId, afterId)
      .map(toMessage);
    return { upto, after };
  }

  /** Copies one turn row into another thread under a new id (status, usage and times kept), appended last. */
  copyTurnRow(turnId: string, toThreadId: string, newTurnId: string): void {
    const t = this.q.getTurn.get(turnId);
    if (!t) throw new Error(`no turn with id ${turnId}`);
    this
      .prep(
        `INSERT INTO turns (id, thread_id, seq, status, error, model, prompt_tokens, completion_tokens, cached_tokens,
           reasoning_tokens, cost_usd, started_at, completed_at)
         VALUES (@id, @thread_id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE thread_id = @thread_id), @status,
           @error, @model, @prompt_tokens, @completion_tokens, @cached_tokens, @reasoning_tokens, @cost_usd, @started_at,
           @completed_at)`,
      )
      .run({ ...t, id: newTurnId, thread_id: toThreadId });
  }

  /** Copies one message into another thread (as the turn `turnId` there), keeping its content, items and time. */
  copyMessage(messageId: number, toThreadId: string, turnId: string | null): number {
    const r = this
      .prep(
        `INSERT INTO messages (thread_id, turn_id, role, content, reasoning, tool_calls, tool_call_id, tool_name, item, created_at)
         SELECT ?, ?, role, content, reasoning, tool_calls, tool_call_id, tool_name, item, created_at
         FROM messages WHERE id = ?`,
      )
      .run(toThreadId, turnId, messageId);
    if (!r.changes) throw new Error(`no message with id ${messageId}`);
    this.onMessages();
    return Number(r.lastInsertRowid);
  }

  /**
   * Moves a turn (its row, not its messages) to another thread as that thread's latest turn. Compression uses it to
   * continue a running turn in the compacted thread; the messages already written stay in the parent's history.
   */
  moveTurn(turnId: string, toThreadId: string): void {
    const r = this
      .prep(
        `UPDATE turns SET thread_id = @to, seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE thread_id = @to)
         WHERE id = @id`,
      )
      .run({ id: turnId, to: toThreadId });
    if (!r.changes) throw new Error(`no turn with id ${turnId}`);
  }

  /** The first thread of the compression chain `row` belongs to: the conversation's stable id. */
  conversationOf(row: Pick<ThreadRow, 'id' | 'parent_id' | 'parent_kind'>): string {
    let cur = row;
    const seen = new Set<string>();
    while (cur.parent_kind === 'compression' && cur.parent_id && !seen.has(cur.id)) {
      seen.add(cur.id);
      const parent = this.getThreadRow(cur.parent_id);
      if (!parent) break;
      cur = parent;
    }
    return cur.id;
  }

  /** The newest thread that continues `threadId` after compression, following the chain to its end. */
  compactionSuccessor(threadId: string): string | undefined {
    if (this.successors.has(threadId)) return this.successors.get(threadId);
    const found = this.findSuccessor(threadId);
    // Inside a transaction the answer may include a thread that is rolled back: not kept.
    if (this.db.inTransaction) return found;
    this.rememberSuccessor(threadId, found);
    return found;
  }

  private rememberSuccessor(threadId: string, found: string | undefined): void {
    if (this.successors.size > 10_000) this.successors.clear();
    this.successors.set(threadId, found);
  }

  private findSuccessor(threadId: string): string | undefined {
    const next = this.prep<[string], { id: string }>(
      `SELECT id FROM threads WHERE parent_id = ? AND parent_kind = 'compression' ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
    const seen = new Set([threadId]);
    let last: string | undefined;
    for (let id = threadId; ; ) {
      const child = next.get(id)?.id;
      if (!child || seen.has(child)) return last;
      seen.add(child);
      last = id = child;
    }
  }

  /** Copies the active turns (up to and including `uptoTurnId`) and their messages into `newThreadId`. */
  copyTurns(fromThreadId: string, newThreadId: string, uptoTurnId?: string): void {
    this.db.transaction(() => {
      const turns = this.q.turnsOf.all(fromThreadId);
      let upto = turns.length;
      if (uptoTurnId) {
        const idx = turns.findIndex((t) => t.id === uptoTurnId);
        if (idx < 0) throw new Error(`turn ${uptoTurnId} is not an active turn of thread ${fromThreadId}`);
        upto = idx + 1;
      }
      const insTurn = this.prep(
        `INSERT INTO turns (id, thread_id, seq, status, error, model, prompt_tokens, completion_tokens, cached_tokens,
           reasoning_tokens, cost_usd, started_at, completed_at)
         VALUES (@id, @thread_id, @seq, @status, @error, @model, @prompt_tokens, @completion_tokens, @cached_tokens,
           @reasoning_tokens, @cost_usd, @started_at, @completed_at)`,
      );
      const copyMsgs = this.prep(
        `INSERT INTO messages (thread_id, turn_id, role, content, reasoning, tool_calls, tool_call_id, tool_name, item, created_at)
         SELECT ?, ?, role, content, reasoning, tool_calls, tool_call_id, tool_name, item, created_at
         FROM messages WHERE turn_id = ? AND active = 1 ORDER BY id`,
      );
      turns.slice(0, upto).forEach((t, i) => {
        const newTurnId = `${t.id}~${newThreadId.slice(-6)}`;
        insTurn.run({ ...t, id: newTurnId, thread_id: newThreadId, seq: i + 1 });
        copyMsgs.run(newThreadId, newTurnId, t.id);
      });
    })();
    this.onMessages();
  }
}

function toMessage(r: any): StoredMessage {
  return {
    id: r.id,
    threadId: r.thread_id,
    turnId: r.turn_id,
    role: r.role,
    content: r.content,
    reasoning: r.reasoning,
    toolCalls: r.tool_calls ? JSON.parse(r.tool_calls) : null,
    toolCallId: r.tool_call_id,
    toolName: r.tool_name,
    items: r.item ? (JSON.parse(r.item) as Item[]) : [],
    createdAt: r.created_at,
  };
}
