// Interaction tokens (button clicks and application commands) and Discord's two deadlines for them: an answer
// within 3 s of the click, and follow-ups within 15 minutes. The gateway answers a click once it has recorded and
// handled it, which is usually well inside 3 s — but behind a long history backfill or a slow disk it may not be.
// So a click not answered within DEFER_AFTER_MS is acknowledged silently (type 6, "deferred update") and the
// answer, when it comes, goes as an ephemeral follow-up message on the same token instead of the callback.
//
// Tokens stay in memory only: they are credentials (for 15 minutes) and never reach the database.
import { Routes, type REST } from 'discord.js';
import { DISCORD_MAX_LENGTH, INTERACTION_TTL_MS } from './wire';

/** Discord fails an interaction not answered within 3 s; this leaves a margin for the request itself. */
export const DEFER_AFTER_MS = 2000;

interface Entry {
  token: string;
  at: number;
  timer?: NodeJS.Timeout;
  /** Set once the silent acknowledgement went out: whether Discord took it. */
  deferred?: Promise<boolean>;
}

export class InteractionTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly rest: () => REST,
    private readonly appId: () => string,
    private readonly deferAfterMs = DEFER_AFTER_MS,
  ) {}

  /** A button click: kept for its answer, acknowledged silently if that answer is late. */
  clicked(id: string, token: string): void {
    this.prune();
    const e: Entry = { token, at: Date.now() };
    e.timer = setTimeout(() => {
      e.timer = undefined;
      // rest() throws while disconnected: that is a failed acknowledgement, not an exception in a timer.
      e.deferred = Promise.resolve()
        .then(() => this.rest().post(Routes.interactionCallback(id, token), { body: { type: 6 }, auth: false }))
        .then(
          () => true,
          () => false,
        );
    }, this.deferAfterMs);
    e.timer.unref();
    this.entries.set(id, e);
  }

  /**
   * An application command: acknowledged at once, visible to the user only (the command's answer comes as a normal
   * message in the chat, like the same command typed).
   */
  async command(id: string, token: string, name: string): Promise<void> {
    await this.rest().post(Routes.interactionCallback(id, token), { body: { type: 4, data: { content: `⏳ /${name}`, flags: 64 } }, auth: false });
  }

  /** The answer to a click, seen by the clicker only. Nothing when the token is unknown (another process) or stale. */
  async answer(id: string, text: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    clearTimeout(e.timer);
    const data = { content: text.slice(0, DISCORD_MAX_LENGTH), flags: 64 };
    if (e.deferred && (await e.deferred)) {
      await this.rest().post(Routes.webhook(this.appId(), e.token), { body: data, auth: false });
      return;
    }
    await this.rest().post(Routes.interactionCallback(id, e.token), { body: { type: 4, data }, auth: false });
  }

  private prune(): void {
    const old = Date.now() - INTERACTION_TTL_MS;
    for (const [id, e] of this.entries) {
      if (e.at >= old) continue;
      clearTimeout(e.timer);
      this.entries.delete(id);
    }
  }
}
