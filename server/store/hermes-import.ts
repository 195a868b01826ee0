// Brings the Hermes agent's sessions (HERMES_HOME/state.db, written by hermes_state.py) into our database so they
// show in history, thread/search and session_search. Hermes's files are only ever copied, never opened; each run
// adds only sessions and messages that are not here yet (keyed by Hermes's session id and message id).
import type Database from 'better-sqlite3';
import { openDatabase } from './sqlite';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item } from '../protocol';
import { redact } from '../util/redact';
import { newId } from '../util/ids';
import { stateDbKind } from './legacy';

export interface HermesImportResult {
  source: string;
  sessionsAdded: number;
  sessionsUpdated: number;
  messagesAdded: number;
  skipped: number;
}

interface HSession {
  id: string;
  source: string;
  model: string | null;
  title: string | null;
  cwd: string | null;
  started_at: number;
  ended_at: number | null;
  parent_session_id: string | null;
}

interface HMessage {
  id: number;
  role: string;
  content: string | null;
  tool_call_id: string | null;
  tool_calls: string | null;
  tool_name: string | null;
  timestamp: number;
  reasoning: string | null;
}

/** Hermes stores seconds (REAL); we store milliseconds. */
const ms = (s: number | null | undefined) => Math.round((s ?? 0) * 1000);

function columns(db: Database.Database, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
}

/** Hermes stores multimodal content as a JSON list of parts; keep the text of it. */
function textOf(content: string | null): string | null {
  if (content == null) return null;
  if (content.startsWith('[{')) {
    try {
      const parts = JSON.parse(content) as { type?: string; text?: string }[];
      if (Array.isArray(parts)) return parts.map((p) => (typeof p.text === 'string' ? p.text : `[${p.type ?? 'part'}]`)).join('\n');
    } catch {}
  }
  return content;
}

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

function toolCallsOf(raw: string | null): ToolCall[] | null {
  if (!raw) return null;
  try {
    const list = JSON.parse(raw) as { id?: string; function?: { name?: string; arguments?: unknown } }[];
    if (!Array.isArray(list)) return null;
    return list.map((c, i) => ({
      id: c.id ?? `call_${i}`,
      name: c.function?.name ?? 'unknown',
      arguments: typeof c.function?.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function?.arguments ?? {}),
    }));
  } catch {
    return null;
  }
}

