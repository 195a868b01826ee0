// History view actions: list pages, search, rename, archive, delete — each one host request, the list updated
// from the answer (and again by the host's thread notifications, which also cover other clients' changes).
import type { ChatController } from './controller';

const PAGE = 50;

export class HistoryActions {
  private searchSeq = 0;

  constructor(private readonly c: ChatController) {}

  private get h() {
    return this.c.history;
  }

  async load(more = false): Promise<void> {
    const h = this.h;
    h.loading = true;
    h.changed();
    try {
      const r = await this.c.bridge.request('thread/list', {
        limit: PAGE,
        archived: h.archived,
        ...(more && h.nextCursor ? { cursor: h.nextCursor } : {}),
      });
      h.setPage(r.threads, r.nextCursor, more);
    } catch (e) {
      h.loading = false;
      h.error = (e as Error).message;
      h.changed();
    }
  }

  async showArchived(archived: boolean): Promise<void> {
    this.h.archived = archived;
    await this.load();
  }

  async search(query: string): Promise<void> {
    const h = this.h;
    h.query = query;
    const seq = ++this.searchSeq;
    if (!query.trim()) {
      h.hits = null;
      h.changed();
      return;
    }
    try {
      const r = await this.c.bridge.request('thread/search', { query: query.trim(), limit: 50 });
      if (seq !== this.searchSeq) return; // a newer query is on its way
      h.hits = r.hits;
      h.error = null;
    } catch (e) {
      if (seq !== this.searchSeq) return;
      h.hits = [];
      h.error = (e as Error).message;
    }
    h.changed();
  }

  async rename(threadId: string, title: string): Promise<void> {
    const t = title.trim();
    if (!t) return;
    try {
      const { thread } = await this.c.bridge.request('thread/rename', { threadId, title: t.slice(0, 200) });
      this.h.upsert(thread);
      if (thread.id === this.c.transcript.threadId) this.c.transcript.setThread(thread);
    } catch (e) {
      this.fail(e);
    }
  }

  async archive(threadId: string, archived: boolean): Promise<void> {
    try {
      const { thread } = await this.c.bridge.request('thread/archive', { threadId, archived });
      this.h.upsert(thread);
    } catch (e) {
      this.fail(e);
    }
  }

  async remove(threadId: string): Promise<void> {
    try {
      await this.c.bridge.request('thread/delete', { threadId });
      this.h.remove(threadId);
      if (threadId === this.c.transcript.threadId) this.c.newChat(false);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    this.h.error = (e as Error).message;
    this.h.changed();
  }
}
