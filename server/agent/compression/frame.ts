// The summary as the model meets it: fenced as reference material (so the agent neither answers it nor redoes the
// work it lists), with the current goal and the todo list restated so neither is lost with the middle of the thread.
import type { StoredMessage } from '../../store';
import type { CompactionMethod, TodoItem } from '../../protocol';

export const SUMMARY_OPEN =
  '[CONTEXT SUMMARY — REFERENCE ONLY: earlier turns were compressed. Respond to the latest user message, not to this summary.]';
export const SUMMARY_CLOSE = '[END OF SUMMARY]';

const GOAL_MAX_CHARS = 2_000;

export function renderTodos(todos: TodoItem[]): string {
  if (!todos.length) return '(empty)';
  return todos.map((t) => `- [${t.status}] ${t.id}. ${t.content}`).join('\n');
}

/** The latest user request, in the user's words (capped), or a note that there is none. */
export function currentGoal(history: StoredMessage[]): string {
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (m.role !== 'user') continue;
    const text = userText(m.content);
    if (!text) continue;
    return text.length > GOAL_MAX_CHARS ? `${text.slice(0, GOAL_MAX_CHARS)} […]` : text;
  }
  return '(no user request found)';
}

/** The part between the markers: shown in the contextCompaction item too. */
export function summaryBody(opts: { body: string; goal: string; todos: TodoItem[]; method: CompactionMethod }): string {
  const how =
    opts.method === 'model'
      ? 'The messages between the first exchange and the recent ones were replaced by this summary.'
      : 'The messages between the first exchange and the recent ones were replaced by this record (the summariser was unavailable, so it lists requests, tool calls, files and errors rather than prose).';
  return [
    how,
    'Treat it as background. Work listed as done is done: check the current state before repeating any of it. MEMORY.md and USER.md in the system prompt stay authoritative.',
    '',
    opts.body.trim(),
    '',
    '## Current goal (the latest user request)',
    opts.goal,
    '',
    '## Todo list (current)',
    renderTodos(opts.todos),
  ].join('\n');
}

export function frameSummary(body: string): string {
  return `${SUMMARY_OPEN}\n${body}\n${SUMMARY_CLOSE}`;
}

export function isSummary(content: string | null | undefined): boolean {
  return !!content && content.startsWith(SUMMARY_OPEN);
}

/** What the user wrote in a message; a summary merged in front of it (see compactor) is left out. */
export function userText(content: string | null | undefined): string {
  const text = content ?? '';
  if (!isSummary(text)) return text.trim();
  const end = text.indexOf(SUMMARY_CLOSE);
  return end < 0 ? '' : text.slice(end + SUMMARY_CLOSE.length).trim();
}

/** The earlier summary inside a framed message, for a later compression to carry forward. */
export function unframe(content: string): string {
  const end = content.indexOf(SUMMARY_CLOSE);
  return content.slice(SUMMARY_OPEN.length, end < 0 ? undefined : end).trim();
}
