// Agent text as markdown. A finished message is rendered once and memoised by item id (windowing re-mounts rows
// as the user scrolls); a streaming message keeps the blocks that can no longer change as rendered parts and
// re-renders only the open tail, at most once per frame (the emitter batches deltas).
import { useRef } from 'preact/hooks';
import { renderMarkdown, stableSplit } from '../markdown';

const finished = new Map<string, { text: string; html: string }>();
const FINISHED_CACHE_MAX = 2000;

function finishedHtml(id: string, text: string): string {
  const hit = finished.get(id);
  if (hit && hit.text === text) return hit.html;
  const html = renderMarkdown(text);
  if (finished.size >= FINISHED_CACHE_MAX) finished.delete(finished.keys().next().value as string);
  finished.set(id, { text, html });
  return html;
}

interface Parts {
  /** Characters of text covered by `html`. */
  upTo: number;
  html: string[];
}

export function Markdown({ id, text, streaming }: { id: string; text: string; streaming: boolean }) {
  const parts = useRef<Parts>({ upTo: 0, html: [] });
  if (!streaming) {
    return <div class="md" dangerouslySetInnerHTML={{ __html: finishedHtml(id, text) }} />;
  }
  const p = parts.current;
  // Streamed text only grows; anything else (a replaced item) starts over.
  if (text.length < p.upTo) {
    p.upTo = 0;
    p.html = [];
  }
  const cut = stableSplit(text);
  if (cut > p.upTo) {
    p.html.push(renderMarkdown(text.slice(p.upTo, cut)));
    p.upTo = cut;
  }
  const tail = text.slice(p.upTo);
  return (
    <div class="md streaming">
      {p.html.map((html, i) => (
        <div key={i} class="md-part" dangerouslySetInnerHTML={{ __html: html }} />
      ))}
      {tail && <div class="md-part md-tail" dangerouslySetInnerHTML={{ __html: renderMarkdown(tail) }} />}
    </div>
  );
}
