// The conversation. Long threads stay responsive by windowing: only the newest rows are in the DOM, and older ones
// are added a page at a time when the user scrolls up (scroll position kept). Rows off screen also skip layout and
// paint (`content-visibility` in the CSS). The view follows the stream while the user is at the bottom.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatController } from '../controller';
import { useKeys } from '../state/emitter';
import { RowView } from './Items';

export const WINDOW = 120;
const PIN_SLACK = 48;

export function TranscriptView({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'rows');
  const t = c.transcript;
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const [, force] = useState(0);
  const win = useRef({ epoch: t.epoch, size: WINDOW });
  const pinned = useRef(c.ui.get().scrollFromBottom === 0);
  /** The saved scroll offset is applied once, to the first thread shown after a reload. */
  const restore = useRef(c.ui.get().scrollFromBottom);
  const anchor = useRef<number | null>(null);

  // A different thread starts at the bottom with a fresh window.
  if (win.current.epoch !== t.epoch) {
    win.current = { epoch: t.epoch, size: WINDOW };
    pinned.current = restore.current === 0;
  }
  const grow = () => {
    win.current.size += WINDOW;
    force((n) => n + 1);
  };

  const start = Math.max(0, t.rows.length - win.current.size);
  const rows = start ? t.rows.slice(start) : t.rows;

  const onScroll = () => {
    const el = scroller.current!;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    pinned.current = fromBottom < PIN_SLACK;
    c.ui.update({ scrollFromBottom: pinned.current ? 0 : Math.round(fromBottom) });
    if (el.scrollTop < 200 && start > 0 && anchor.current === null) {
      anchor.current = el.scrollHeight - el.scrollTop;
      grow();
    }
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current !== null) {
      // Older rows were added above: keep the rows the user was looking at in place.
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = null;
    } else if (restore.current && t.rows.length && !t.loading) {
      el.scrollTop = el.scrollHeight - el.clientHeight - restore.current;
      restore.current = 0;
    } else if (pinned.current) {
      el.scrollTop = el.scrollHeight;
    }
  });

  // Streaming grows rows without changing the row list: follow the growth while pinned.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(inner);
    return () => ro.disconnect();
  }, []);

  const empty = !t.loading && t.rows.length === 0;
  return (
    <div
      class="transcript"
      ref={scroller}
      onScroll={onScroll}
      role="log"
      aria-live="off"
      aria-label="Conversation"
      aria-busy={t.loading ? 'true' : undefined}
      tabIndex={0}
      data-thread={t.threadId ?? ''}
      data-state={t.loading ? 'loading' : 'ready'}
      data-rows={t.rows.length}
    >
      <div class="transcript-inner" ref={content}>
        {start > 0 && (
          <button type="button" class="link show-earlier" onClick={grow}>
            Show {Math.min(start, WINDOW)} earlier messages
          </button>
        )}
        {empty && (
          <div class="empty">
            <h2>Hermes</h2>
            <p>Ask anything. Type <kbd>/</kbd> for commands and skills, <kbd>@</kbd> to attach a workspace file.</p>
          </div>
        )}
        {t.loading && <div class="loading">Loading the chat…</div>}
        {rows.map((row) => (
          <RowView key={row.key} c={c} row={row} />
        ))}
      </div>
    </div>
  );
}
