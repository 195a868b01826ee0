// The history view's data: pages of `thread/list`, or the hits of `thread/search`, kept current by
// `thread/started|updated|deleted` notifications.
import type { RequestResult, Thread } from '../../server/protocol';
import type { Emitter } from './emitter';

export type SearchHit = RequestResult<'thread/search'>['hits'][number];

export class HistoryState {
  threads: Thread[] = [];
  nextCursor: string | undefined;
  archived = false;
  query = '';
  hits: SearchHit[] | null = null;
  loading = false;
  error: string | null = null;
  loaded = false;

  constructor(private readonly emitter: Emitter) {}

  changed(): void {
    this.emitter.mark('history');
  }

  setPage(threads: Thread[], nextCursor: string | undefined, append: boolean): void {
    const seen = new Set(append ? this.threads.map((t) => t.id) : []);
    this.threads = append ? [...this.threads, ...threads.filter((t) => !seen.has(t.id))] : threads;
    this.nextCursor = nextCursor;
    this.loaded = true;
    this.loading = false;
    this.error = null;
    this.changed();
  }

  /** A thread changed somewhere (this webview, another client, a chat app). */
  upsert(thread: Thread): void {
    if (!this.loaded) return;
    const i = this.threads.findIndex((t) => t.id === thread.id);
    if (thread.archived !== this.archived) {
      if (i >= 0) this.threads = this.threads.filter((t) => t.id !== thread.id);
    } else {
      // Same order as the host's list: most recently updated first.
      const rest = i >= 0 ? this.threads.filter((t) => t.id !== thread.id) : this.threads;
      this.threads = [...rest, thread].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    }
    this.changed();
  }

  remove(threadId: string): void {
    this.threads = this.threads.filter((t) => t.id !== threadId);
    if (this.hits) this.hits = this.hits.filter((h) => h.threadId !== threadId);
    this.changed();
  }
}
