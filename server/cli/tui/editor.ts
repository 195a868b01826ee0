// The input line of the chat as data: a multi-line buffer with a cursor, the history of sent messages, and the
// completion menu for `/commands` and `@files`. Pure functions, so keys map to state changes the tests can check.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface EditorState {
  text: string;
  /** Cursor offset into text. */
  cursor: number;
  /** Sent messages, oldest first. */
  history: string[];
  /** Position while browsing history (history.length = the draft). */
  historyIndex: number;
  /** The unsent text kept while browsing history. */
  draft: string;
}

export const emptyEditor = (history: string[] = []): EditorState => ({ text: '', cursor: 0, history, historyIndex: history.length, draft: '' });

export function insert(s: EditorState, chars: string): EditorState {
  const text = s.text.slice(0, s.cursor) + chars + s.text.slice(s.cursor);
  return { ...s, text, cursor: s.cursor + chars.length };
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  return { ...s, text: s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), cursor: s.cursor - 1 };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { ...s, text: s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1) };
}

export function moveCursor(s: EditorState, delta: number): EditorState {
  return { ...s, cursor: Math.max(0, Math.min(s.text.length, s.cursor + delta)) };
}

export function lineStart(s: EditorState): EditorState {
  return { ...s, cursor: s.text.lastIndexOf('\n', s.cursor - 1) + 1 };
}

export function lineEnd(s: EditorState): EditorState {
  const i = s.text.indexOf('\n', s.cursor);
  return { ...s, cursor: i < 0 ? s.text.length : i };
}

/** Ctrl+W: the word before the cursor. */
export function deleteWord(s: EditorState): EditorState {
  const before = s.text.slice(0, s.cursor).replace(/\S+\s*$|\s+$/, '');
  return { ...s, text: before + s.text.slice(s.cursor), cursor: before.length };
}

/** Whether the cursor is on the first / last line (Up and Down then browse history instead of moving). */
export const onFirstLine = (s: EditorState) => !s.text.slice(0, s.cursor).includes('\n');
export const onLastLine = (s: EditorState) => !s.text.slice(s.cursor).includes('\n');

export function historyPrev(s: EditorState): EditorState {
  if (s.historyIndex === 0) return s;
  const draft = s.historyIndex === s.history.length ? s.text : s.draft;
  const text = s.history[s.historyIndex - 1];
  return { ...s, historyIndex: s.historyIndex - 1, text, cursor: text.length, draft };
}

export function historyNext(s: EditorState): EditorState {
  if (s.historyIndex >= s.history.length) return s;
  const i = s.historyIndex + 1;
  const text = i === s.history.length ? s.draft : s.history[i];
  return { ...s, historyIndex: i, text, cursor: text.length };
}

/** Clears the buffer after sending and appends the text to history (not a repeat of the last entry). */
export function submitted(s: EditorState): EditorState {
  const t = s.text;
  const history = t.trim() && s.history.at(-1) !== t ? [...s.history, t] : s.history;
  return { text: '', cursor: 0, history, historyIndex: history.length, draft: '' };
}

export function setText(s: EditorState, text: string): EditorState {
  return { ...s, text, cursor: text.length };
}

// ── completion ────────────────────────────────────────────────────────────────

export interface Suggestion {
  /** What replaces the token being completed. */
  value: string;
  /** What the menu shows beside it. */
  hint?: string;
}

export interface Completion {
  /** Offsets of the token the suggestions replace. */
  start: number;
  end: number;
  items: Suggestion[];
}

/** Most suggestions the menu shows. */
export const MAX_SUGGESTIONS = 8;

/** The token under the cursor: a `/command` at the start of the buffer, or an `@path` anywhere. */
export function tokenAtCursor(s: EditorState): { kind: 'command' | 'file'; start: number; end: number; word: string } | null {
  const before = s.text.slice(0, s.cursor);
  const m = /(^|\s)([@/][^\s]*)$/.exec(before);
  if (!m) return null;
  const start = before.length - m[2].length;
  const after = /^[^\s]*/.exec(s.text.slice(s.cursor))![0];
  const word = m[2] + after;
  if (word.startsWith('/')) return start === 0 ? { kind: 'command', start, end: s.cursor + after.length, word } : null;
  return { kind: 'file', start, end: s.cursor + after.length, word };
}

export function commandSuggestions(word: string, commands: { name: string; description: string; args?: string }[]): Suggestion[] {
  const q = word.slice(1).toLowerCase();
  const starts = commands.filter((c) => c.name.toLowerCase().startsWith(q));
  const contains = commands.filter((c) => !c.name.toLowerCase().startsWith(q) && c.name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS).map((c) => ({ value: `/${c.name}`, hint: `${c.args ? c.args + ' — ' : ''}${c.description}` }));
}

/** Directory names that are never worth offering (huge, generated, or VCS internals). */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.cache', '__pycache__', '.venv']);

/** Files and folders under `cwd` matching the partial path after `@` (one directory level, like a shell). */
export function fileSuggestions(word: string, cwd: string): Suggestion[] {
  const partial = word.slice(1);
  const slash = partial.lastIndexOf('/');
  const dirPart = slash >= 0 ? partial.slice(0, slash + 1) : '';
  const prefix = slash >= 0 ? partial.slice(slash + 1) : partial;
  const dir = resolve(cwd, dirPart || '.');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Suggestion[] = [];
  for (const name of names.sort()) {
    if (!name.toLowerCase().startsWith(prefix.toLowerCase())) continue;
    if (!prefix.startsWith('.') && name.startsWith('.')) continue;
    if (SKIP_DIRS.has(name)) continue;
    let isDir = false;
    try {
      isDir = statSync(join(dir, name)).isDirectory();
    } catch {
      continue;
    }
    out.push({ value: `@${dirPart}${name}${isDir ? '/' : ''}`, hint: isDir ? 'folder' : undefined });
    if (out.length >= MAX_SUGGESTIONS) break;
  }
  return out;
}

export function completionFor(s: EditorState, commands: { name: string; description: string; args?: string }[], cwd: string): Completion | null {
  const tok = tokenAtCursor(s);
  if (!tok) return null;
  const items = tok.kind === 'command' ? commandSuggestions(tok.word, commands) : fileSuggestions(tok.word, cwd);
  // Nothing to offer, or the only suggestion is what is already typed.
  if (!items.length || (items.length === 1 && items[0].value === tok.word)) return null;
  return { start: tok.start, end: tok.end, items };
}

/** Replaces the completed token with a suggestion (a command gets a space after it; a folder keeps completing). */
export function applySuggestion(s: EditorState, c: Completion, item: Suggestion): EditorState {
  const tail = item.value.endsWith('/') ? '' : ' ';
  const text = s.text.slice(0, c.start) + item.value + tail + s.text.slice(c.end).replace(/^ /, '');
  return { ...s, text, cursor: c.start + item.value.length + tail.length };
}
