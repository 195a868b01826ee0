// How the host's items look to an ACP client: tool calls (kind, title, locations, content, diffs), plans from the
// todo list, and the status words. Pure functions over the protocol types, shared by the live stream and by the
// history replay of session/load so both show a thread the same way.
import { isAbsolute, relative, resolve } from 'node:path';
import type * as acp from '@agentclientprotocol/sdk';
import type { FileChange, Item, ItemStatus, TodoItem, ToolItem } from '../protocol';

/** What kind of work a tool does, for the client's icons and grouping. Unknown tools (MCP, skills) are `other`. */
const KIND_BY_TOOL: Record<string, acp.ToolKind> = {
  read_file: 'read',
  read_result: 'read',
  skill_view: 'read',
  write_file: 'edit',
  patch: 'edit',
  search_files: 'search',
  session_search: 'search',
  skills_list: 'search',
  terminal: 'execute',
  process: 'execute',
  execute_code: 'execute',
  web_search: 'fetch',
  web_extract: 'fetch',
  todo: 'think',
  clarify: 'think',
  memory: 'other',
};

export function toolKind(item: ToolItem): acp.ToolKind {
  if (item.type === 'commandExecution') return 'execute';
  if (item.type === 'fileChange') return item.changes.some((c) => c.kind === 'delete') && item.changes.every((c) => c.kind === 'delete') ? 'delete' : 'edit';
  return KIND_BY_TOOL[item.tool] ?? 'other';
}

export function isToolItem(item: Item): item is ToolItem {
  return item.type === 'toolCall' || item.type === 'commandExecution' || item.type === 'fileChange';
}

