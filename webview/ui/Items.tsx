// One transcript row: an item (user message, agent reply, reasoning, tool card), a turn's footer, a request card,
// or a notice. Each row subscribes to its own key, so a stream delta re-renders only the row it belongs to.
import { useEffect, useState } from 'preact/hooks';
import type { AgentMessageItem, ContextCompactionItem, ImageInput, ReasoningItem, UserMessageItem } from '../../server/protocol';
import type { ChatController } from '../controller';
import type { Row } from '../state/transcript';
import { useKeys } from '../state/emitter';
import { formatUsage } from '../format';
import { Markdown } from './Markdown';
import { pure } from './pure';
import { CommandCard, FileChangeCard, ToolCallCard } from './ToolCards';
import { RequestCard } from './RequestCards';

export const RowView = pure(function RowView({ c, row }: { c: ChatController; row: Row }) {
  switch (row.kind) {
    case 'item':
      return <ItemView c={c} id={row.id} />;
    case 'turn':
      return <TurnFooter c={c} turnId={row.turnId} />;
    case 'request':
      return <RequestCard c={c} requestId={row.requestId} />;
    case 'notice':
      return (
        <div class={`notice ${row.tone}`} role={row.tone === 'error' ? 'alert' : undefined}>
          {row.text}
        </div>
      );
  }
});

function ItemView({ c, id }: { c: ChatController; id: string }) {
  useKeys(c.emitter, `item:${id}`);
  const item = c.transcript.items.get(id);
  if (!item) return null;
  switch (item.type) {
    case 'userMessage':
      return <UserMessage c={c} item={item} />;
    case 'agentMessage':
      return <AgentMessage item={item} />;
    case 'reasoning':
      return <Reasoning item={item} running={!c.transcript.done.has(item.id)} />;
    case 'commandExecution':
      return <CommandCard item={item} />;
    case 'fileChange':
      return <FileChangeCard c={c} item={item} />;
    case 'toolCall':
      return <ToolCallCard c={c} item={item} />;
    case 'contextCompaction':
      return <Compaction item={item} />;
  }
}

/** Where the host compressed earlier turns into a summary; the summary stays readable. */
function Compaction({ item }: { item: ContextCompactionItem }) {
  return (
    <details class="compaction" aria-label="Context summary">
      <summary>Earlier messages were summarised to free context{item.method === 'fallback' ? ' (summary built without the model)' : ''}</summary>
      <div class="compaction-text">{item.summary}</div>
    </details>
  );
}

function UserMessage({ c, item }: { c: ChatController; item: UserMessageItem }) {
  const text = item.content.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('\n');
  const mentions = item.content.filter((p) => p.type === 'mention').map((p) => (p as { path: string }).path);
  const images = item.content.filter((p): p is ImageInput => p.type === 'image' && !!p.attachmentId);
  return (
    <article class="msg user" aria-label="You">
      {text && <div class="msg-text">{text}</div>}
      {images.length > 0 && (
        <div class="msg-images" aria-label="Images">
          {images.map((img, i) => (
            <Thumbnail key={`${img.attachmentId}-${i}`} c={c} image={img} />
          ))}
        </div>
      )}
      {mentions.length > 0 && (
        <ul class="mentions" aria-label="Attached files">
          {mentions.map((m) => (
            <li key={m} class="mention">
              @{m}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

/** A picture the user sent, read from the host (a placeholder until it arrives, or when it cannot be read). */
function Thumbnail({ c, image }: { c: ChatController; image: ImageInput }) {
  const [src, setSrc] = useState<string | null>(null);
  const threadId = c.transcript.threadId;
  useEffect(() => {
    let live = true;
    if (threadId && image.attachmentId) void c.images.url(threadId, image.attachmentId).then((u) => live && setSrc(u));
    return () => {
      live = false;
    };
  }, [threadId, image.attachmentId]);
  const label = image.name ?? 'image';
  return src ? <img class="thumb" src={src} alt={label} title={label} /> : <span class="thumb placeholder" role="img" aria-label={label}>{label}</span>;
}

function AgentMessage({ item }: { item: AgentMessageItem }) {
  const streaming = item.status === 'inProgress';
  const ended = item.status === 'interrupted' ? 'Stopped' : item.status === 'failed' ? 'Incomplete' : '';
  return (
    <article class={`msg agent${streaming ? ' is-streaming' : ''}`} aria-label="Hermes" aria-busy={streaming ? 'true' : undefined} data-status={item.status ?? 'completed'}>
      <Markdown id={item.id} text={item.text} streaming={streaming} />
      {ended && <div class="msg-ended">{ended}</div>}
    </article>
  );
}

function Reasoning({ item, running }: { item: ReasoningItem; running: boolean }) {
  return (
    <details class="reasoning">
      <summary>{running ? 'Thinking…' : 'Reasoning'}</summary>
      <div class="reasoning-text">{item.text}</div>
    </details>
  );
}

function TurnFooter({ c, turnId }: { c: ChatController; turnId: string }) {
  useKeys(c.emitter, `turn:${turnId}`);
  const turn = c.transcript.turns.get(turnId);
  if (!turn) return null;
  return (
    <footer class={`turn-footer ${turn.status}`} data-turn={turn.id}>
      {turn.status === 'failed' && turn.error && (
        <div class="turn-error">
          <strong>The turn failed:</strong> {turn.error.message}
        </div>
      )}
      {turn.status === 'completed' && turn.error && <div class="turn-warning">{turn.error.message}</div>}
      {turn.status === 'interrupted' && <div class="turn-stopped">Stopped.</div>}
      {turn.usage && (
        <div class="usage">
          {formatUsage(turn.usage)}
          {turn.model ? ` · ${turn.model}` : ''}
        </div>
      )}
    </footer>
  );
}