function parseArgs(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * Imports from Hermes's state.db at `hermesDbPath` into `db` (ours). Returns what was added. A state.db that is not
 * Hermes's (missing, ours from an earlier version, or something else) imports nothing.
 */
export function importHermesSessions(db: Database.Database, hermesDbPath: string): HermesImportResult {
  const result = emptyResult(hermesDbPath);
  for (const _ of importSteps(db, hermesDbPath, result, Infinity));
  return result;
}

/**
 * The same import in batches of `batch` sessions (one transaction each), giving the event loop a turn between them:
 * the host keeps answering clients while a long Hermes history comes in at start-up.
 */
export async function importHermesSessionsGradually(db: Database.Database, hermesDbPath: string, batch = 200): Promise<HermesImportResult> {
  const result = emptyResult(hermesDbPath);
  for (const _ of importSteps(db, hermesDbPath, result, batch)) await new Promise((r) => setImmediate(r));
  return result;
}

function emptyResult(source: string): HermesImportResult {
  return { source, sessionsAdded: 0, sessionsUpdated: 0, messagesAdded: 0, skipped: 0 };
}

/** Imports into `result`, yielding after each batch of sessions (each batch is one transaction). */
function* importSteps(db: Database.Database, hermesDbPath: string, result: HermesImportResult, batch: number): Generator<void> {
  if (!existsSync(hermesDbPath)) return;
  // Even a read-only SQLite connection creates -wal/-shm beside a WAL database, and better-sqlite3 cannot open the
  // `immutable` URI form; so we read a snapshot copy (main file plus Hermes's -wal, if any) and never open Hermes's.
  const snap = snapshotCopy(hermesDbPath);
  let src: Database.Database | undefined;
  try {
    const kind = stateDbKind(snap.path);
    if (kind !== 'hermes' && kind !== 'ambiguous') return;
    src = openDatabase(snap.path, { readonly: true, fileMustExist: true });
    // The copy may be opened with SQLite: settle what it is by its real tables.
    const tables = new Set((src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    if (!tables.has('sessions') || !tables.has('messages') || tables.has('turns')) return;
    src.pragma('busy_timeout = 2000');
    const sc = columns(src, 'sessions');
    const mc = columns(src, 'messages');
    const col = (set: Set<string>, name: string, fallback = 'NULL') => (set.has(name) ? name : `${fallback} AS ${name}`);
    const sessions = src
      .prepare(
        `SELECT id, source, ${col(sc, 'model')}, ${col(sc, 'title')}, ${col(sc, 'cwd')}, started_at, ${col(sc, 'ended_at')},
                ${col(sc, 'parent_session_id')}
         FROM sessions ORDER BY started_at, id`,
      )
      .all() as HSession[];
    const activeFilter = mc.has('active') ? 'AND active = 1' : '';
    const messagesOf = src.prepare(
      `SELECT id, role, content, ${col(mc, 'tool_call_id')}, ${col(mc, 'tool_calls')}, ${col(mc, 'tool_name')}, timestamp,
              ${col(mc, 'reasoning')}
       FROM messages WHERE session_id = ? AND id > ? ${activeFilter} ORDER BY id`,
    );
    const known = db.prepare<[string], { thread_id: string; last_message_id: number }>(
      'SELECT thread_id, last_message_id FROM hermes_imports WHERE session_id = ?',
    );
    const threadExists = db.prepare<[string], { id: string }>('SELECT id FROM threads WHERE id = ?');
    const insThread = db.prepare(
      `INSERT INTO threads (id, title, cwd, model, source, system_prompt, parent_id, parent_kind, created_at, updated_at)
       VALUES (@id, @title, @cwd, @model, @source, NULL, NULL, NULL, @created, @updated)`,
    );
    const insTurn = db.prepare(
      `INSERT INTO turns (id, thread_id, seq, status, model, started_at, completed_at)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE thread_id = ?), 'completed', ?, ?, ?)`,
    );
    const lastTurn = db.prepare<[string], { id: string }>('SELECT id FROM turns WHERE thread_id = ? ORDER BY seq DESC LIMIT 1');
    const closeTurn = db.prepare('UPDATE turns SET completed_at = ? WHERE id = ?');
    const insMsg = db.prepare(
      `INSERT INTO messages (thread_id, turn_id, role, content, reasoning, tool_calls, tool_call_id, tool_name, item, created_at)
       VALUES (@thread, @turn, @role, @content, @reasoning, @toolCalls, @toolCallId, @toolName, @item, @at)`,
    );
    const touch = db.prepare('UPDATE threads SET updated_at = MAX(updated_at, ?), title = CASE WHEN title = \'\' THEN ? ELSE title END WHERE id = ?');
    const mark = db.prepare(
      `INSERT INTO hermes_imports (session_id, thread_id, last_message_id, imported_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(session_id) DO UPDATE SET last_message_id = excluded.last_message_id, imported_at = excluded.imported_at`,
    );

    const importOne = db.transaction((s: HSession) => {
      const prev = known.get(s.id);
      if (prev && !threadExists.get(prev.thread_id)) {
        // The user deleted the imported thread here: do not bring it back.
        result.skipped++;
        return;
      }
      const msgs = messagesOf.all(s.id, prev?.last_message_id ?? 0) as HMessage[];
      if (prev && !msgs.length) return;
      const threadId = prev?.thread_id ?? `hermes-${s.id}`;
      if (!prev) {
        insThread.run({
          id: threadId,
          title: s.title ?? '',
          cwd: s.cwd ?? '',
          model: s.model ?? '',
          source: s.source || 'cli',
          created: ms(s.started_at),
          updated: ms(s.ended_at ?? s.started_at),
        });
        result.sessionsAdded++;
      } else result.sessionsUpdated++;
      // A turn starts at each user message; assistant and tool messages before the first one get a turn of their own.
      let turnId: string | null = prev ? lastTurn.get(threadId)?.id ?? null : null;
      const calls = new Map<string, ToolCall>();
      let last = prev?.last_message_id ?? 0;
      for (const m of msgs) {
        last = m.id;
        const at = ms(m.timestamp);
        if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'tool') continue;
        if (m.role === 'user' || !turnId) {
          turnId = newId('turn');
          insTurn.run(turnId, threadId, threadId, s.model, at, at);
        }
        closeTurn.run(at, turnId);
        const content = textOf(m.content);
        const text = content == null ? null : redact(content);
        const toolCalls = m.role === 'assistant' ? toolCallsOf(m.tool_calls) : null;
        for (const c of toolCalls ?? []) calls.set(c.id, c);
        const items: Item[] = [];
        if (m.role === 'user') items.push({ id: newId('item'), type: 'userMessage', content: [{ type: 'text', text: text ?? '' }] });
        if (m.role === 'assistant') {
          if (m.reasoning) items.push({ id: newId('item'), type: 'reasoning', text: redact(m.reasoning) });
          if (text) items.push({ id: newId('item'), type: 'agentMessage', text, status: 'completed' });
        }
        if (m.role === 'tool') {
          const call = m.tool_call_id ? calls.get(m.tool_call_id) : undefined;
          items.push({
            id: newId('item'),
            type: 'toolCall',
            tool: m.tool_name ?? call?.name ?? 'tool',
            arguments: call ? parseArgs(redact(call.arguments)) : {},
            status: 'completed',
            result: text ?? '',
          });
        }
        insMsg.run({
          thread: threadId,
          turn: turnId,
          role: m.role,
          content: text,
          reasoning: m.reasoning ? redact(m.reasoning) : null,
          toolCalls: toolCalls ? JSON.stringify(toolCalls.map((c) => ({ ...c, arguments: redact(c.arguments) }))) : null,
          toolCallId: m.tool_call_id,
          toolName: m.tool_name,
          item: items.length ? JSON.stringify(items) : null,
          at,
        });
        result.messagesAdded++;
        touch.run(at, s.title ?? '', threadId);
      }
      mark.run(s.id, threadId, last, Date.now());
    });
    // A transaction per batch: a commit per session costs more than its rows.
    for (let i = 0; i < sessions.length; i += batch) {
      db.transaction(() => {
        for (const s of sessions.slice(i, i + batch)) importOne(s);
      })();
      if (i + batch < sessions.length) yield;
    }
  } finally {
    src?.close();
    snap.remove();
  }
}

/** How many sessions Hermes's state.db holds, read from a copy (opening it, even read-only, would leave files). */
export function countHermesSessions(hermesDbPath: string): number {
  const snap = snapshotCopy(hermesDbPath);
  try {
    const src = openDatabase(snap.path, { readonly: true, fileMustExist: true });
    try {
      return (src.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
    } finally {
      src.close();
    }
  } finally {
    snap.remove();
  }
}

function snapshotCopy(path: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-state-'));
  const copy = join(dir, 'state.db');
  copyFileSync(path, copy);
  if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
  return { path: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function signatureOf(path: string): string {
  const part = (p: string) => {
    try {
      const st = statSync(p);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${part(path)}|${part(path + '-wal')}`;
}

/**
 * The import run at start-up: skipped when state.db has not changed since the last one, so a large Hermes history
 * costs nothing on later starts. `hermes-host import hermes` calls importHermesSessions directly and always reads.
 */
export async function importHermesIfChanged(db: Database.Database, hermesDbPath: string): Promise<HermesImportResult | null> {
  if (!existsSync(hermesDbPath)) return null;
  const sig = signatureOf(hermesDbPath);
  const prev = db.prepare<[], { signature: string }>('SELECT signature FROM hermes_import_state WHERE id = 1').get();
  if (prev?.signature === sig) return null;
  const res = await importHermesSessionsGradually(db, hermesDbPath);
  db.prepare('INSERT INTO hermes_import_state (id, signature) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET signature = excluded.signature').run(sig);
  return res;
}
