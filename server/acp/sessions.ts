// ACP sessions of one adapter process. A session *is* a host thread: its id is the thread id it was created or loaded
// with, so a session started in Zed is a thread in VS Code's history and a VS Code thread loads in Zed by its id.
// Context compression continues a conversation on a new thread; the session then follows the newest thread while
// keeping the id the client knows.
import type { AnyServerNotification, Turn } from '../protocol';
import { followThread } from '../protocol/follow';
import type { ModeId } from './modes';

export interface PromptRun {
  /** The host turn this prompt waits for; unknown until turn/start answered. */
  turnId?: string;
  /** session/cancel arrived: the prompt ends `cancelled` whatever the turn's status. */
  cancelled: boolean;
  done(turn: Turn): void;
}

export interface Session {
  readonly id: string;
  /** The thread the conversation is on now (the id itself, or its compression successor). */
  threadId: string;
  cwd: string;
  mode: ModeId;
  prompt?: PromptRun;
  /** Turns of this session that completed before the prompt learnt its turn id (a race the socket allows). */
  readonly finished: Map<string, Turn>;
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  add(id: string, threadId: string, cwd: string): Session {
    const existing = this.byId.get(id);
    if (existing) {
      existing.threadId = threadId;
      existing.cwd = cwd;
      return existing;
    }
    const s: Session = { id, threadId, cwd, mode: 'ask', finished: new Map() };
    this.byId.set(id, s);
    return s;
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  all(): Session[] {
    return [...this.byId.values()];
  }

  /** The session showing this thread. */
  ofThread(threadId: string | undefined): Session | undefined {
    if (!threadId) return undefined;
    for (const s of this.byId.values()) if (s.threadId === threadId) return s;
    return undefined;
  }

  /** Moves sessions to a compression successor; call for every host notification before routing it. */
  follow(n: AnyServerNotification): void {
    for (const s of this.byId.values()) s.threadId = followThread(s.threadId, n) ?? s.threadId;
  }

  /** A turn of a session's thread ended: settle the prompt waiting for it, or remember it for one about to. */
  turnCompleted(threadId: string, turn: Turn): void {
    const s = this.ofThread(threadId);
    if (!s) return;
    if (s.prompt?.turnId === turn.id) {
      s.prompt.done(turn);
      return;
    }
    if (s.prompt && s.prompt.turnId === undefined) {
      s.finished.set(turn.id, turn);
      // Only the few turns that can race one turn/start answer are worth keeping.
      if (s.finished.size > 8) s.finished.delete(s.finished.keys().next().value!);
    }
  }
}