const oneLine = (s: string, max = 120) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function argString(args: unknown, key: string): string | undefined {
  const v = args && typeof args === 'object' ? (args as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v ? v : undefined;
}

/** A path as the user thinks of it: relative to the session's folder when inside it. */
function shownPath(p: string, cwd: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(cwd, p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

export function toolTitle(item: ToolItem, cwd: string): string {
  switch (item.type) {
    case 'commandExecution':
      return oneLine(item.command) || item.tool;
    case 'fileChange': {
      const paths = item.changes.map((c) => c.path && shownPath(c.path, cwd)).filter(Boolean);
      const verb = item.tool === 'write_file' ? 'Write' : 'Edit';
      return paths.length ? `${verb} ${paths.join(', ')}` : item.tool;
    }
    case 'toolCall': {
      const a = item.arguments;
      const path = argString(a, 'path');
      if (item.tool === 'read_file' && path) return `Read ${path}`;
      if (item.tool === 'search_files') return `Search ${argString(a, 'pattern') ?? argString(a, 'query') ?? ''}`.trim();
      if (item.tool === 'web_search' && argString(a, 'query')) return `Search the web: ${oneLine(argString(a, 'query')!, 80)}`;
      if (item.tool === 'todo') return 'Update plan';
      const shown = a && typeof a === 'object' && Object.keys(a).length ? ` ${oneLine(JSON.stringify(a), 80)}` : '';
      return `${item.tool}${shown}`;
    }
  }
}

/** Files a call touches, absolute (against the thread's cwd), so the client can follow along. */
export function toolLocations(item: ToolItem, cwd: string): acp.ToolCallLocation[] {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  if (item.type === 'fileChange') return item.changes.filter((c) => c.path).map((c) => ({ path: abs(c.path) }));
  if (item.type === 'toolCall') {
    const path = argString(item.arguments, 'path');
    if (path && (item.tool === 'read_file' || item.tool === 'search_files')) {
      const offset = (item.arguments as { offset?: unknown }).offset;
      return [{ path: abs(path), ...(typeof offset === 'number' ? { line: offset } : {}) }];
    }
  }
  return [];
}

/**
 * A unified diff as ACP diff blocks: one per hunk, with the hunk's old and new lines. ACP wants old and new text
 * rather than a patch; the host's items carry the patch (a whole-file before/after is not kept with the item), so a
 * client sees each changed region with its context lines. An added file is one block with no old text.
 */
export function diffBlocks(change: FileChange, cwd: string): acp.ToolCallContent[] {
  const path = isAbsolute(change.path) ? change.path : resolve(cwd, change.path);
  const hunks: { old: string[]; new: string[] }[] = [];
  let cur: { old: string[]; new: string[] } | null = null;
  for (const line of change.diff.split('\n')) {
    if (line.startsWith('@@')) {
      cur = { old: [], new: [] };
      hunks.push(cur);
    } else if (!cur || line.startsWith('\\')) {
      continue;
    } else if (line.startsWith('+')) cur.new.push(line.slice(1));
    else if (line.startsWith('-')) cur.old.push(line.slice(1));
    else if (line.startsWith(' ') || line === '') {
      cur.old.push(line.slice(1));
      cur.new.push(line.slice(1));
    }
  }
  return hunks.map((h) => {
    // The blank line a trailing split leaves is not content.
    if (h.old.at(-1) === '' && h.new.at(-1) === '') (h.old.pop(), h.new.pop());
    const added = change.kind === 'add';
    const deleted = change.kind === 'delete';
    return {
      type: 'diff' as const,
      path,
      oldText: added ? null : h.old.join('\n'),
      newText: deleted ? '' : h.new.join('\n'),
    };
  });
}

function text(t: string): acp.ToolCallContent {
  return { type: 'content', content: { type: 'text', text: t } };
}

/** The most of a command's output or a tool's result a client is sent in one update. */
export const MAX_TOOL_TEXT = 20_000;

function clip(s: string): string {
  return s.length > MAX_TOOL_TEXT ? `…${s.slice(-MAX_TOOL_TEXT)}` : s;
}

/** The content shown in a tool card: diffs for file changes, output for commands, the result otherwise. */
export function toolContent(item: ToolItem, cwd: string): acp.ToolCallContent[] {
  if (item.type === 'fileChange') {
    const diffs = item.changes.filter((c) => c.diff).flatMap((c) => diffBlocks(c, cwd));
    return diffs.length ? diffs : item.result ? [text(clip(item.result))] : [];
  }
  if (item.type === 'commandExecution') return item.output ? [text(clip(item.output))] : [];
  return item.result ? [text(clip(item.result))] : [];
}

export function toolStatus(status: ItemStatus): acp.ToolCallStatus {
  switch (status) {
    case 'inProgress':
      return 'in_progress';
    case 'completed':
      return 'completed';
    default:
      return 'failed';
  }
}

/** A tool call as first announced (`tool_call`). */
export function toolCallStart(item: ToolItem, cwd: string): acp.SessionUpdate {
  const content = toolContent(item, cwd);
  return {
    sessionUpdate: 'tool_call',
    toolCallId: item.id,
    title: toolTitle(item, cwd),
    kind: toolKind(item),
    status: item.status === 'inProgress' ? 'in_progress' : toolStatus(item.status),
    rawInput: item.type === 'commandExecution' ? { command: item.command, cwd: item.cwd } : item.type === 'toolCall' ? item.arguments : { changes: item.changes.map((c) => ({ path: c.path, kind: c.kind })) },
    locations: toolLocations(item, cwd),
    ...(content.length ? { content } : {}),
  };
}

/** A tool call's state after it changed or finished (`tool_call_update`). */
export function toolCallEnd(item: ToolItem, cwd: string): acp.SessionUpdate {
  const content = toolContent(item, cwd);
  return {
    sessionUpdate: 'tool_call_update',
    toolCallId: item.id,
    status: toolStatus(item.status),
    title: toolTitle(item, cwd),
    locations: toolLocations(item, cwd),
    ...(content.length ? { content } : {}),
    ...(item.type === 'commandExecution' ? { rawOutput: { exitCode: item.exitCode ?? null, ...(item.processId ? { processId: item.processId } : {}) } } : {}),
  };
}

/** The todo list as an ACP plan. Cancelled entries are left out: a plan has no such state. */
export function planUpdate(todos: TodoItem[]): acp.SessionUpdate {
  return {
    sessionUpdate: 'plan',
    entries: todos
      .filter((t) => t.status !== 'cancelled')
      .map((t) => ({ content: t.content, priority: 'medium' as const, status: t.status as 'pending' | 'in_progress' | 'completed' })),
  };
}

/** The list a todo call left behind, from its result (`{todos, open}`); history replay rebuilds the plan from it. */
export function todosOf(item: ToolItem): TodoItem[] | null {
  if (item.type !== 'toolCall' || item.tool !== 'todo' || item.status !== 'completed' || !item.result) return null;
  let list: unknown;
  try {
    list = (JSON.parse(item.result) as { todos?: unknown }).todos;
  } catch {
    return null;
  }
  if (!Array.isArray(list)) return null;
  return list.filter(
    (t): t is TodoItem => !!t && typeof t === 'object' && typeof (t as TodoItem).content === 'string' && typeof (t as TodoItem).status === 'string',
  );
}
