// The chat view: header (chat title, tokens, model picker, new chat, history), the conversation or the history,
// requests from other chats, and the composer.
import type { ChatController } from '../controller';
import { useKeys } from '../state/emitter';
import { formatCost, formatTokens } from '../format';
import { Composer } from './Composer';
import { History } from './History';
import { RequestCard } from './RequestCards';
import { TranscriptView } from './Transcript';

export function App({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'session');
  const s = c.session;
  return (
    <div class="app" data-connected={s.connected ? 'true' : 'false'}>
      <Header c={c} />
      {s.greeted && !s.connected && (
        <div class="banner" role="alert">
          Not connected to the Hermes host. It restarts on its own; the chat comes back when it does.
        </div>
      )}
      <main class="main">{s.view === 'history' ? <History c={c} /> : <TranscriptView c={c} />}</main>
      <OtherChatsRequests c={c} />
      <Composer c={c} />
      <Announcer c={c} />
    </div>
  );
}

function Header({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'thread', 'status', 'session');
  const t = c.transcript;
  const u = t.usage;
  const history = c.session.view === 'history';
  const current = c.currentModel();
  const models = current && !c.session.models.includes(current) ? [current, ...c.session.models] : c.session.models;
  return (
    <header class="header">
      <h1 class="title" title={t.thread?.title}>
        {history ? 'History' : t.thread?.title || 'New chat'}
      </h1>
      {u && u.totalTokens > 0 && !history && (
        <span class="thread-usage" aria-label="Tokens used in this chat">
          {formatTokens(u.totalTokens)} tokens{u.costUsd ? ` · ${formatCost(u.costUsd)}` : ''}
        </span>
      )}
      <label class="model-picker">
        <span class="sr-only">Model</span>
        <select aria-label="Model" value={current} onChange={(e) => c.setModel((e.target as HTMLSelectElement).value)} title={c.session.modelError ?? 'Model for the next turns'}>
          {models.length === 0 && <option value="">default model</option>}
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="icon" onClick={() => c.newChat()} aria-label="New chat" title="New chat">
        New
      </button>
      <button type="button" class="icon" aria-pressed={history} onClick={() => c.showView(history ? 'chat' : 'history')} aria-label={history ? 'Back to the chat' : 'History'} title="History">
        {history ? 'Chat' : 'History'}
      </button>
    </header>
  );
}

/** Questions from chats not on screen (another thread, a chat app): answerable here, with a way to go there. */
function OtherChatsRequests({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'requests', 'rows');
  const others = c.requests.pending().filter((r) => r.params.threadId && r.params.threadId !== c.transcript.threadId);
  if (!others.length) return null;
  return (
    <aside class="other-requests" aria-label="Waiting in other chats">
      {others.map((r) => (
        <div key={r.params.requestId} class="other-request">
          <button type="button" class="link" onClick={() => void c.openThread(r.params.threadId!)}>
            In another chat
          </button>
          <RequestCard c={c} requestId={r.params.requestId} />
        </div>
      ))}
    </aside>
  );
}

function Announcer({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'announce');
  return (
    <div class="sr-only" aria-live="assertive" aria-atomic="true">
      {c.session.announcement}
    </div>
  );
}
