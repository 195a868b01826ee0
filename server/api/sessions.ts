// Which host thread an API request continues. A session id the client names (X-Hermes-Session-Id, body
// `session_id`, `metadata.session_id`) maps to one thread for good: the client sends the new message and
// the thread holds the history (an existing thread's own id works too, so an editor's conversation can be continued
// over HTTP). Without one, the client's messages are the history, as in Hermes: the conversation is keyed by its
// system text and first user message, the thread it started is continued while the client's earlier messages are
// exactly what that thread holds, and anything else (an edited or regenerated message, another branch) starts a
// thread seeded with the client's history. OpenAI's `user` field names a person, not a conversation (LibreChat sends
// the same one for all of a user's chats), so it only keeps different users' conversations apart in that keying.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Host } from '../host';
import { newId } from '../util/ids';
import { redact } from '../util/redact';
import { emptyUsage } from '../store';
import { inputPartText } from '../protocol';
import { badRequest } from './errors';
import type { TextMessage } from './messages';

export const SESSION_HEADER = 'x-hermes-session-id';
export const MAX_SESSION_ID = 256;

export function checkSessionId(id: unknown, param: string): string | undefined {
  if (id === undefined || id === null || id === '') return undefined;
  if (typeof id !== 'string') throw badRequest(`${param} must be a string`, param);
  const s = id.trim();
  if (!s) return undefined;
  if (s.length > MAX_SESSION_ID) throw badRequest(`${param} is longer than ${MAX_SESSION_ID} characters`, param);
  if (/[\u0000-\u001f\u007f]/.test(s)) throw badRequest(`${param} contains control characters`, param);
  return s;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

export class ApiSessions {
  private readonly q;

  constructor(
    private readonly host: Host,
    db: Database.Database = host.store.db,
  ) {
    this.q = {
      get: db.prepare<[string], { thread_id: string }>('SELECT thread_id FROM api_sessions WHERE session_id = ?'),
      put: db.prepare(
        `INSERT INTO api_sessions (session_id, thread_id, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(session_id) DO UPDATE SET thread_id = excluded.thread_id, updated_at = excluded.updated_at`,
      ),
    };
  }

  /** The live thread a session continues (following compression), or undefined when it has none (or it was deleted). */
  private threadOf(sessionId: string): string | undefined {
    const row = this.q.get.get(sessionId);
    const id = row?.thread_id ?? (this.host.store.threads.getThreadRow(sessionId) ? sessionId : undefined);
    if (!id || !this.host.store.threads.getThreadRow(id)) return undefined;
    return this.host.threads.current(id);
  }

  private bind(sessionId: string, threadId: string): void {
    const now = Date.now();
    this.q.put.run(sessionId, threadId, now, now);
  }

  /** A named session: its thread, or a new one seeded with whatever history the client sent. */
  named(sessionId: string, c: { system: string; history: TextMessage[]; title?: string }): { threadId: string; created: boolean } {
    const existing = this.threadOf(sessionId);
    if (existing) {
      this.syncSystem(existing, c.system);
      return { threadId: existing, created: false };
    }
    const threadId = this.create(c);
    this.bind(sessionId, threadId);
    return { threadId, created: true };
  }

  /** No session named: the conversation's key, and the thread to run on (see the module comment). */
  derived(c: { system: string; history: TextMessage[]; input: string }, user = ''): { sessionId: string; threadId: string; created: boolean } {
    const first = c.history.find((m) => m.role === 'user')?.text ?? c.input;
    const sessionId = 'auto-' + createHash('sha256').update(user).update('\0').update(c.system).update('\0').update(first).digest('hex').slice(0, 32);
    const existing = this.threadOf(sessionId);
    if (existing && !this.host.threads.isBusy(existing) && this.sameHistory(existing, c.history)) {
      this.syncSystem(existing, c.system);
      return { sessionId, threadId: existing, created: false };
    }
    const threadId = this.create(c);
    this.bind(sessionId, threadId);
    return { sessionId, threadId, created: true };
  }

  /** A new API thread holding the client's system text and history, as if those turns had happened here. */
  create(c: { system: string; history: TextMessage[]; title?: string }): string {
    const thread = this.host.threads.start({ source: 'api', ...(c.title ? { title: c.title } : {}) });
    seedHistory(this.host, thread.id, thread.model, c.system, c.history);
    return thread.id;
  }

  /** The user and assistant messages the thread shows, one assistant message per turn, as a client would hold them. */
  conversation(threadId: string): TextMessage[] {
    const out: TextMessage[] = [];
    let turn: string | undefined;
    for (const it of this.host.threads.read(threadId).items) {
      if (it.type === 'userMessage') {
        out.push({ role: 'user', text: it.content.map(inputPartText).join('\n') });
        turn = undefined;
      } else if (it.type === 'agentMessage' && it.text) {
        const last = out[out.length - 1];
        if (last?.role === 'assistant' && turn === it.turnId) last.text += '\n\n' + it.text;
        else out.push({ role: 'assistant', text: it.text });
        turn = it.turnId;
      }
    }
    return out;
  }

  private sameHistory(threadId: string, history: TextMessage[]): boolean {
    const mine = this.conversation(threadId);
    if (mine.length !== history.length) return false;
    return mine.every((m, i) => m.role === history[i].role && norm(m.text) === norm(redact(history[i].text)));
  }

  /**
   * Client system text joins the thread as a system message (after the host's own prompt) when it differs from the
   * last one the thread holds, so a client that repeats it every request adds it once.
   */
  syncSystem(threadId: string, system: string): void {
    if (!system) return;
    const last = [...this.host.store.threads.history(threadId)].reverse().find((m) => m.role === 'system');
    if (last && norm(last.content ?? '') === norm(redact(system))) return;
    this.host.store.threads.insertMessage({
      threadId,
      turnId: null,
      role: 'system',
      content: redact(system),
      reasoning: null,
      toolCalls: null,
      toolCallId: null,
      toolName: null,
      items: [],
    });
  }
}

/** Writes a client's earlier conversation into a fresh thread: one completed turn per user message. */
export function seedHistory(host: Host, threadId: string, model: string, system: string, history: TextMessage[]): void {
  const threads = host.store.threads;
  host.store.db.transaction(() => {
    if (system) {
      threads.insertMessage({ threadId, turnId: null, role: 'system', content: redact(system), reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
    }
    let turnId: string | null = null;
    const close = () => {
      if (turnId) threads.completeTurn(turnId, threadId, 'completed', emptyUsage());
    };
    for (const m of history) {
      if (m.role === 'system') continue;
      if (m.role === 'user' || !turnId) {
        close();
        turnId = newId('turn');
        threads.createTurn(turnId, threadId, model);
      }
      const text = redact(m.text);
      threads.insertMessage({
        threadId,
        turnId,
        role: m.role,
        content: text,
        reasoning: null,
        toolCalls: null,
        toolCallId: null,
        toolName: null,
        items: [
          m.role === 'user'
            ? { id: newId('item'), turnId, type: 'userMessage', content: [{ type: 'text', text }] }
            : { id: newId('item'), turnId, type: 'agentMessage', text, status: 'completed' },
        ],
      });
    }
    close();
    const firstUser = history.find((m) => m.role === 'user');
    if (firstUser) threads.updateThread(threadId, { title: titleOf(firstUser.text) });
  })();
}

function titleOf(text: string): string {
  const t = redact(text).replace(/\s+/g, ' ').trim();
  return t.length > 60 ? t.slice(0, 57) + '…' : t || 'API conversation';
}
