// Past chats from the host: a paged list, full-text search, and per-chat rename, archive and delete.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Thread } from '../../server/protocol';
import type { ChatController } from '../controller';
import { useKeys } from '../state/emitter';
import { formatDate, formatTokens } from '../format';

export function History({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'history');
  const h = c.history;
  const a = c.historyActions;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onSearch = (e: Event) => {
    const q = (e.target as HTMLInputElement).value;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void a.search(q), 150);
  };
  return (
    <section class="history" aria-label="Chat history">
      <div class="history-bar">
        <input type="search" class="search" placeholder="Search chats…" aria-label="Search chats" defaultValue={h.query} onInput={onSearch} />
        <label class="check">
          <input type="checkbox" checked={h.archived} onChange={(e) => void a.showArchived((e.target as HTMLInputElement).checked)} /> Archived
        </label>
      </div>
      {h.error && (
        <div class="notice error" role="alert">
          {h.error}
        </div>
      )}
      {h.hits ? (
        <ul class="hits" aria-label="Search results">
          {h.hits.length === 0 && <li class="empty-list">No matches.</li>}
          {h.hits.map((hit) => (
            <li key={`${hit.threadId}:${hit.messageId}`} class="hit">
              <button type="button" class="link hit-open" onClick={() => void c.openThread(hit.threadId)}>
                {hit.threadTitle || 'Untitled'}
              </button>
              <div class="snippet">{hit.snippet}</div>
            </li>
          ))}
        </ul>
      ) : (
        <ul class="thread-list" aria-label={h.archived ? 'Archived chats' : 'Chats'} aria-busy={h.loading ? 'true' : undefined}>
          {h.loaded && h.threads.length === 0 && <li class="empty-list">{h.archived ? 'No archived chats.' : 'No chats yet.'}</li>}
          {h.threads.map((t) => (
            <ThreadRow key={t.id} c={c} t={t} current={t.id === c.transcript.threadId} />
          ))}
        </ul>
      )}
      {!h.hits && h.nextCursor && (
        <button type="button" class="secondary more" disabled={h.loading} onClick={() => void a.load(true)}>
          Load more
        </button>
      )}
    </section>
  );
}

function ThreadRow({ c, t, current }: { c: ChatController; t: Thread; current: boolean }) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirmDelete'>('view');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (mode === 'rename') input.current?.select();
  }, [mode]);
  const a = c.historyActions;
  const title = t.title || 'Untitled';
  return (
    <li class={`thread${current ? ' current' : ''}`} data-thread={t.id}>
      {mode === 'rename' ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void a.rename(t.id, input.current!.value).then(() => setMode('view'));
          }}
        >
          <input ref={input} type="text" defaultValue={t.title} aria-label={`New title for ${title}`} maxLength={200} onKeyDown={(e) => e.key === 'Escape' && setMode('view')} />
          <button type="submit">Save</button>
          <button type="button" class="secondary" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" class="link thread-open" onClick={() => void c.openThread(t.id)} aria-current={current ? 'true' : undefined}>
          {title}
        </button>
      )}
      <div class="thread-meta">
        {t.source} · {formatDate(t.updatedAt)} · {t.turnCount} turn{t.turnCount === 1 ? '' : 's'}
        {t.usage.totalTokens ? ` · ${formatTokens(t.usage.totalTokens)} tokens` : ''}
        {t.status === 'active' ? ' · running' : ''}
      </div>
      {mode === 'confirmDelete' ? (
        <div class="actions confirm" role="group" aria-label={`Delete ${title}?`}>
          <span>Delete this chat?</span>
          <button type="button" class="danger" onClick={() => void a.remove(t.id)}>
            Delete
          </button>
          <button type="button" class="secondary" onClick={() => setMode('view')}>
            Keep
          </button>
        </div>
      ) : (
        mode === 'view' && (
          <div class="actions thread-actions">
            <button type="button" class="icon" onClick={() => setMode('rename')} aria-label={`Rename ${title}`}>
              Rename
            </button>
            <button type="button" class="icon" onClick={() => void a.archive(t.id, !t.archived)} aria-label={`${t.archived ? 'Unarchive' : 'Archive'} ${title}`}>
              {t.archived ? 'Unarchive' : 'Archive'}
            </button>
            <button type="button" class="icon" onClick={() => setMode('confirmDelete')} aria-label={`Delete ${title}`}>
              Delete
            </button>
          </div>
        )
      )}
    </li>
  );
}
