// The message box. Enter sends, Shift+Enter adds a line, Escape stops a running turn (or closes the suggestions,
// or clears the draft). `/` completes commands and skills, `/model ` completes model ids, `@` completes workspace
// files; arrow keys move through suggestions, Enter or Tab takes one. The draft survives reloads (UI state). Images
// pasted or dropped on the box wait beside it (removable) and go with the next message.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatController } from '../controller';
import { readImageFile, type PendingImage } from '../images';
import { useKeys } from '../state/emitter';
import {
  applySuggestion,
  commandSuggestions,
  hostCommandSuggestions,
  completionAt,
  fileSuggestions,
  mentionsIn,
  modelSuggestions,
  type Completion,
  type Suggestion,
} from '../commands';

interface Popup {
  completion: Completion;
  items: Suggestion[];
  active: number;
}

export function Composer({ c }: { c: ChatController }) {
  useKeys(c.emitter, 'status', 'session', 'requests');
  const box = useRef<HTMLTextAreaElement>(null);
  const [draft, setDraftState] = useState(c.ui.get().draft);
  const picked = useRef<string[]>([...c.ui.get().mentions]);
  const [popup, setPopup] = useState<Popup | null>(null);
  const [images, setImages] = useState<PendingImage[]>([]);
  const lookup = useRef(0);
  const running = !!c.transcript.running;
  const waiting = c.requests.pending().some((r) => r.params.threadId === c.transcript.threadId);

  const setDraft = (text: string) => {
    setDraftState(text);
    c.ui.update({ draft: text, mentions: mentionsIn(text, picked.current) });
  };

  useEffect(() => c.emitter.on('focus', () => box.current?.focus()), [c]);

  const refreshPopup = async (text: string, caret: number) => {
    const comp = completionAt(text, caret);
    const seq = ++lookup.current;
    if (!comp) return setPopup(null);
    let items: Suggestion[];
    if (comp.trigger === '/') items = commandSuggestions(comp.query, c.session.skills, 50, hostCommandSuggestions(c.session.commands));
    else if (comp.trigger === 'model') items = modelSuggestions(comp.query, c.session.models);
    else items = fileSuggestions(await c.workspaceFiles(comp.query));
    if (seq !== lookup.current) return; // the user typed on; a newer lookup owns the popup
    setPopup(items.length ? { completion: comp, items, active: 0 } : null);
  };

  const accept = (s: Suggestion) => {
    if (!popup) return;
    const next = applySuggestion(draft, popup.completion, s);
    if (s.kind === 'file') picked.current = [...picked.current, s.insert.slice(1).trim()];
    setDraft(next.text);
    setPopup(null);
    lookup.current++;
    requestAnimationFrame(() => {
      const el = box.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
      // `/model ` leads straight into the model list.
      if (s.insert === '/model ') void refreshPopup(next.text, next.caret);
    });
  };

  const send = async () => {
    const text = draft;
    const mentions = mentionsIn(text, picked.current);
    const attached = images;
    if (!text.trim() && !mentions.length && !attached.length) return;
    if (running) {
      c.announce('A turn is running. Press Escape to stop it.');
      return;
    }
    setDraft('');
    setImages([]);
    picked.current = [];
    setPopup(null);
    const out = await c.submit(text, mentions, attached);
    if (!out.ok && attached.length) setImages((now) => [...attached, ...now]);
    if (out.restore && !box.current?.value) {
      picked.current = mentions;
      setDraft(out.restore);
    }
  };

  /** Image files from a paste or a drop join the message; anything else is left to the text box. */
  const takeImages = (files: FileList | null | undefined): boolean => {
    const list = [...(files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!list.length) return false;
    void Promise.allSettled(list.map(readImageFile)).then((results) => {
      const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      if (ok.length) setImages((now) => [...now, ...ok]);
      for (const r of results) if (r.status === 'rejected') c.transcript.addNotice(`Could not attach: ${(r.reason as Error).message}`, 'error');
      c.announce(ok.length ? `${ok.length} image${ok.length > 1 ? 's' : ''} attached` : '');
    });
    return true;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    if (popup) {
      const n = popup.items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setPopup({ ...popup, active: (popup.active + step + n) % n });
        return;
      }
      const chosen = popup.items[popup.active];
      const typed = draft.slice(popup.completion.from, popup.completion.to);
      // Enter on a command typed out in full runs it rather than completing it to itself.
      const complete = e.key === 'Enter' && !e.shiftKey && chosen.insert.trim() === typed;
      if ((e.key === 'Enter' || e.key === 'Tab') && !complete) {
        e.preventDefault();
        accept(chosen);
        return;
      }
      if (complete) {
        setPopup(null);
        lookup.current++;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setPopup(null);
        lookup.current++;
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (running) void c.interrupt();
      else setDraft('');
    }
  };

  const onInput = (e: Event) => {
    const el = e.target as HTMLTextAreaElement;
    setDraft(el.value);
    void refreshPopup(el.value, el.selectionStart ?? el.value.length);
  };

  const status = waiting ? 'Waiting for your answer' : running ? 'Working…' : '';
  const activeId = popup ? `suggestion-${popup.active}` : undefined;
  return (
    <div class="composer">
      <div class="status" role="status" aria-live="polite">
        {status}
      </div>
      {popup && (
        <ul class="suggestions" id="suggestions" role="listbox" aria-label={popup.completion.trigger === '@' ? 'Files' : popup.completion.trigger === 'model' ? 'Models' : 'Commands'}>
          {popup.items.map((s, i) => (
            <li
              key={s.label}
              id={`suggestion-${i}`}
              role="option"
              aria-selected={i === popup.active}
              class={`suggestion kind-${s.kind}${i === popup.active ? ' active' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault(); // keep focus in the box
                accept(s);
              }}
            >
              <span class="label">{s.label}</span>
              {s.detail && <span class="detail">{s.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      {images.length > 0 && (
        <ul class="pending-images" aria-label="Attached images">
          {images.map((img, i) => (
            <li key={`${img.name}-${i}`} class="pending-image">
              <img class="thumb" src={img.dataUrl} alt={img.name} />
              <button type="button" class="remove" aria-label={`Remove ${img.name}`} onClick={() => setImages((now) => now.filter((_, k) => k !== i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-row">
        <textarea
          ref={box}
          class="input"
          rows={3}
          value={draft}
          placeholder={running ? 'Hermes is working… (Escape to stop)' : 'Ask Hermes — / for commands, @ for files'}
          aria-label="Message"
          aria-autocomplete="list"
          aria-controls={popup ? 'suggestions' : undefined}
          aria-expanded={popup ? 'true' : 'false'}
          aria-activedescendant={activeId}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            if (takeImages(e.clipboardData?.files)) e.preventDefault();
          }}
          onDragOver={(e) => {
            if ([...(e.dataTransfer?.items ?? [])].some((i) => i.kind === 'file')) e.preventDefault();
          }}
          onDrop={(e) => {
            if (takeImages(e.dataTransfer?.files)) e.preventDefault();
          }}
          onBlur={() => setPopup(null)}
        />
        {running ? (
          <button type="button" class="stop" onClick={() => void c.interrupt()} aria-label="Stop" title="Stop (Escape)">
            Stop
          </button>
        ) : (
          <button type="button" class="primary send" onClick={() => void send()} disabled={!draft.trim() && !images.length} aria-label="Send" title="Send (Enter)">
            Send
          </button>
        )}
      </div>
    </div>
  );
}
