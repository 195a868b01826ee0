// Pagination and printing of search results, shared by both backends. Content lines print as `path:line:text`
// (context lines as `path-line-text`, groups separated by `--`, as grep does); offset/limit count matches in
// content mode, files otherwise.
import { capLine, formatCount } from '../output';
import type { FileHits, SearchData } from './search-types';

export type OutputMode = 'content' | 'files_only' | 'count';

export interface Page {
  offset: number;
  limit: number;
}

const LINE_MAX = 500;

function footer(shown: number, offset: number, total: number, unit: string, truncated: boolean): string {
  const parts: string[] = [];
  if (offset + shown < total) parts.push(`more ${unit} available: continue with offset=${offset + shown}`);
  if (truncated) parts.push('the search stopped at its result cap; narrow the pattern, path or file_glob');
  return parts.length ? `\n[${parts.join('; ')}]` : '';
}

const range = (offset: number, shown: number, total: number) =>
  shown === total ? '' : ` (showing ${formatCount(offset + 1)}-${formatCount(offset + shown)})`;

export function formatResults(
  data: SearchData,
  mode: OutputMode,
  page: Page,
  context: number,
  show: (abs: string) => string,
): string {
  if (data.kind === 'files') {
    const total = data.paths.length;
    if (!total) return 'No files found.';
    const items = data.paths.slice(page.offset, page.offset + page.limit);
    const head = `Found ${formatCount(total)} file${total === 1 ? '' : 's'}${range(page.offset, items.length, total)}, newest first:`;
    return [head, ...items.map(show)].join('\n') + footer(items.length, page.offset, total, 'files', data.truncated);
  }
  const files = data.files.filter((f) => f.lines.some((l) => l.match));
  const totalMatches = files.reduce((n, f) => n + f.lines.filter((l) => l.match).length, 0);
  if (!totalMatches) return 'No matches found.';
  const summary = `${formatCount(totalMatches)} matching line${totalMatches === 1 ? '' : 's'} in ${formatCount(files.length)} file${files.length === 1 ? '' : 's'}`;

  if (mode === 'files_only' || mode === 'count') {
    const items = files.slice(page.offset, page.offset + page.limit);
    const rows = items.map((f) =>
      mode === 'count' ? `${show(f.path)}:${f.lines.filter((l) => l.match).length}` : show(f.path),
    );
    return [`${summary}${range(page.offset, items.length, files.length)}:`, ...rows].join('\n') +
      footer(items.length, page.offset, files.length, 'files', data.truncated);
  }

  const out: string[] = [];
  let index = 0;
  let shown = 0;
  for (const f of files) {
    const selected = selectMatches(f, index, page);
    index += f.lines.filter((l) => l.match).length;
    if (!selected.length) continue;
    shown += selected.length;
    const name = show(f.path);
    let prev = -1;
    for (const l of withContext(f, selected, context)) {
      // grep's group separator, only meaningful when context lines are shown.
      if (context > 0 && out.length && (prev === -1 || l.n > prev + 1)) out.push('--');
      out.push(`${name}${l.match ? ':' : '-'}${l.n}${l.match ? ':' : '-'}${capLine(l.text, LINE_MAX)}`);
      prev = l.n;
    }
  }
  return `${summary}${range(page.offset, shown, totalMatches)}:\n${out.join('\n')}` +
    footer(shown, page.offset, totalMatches, 'matches', data.truncated);
}

/** Line numbers of this file's matches whose global index falls in the page. */
function selectMatches(f: FileHits, firstIndex: number, page: Page): number[] {
  const picked: number[] = [];
  let i = firstIndex;
  for (const l of f.lines) {
    if (!l.match) continue;
    if (i >= page.offset && i < page.offset + page.limit) picked.push(l.n);
    i++;
  }
  return picked;
}

/** The selected matches plus the context lines the backend returned around them. */
function withContext(f: FileHits, selected: number[], context: number) {
  const sel = new Set(selected);
  return f.lines.filter((l) => {
    if (l.match && sel.has(l.n)) return true;
    if (context <= 0) return false;
    return selected.some((n) => Math.abs(l.n - n) <= context);
  });
}
