// The summary written without a model, for when the summariser fails: a plain record of what the compressed part
// held — the user's requests in order, the tool calls made and how they ended, the files touched and the errors
// seen. It loses the prose but never the task (the frame adds the current goal and the todo list).
import type { Item } from '../../protocol';
import type { StoredMessage } from '../../store';
import { isSummary, unframe, userText } from './frame';
import { clip } from './transcript';

const MAX_CHARS = 8_000;
const REQUEST_CHARS = 300;
const ARGS_CHARS = 120;
const MAX_REQUESTS = 20;
const MAX_CALLS = 40;
const MAX_FILES = 40;
const MAX_ERRORS = 15;
const PATH_KEYS = ['path', 'file_path', 'filePath', 'paths', 'file', 'files', 'cwd', 'workdir'];

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function pathsIn(args: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object') return [];
  const out: string[] = [];
  for (const k of PATH_KEYS) {
    const v = (parsed as Record<string, unknown>)[k];
    if (typeof v === 'string' && v) out.push(v);
    else if (Array.isArray(v)) for (const p of v) if (typeof p === 'string' && p) out.push(p);
  }
  return out;
}

/** How a tool call ended, from its stored item: 'ok', 'failed', 'exit 2', … */
function outcome(result: StoredMessage | undefined): { label: string; error?: string } {
  if (!result) return { label: 'no result' };
  const item = result.items[0] as (Item & { status?: string; exitCode?: number | null }) | undefined;
  const text = result.content ?? '';
  if (item && 'exitCode' in item && typeof item.exitCode === 'number' && item.exitCode !== 0) {
    return { label: `exit ${item.exitCode}`, error: oneLine(text, 200) };
  }
  if (item?.status === 'failed' || /^error\b/i.test(text)) return { label: 'failed', error: oneLine(text, 200) };
  if (item?.status === 'interrupted' || item?.status === 'declined') return { label: item.status };
  return { label: 'ok' };
}

export function fallbackSummary(middle: StoredMessage[]): string {
  const requests: string[] = [];
  const calls: string[] = [];
  const files = new Set<string>();
  const errors: string[] = [];
  const earlier: string[] = [];
  const results = new Map<string, StoredMessage>();
  for (const m of middle) if (m.role === 'tool' && m.toolCallId) results.set(m.toolCallId, m);

  for (const m of middle) {
    if (m.role === 'user') {
      if (isSummary(m.content)) earlier.push(unframe(m.content!));
      const text = userText(m.content);
      if (text) requests.push(oneLine(text, REQUEST_CHARS));
    } else if (m.role === 'assistant') {
      for (const c of m.toolCalls ?? []) {
        const res = results.get(c.id);
        const o = outcome(res);
        calls.push(`${c.name} ${oneLine(c.arguments || '{}', ARGS_CHARS)} → ${o.label}`);
        if (o.error) errors.push(`${c.name}: ${o.error}`);
        for (const p of pathsIn(c.arguments)) files.add(p);
        for (const it of res?.items ?? []) if (it.type === 'fileChange') for (const ch of it.changes) files.add(ch.path);
      }
    }
  }

  const list = (xs: string[], max: number, numbered = false) => {
    if (!xs.length) return 'none';
    const shown = xs.length > max ? xs.slice(xs.length - max) : xs;
    const lines = shown.map((x, i) => (numbered ? `${i + 1 + xs.length - shown.length}. ${x}` : `- ${x}`));
    if (xs.length > max) lines.unshift(`(${xs.length - max} earlier entries left out)`);
    return lines.join('\n');
  };
  const sections = [
    '## User requests in the compressed part (oldest first)',
    list(requests, MAX_REQUESTS, true),
    '## Tool calls made (oldest first, with how they ended)',
    list(calls, MAX_CALLS),
    '## Files touched',
    list([...files], MAX_FILES),
    '## Errors seen',
    list(errors, MAX_ERRORS),
  ];
  if (earlier.length) sections.push('## Earlier summary', clip(earlier.join('\n\n'), 3_000));
  sections.push('## Next steps', 'Continue the current goal below; verify the state of anything listed above before redoing it.');
  return clip(sections.join('\n'), MAX_CHARS);
}
