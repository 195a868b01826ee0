// Composer text → what to do with it: built-in slash commands, skill commands (sent as text; the host expands
// them), `@file` mentions, and the autocomplete suggestions for each. Pure functions, tested without a browser.

export type SlashAction =
  | { kind: 'new' }
  | { kind: 'retry' }
  | { kind: 'undo' }
  | { kind: 'model'; id: string | null };

export interface Suggestion {
  /** Shown in the list. */
  label: string;
  /** Replaces the token being completed. */
  insert: string;
  detail?: string;
  kind: 'command' | 'skill' | 'model' | 'file';
}

export interface Completion {
  /** Range of the text the suggestion replaces. */
  from: number;
  to: number;
  trigger: '/' | '@' | 'model';
  query: string;
}

export const BUILTIN_COMMANDS: Suggestion[] = [
  { label: '/new', insert: '/new', detail: 'Start a new chat', kind: 'command' },
  { label: '/retry', insert: '/retry', detail: 'Drop the last turn and send its message again', kind: 'command' },
  { label: '/undo', insert: '/undo', detail: 'Drop the last turn', kind: 'command' },
  { label: '/model', insert: '/model ', detail: 'Use another model for the next turns of this chat', kind: 'command' },
];

/** A built-in command typed alone on the line, or null (skills and anything else are sent as text). */
export function parseSlash(text: string): SlashAction | null {
  const m = /^\/(new|retry|undo|model)(?:\s+(\S+))?\s*$/.exec(text.trim());
  if (!m) return null;
  switch (m[1]) {
    case 'new':
      return m[2] ? null : { kind: 'new' };
    case 'retry':
      return m[2] ? null : { kind: 'retry' };
    case 'undo':
      return m[2] ? null : { kind: 'undo' };
    default:
      return { kind: 'model', id: m[2] ?? null };
  }
}

/** What the caret is completing: a command name at the start, a model id after `/model `, or an `@file`. */
export function completionAt(text: string, caret: number): Completion | null {
  const before = text.slice(0, caret);
  const model = /^\/model\s+(\S*)$/.exec(before);
  if (model) return { from: caret - model[1].length, to: tokenEnd(text, caret), trigger: 'model', query: model[1] };
  const cmd = /^\/(\S*)$/.exec(before);
  if (cmd) return { from: 0, to: tokenEnd(text, caret), trigger: '/', query: cmd[1] };
  const at = /(^|\s)@([^\s@]*)$/.exec(before);
  if (at) return { from: caret - at[2].length - 1, to: tokenEnd(text, caret), trigger: '@', query: at[2] };
  return null;
}

function tokenEnd(text: string, caret: number): number {
  const m = /^\S*/.exec(text.slice(caret));
  return caret + (m ? m[0].length : 0);
}

export interface SkillLike {
  name: string;
  description: string;
  command: string;
}

/** The host's commands as suggestions; the built-in list stands in for an older host without command/list. */
export function hostCommandSuggestions(commands: { name: string; description: string; args?: string }[]): Suggestion[] {
  if (!commands.length) return BUILTIN_COMMANDS;
  return commands.map((c) => ({ label: `/${c.name}`, insert: c.args ? `/${c.name} ` : `/${c.name}`, detail: c.description, kind: 'command' }));
}

export function commandSuggestions(query: string, skills: SkillLike[], limit = 50, builtins: Suggestion[] = BUILTIN_COMMANDS): Suggestion[] {
  const q = query.toLowerCase();
  const skillItems = skills.map<Suggestion>((s) => ({
    label: s.command.startsWith('/') ? s.command : `/${s.name}`,
    insert: `${s.command.startsWith('/') ? s.command : `/${s.name}`} `,
    detail: s.description,
    kind: 'skill',
  }));
  return rank([...builtins, ...skillItems], q, (s) => s.label.slice(1)).slice(0, limit);
}

export function modelSuggestions(query: string, models: string[], limit = 50): Suggestion[] {
  return rank(
    models.map<Suggestion>((id) => ({ label: id, insert: id, kind: 'model' })),
    query.toLowerCase(),
    (s) => s.label,
  ).slice(0, limit);
}

export function fileSuggestions(files: string[]): Suggestion[] {
  return files.map((f) => ({ label: f, insert: `@${f} `, kind: 'file' }));
}

/** Prefix matches first, then substring matches, each in their original order. */
function rank<T>(items: T[], q: string, key: (t: T) => string): T[] {
  if (!q) return items;
  const prefix: T[] = [];
  const inner: T[] = [];
  for (const it of items) {
    const k = key(it).toLowerCase();
    if (k.startsWith(q)) prefix.push(it);
    else if (k.includes(q)) inner.push(it);
  }
  return [...prefix, ...inner];
}

/** Applies a suggestion; returns the new text and caret. */
export function applySuggestion(text: string, c: Completion, s: Suggestion): { text: string; caret: number } {
  const head = text.slice(0, c.from) + s.insert;
  const tail = text.slice(c.to);
  const glue = s.insert.endsWith(' ') && tail.startsWith(' ') ? tail.slice(1) : tail;
  return { text: head + glue, caret: head.length };
}

/** The `@path` mentions still present in the text, among those picked from the list, in order of appearance. */
export function mentionsIn(text: string, picked: string[]): string[] {
  const out: string[] = [];
  const re = /(^|\s)@([^\s@]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (picked.includes(m[2]) && !out.includes(m[2])) out.push(m[2]);
  }
  return out;
}
