// ripgrep inside the sandbox, when it is installed there. Results come back as `rg --json` lines through the
// persistent shell. Ignore handling is pinned with flags (hidden files searched, .gitignore honoured even outside a
// git repo, no global or parent ignore files) so the built-in walker can reproduce it exactly; the name glob is
// applied afterwards by our own matcher for the same reason (`rg -g` would override .gitignore).
import type { Sandbox } from '../../sandbox/types';
import { globMatcher } from './glob';
import {
  ALWAYS_SKIPPED,
  filterByGlob,
  MAX_FILES_LISTED,
  MAX_MATCH_LINES,
  MAX_SEARCH_FILE_BYTES,
  sortNewestFirst,
  type FileHits,
  type SearchData,
  type SearchRequest,
} from './search-types';

const detected = new WeakMap<Sandbox, Promise<boolean>>();

/** Output is cut in the sandbox, well below what the shell session keeps, so no result is lost silently. */
const OUTPUT_BYTE_CAP = 3_000_000;
const capBytes = `head -c ${OUTPUT_BYTE_CAP}`;
const hitByteCap = (output: string) => Buffer.byteLength(output) >= OUTPUT_BYTE_CAP;

/** Whether `rg` runs in this sandbox (asked once per sandbox). */
export function hasRipgrep(sandbox: Sandbox): Promise<boolean> {
  let p = detected.get(sandbox);
  if (!p) {
    p = sandbox
      .exec('command -v rg >/dev/null 2>&1 && echo rg-present', { timeoutMs: 10_000 })
      .then((r) => r.output.includes('rg-present'))
      .catch(() => false);
    detected.set(sandbox, p);
  }
  return p;
}

export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function baseFlags(req: SearchRequest, nameGlob: string | undefined): string[] {
  const flags = [
    '--no-config',
    '--no-messages',
    '--hidden',
    '--no-require-git',
    '--no-ignore-parent',
    '--no-ignore-global',
    '--no-ignore-exclude',
    '--no-ignore-dot',
    `--max-filesize ${MAX_SEARCH_FILE_BYTES}`,
    ...ALWAYS_SKIPPED.map((n) => `-g ${shellQuote(`!${n}`)}`),
  ];
  // A slash-free glob can pre-filter inside rg as a file type, which (unlike -g) still honours .gitignore.
  if (nameGlob && !nameGlob.includes('/') && !req.rootIsFile)
    flags.push(`--type-add ${shellQuote(`hermesglob:${nameGlob}`)}`, '-t hermesglob');
  return flags;
}

export async function searchWithRipgrep(sandbox: Sandbox, req: SearchRequest): Promise<SearchData> {
  const nameGlob = req.target === 'files' ? req.pattern : req.fileGlob;
  const glob = nameGlob ? globMatcher(nameGlob) : undefined;
  const flags = baseFlags(req, nameGlob);
  if (req.target === 'files') {
    const limit = MAX_FILES_LISTED + 1;
    // `--sortr modified` orders each directory's entries by their own mtime, not the files globally (a newer file
    // in an older directory comes late), so rg lists in path order and the files are sorted here, like the walker.
    const cmd = `rg --files --sort path ${flags.join(' ')} -- ${shellQuote(req.root)} 2>&1 | head -n ${limit} | ${capBytes}`;
    const res = await sandbox.exec(cmd, { timeoutMs: 60_000, signal: req.signal });
    const lines = splitOutput(res.output).filter((l) => l.startsWith('/'));
    const truncated = lines.length > MAX_FILES_LISTED || hitByteCap(res.output);
    const paths = filterByGlob(req, lines.slice(0, MAX_FILES_LISTED), (p) => p, glob);
    return { kind: 'files', paths: await sortNewestFirst(sandbox, paths), truncated };
  }
  const ctx = req.context > 0 ? ` -C ${req.context}` : '';
  const limit = MAX_MATCH_LINES * (1 + 2 * req.context) + 1000;
  const cmd =
    `rg --json --sort path${ctx} ${flags.join(' ')} -e ${shellQuote(req.pattern)} -- ${shellQuote(req.root)}` +
    ` 2>&1 | head -n ${limit} | ${capBytes}`;
  const res = await sandbox.exec(cmd, { timeoutMs: 60_000, signal: req.signal });
  const out = splitOutput(res.output);
  const files: FileHits[] = [];
  const errors: string[] = [];
  let current: FileHits | undefined;
  let matchLines = 0;
  for (const line of out) {
    if (!line.startsWith('{')) {
      if (line.trim()) errors.push(line);
      continue;
    }
    let msg: RgMessage;
    try {
      msg = JSON.parse(line);
    } catch {
      continue; // a line cut by `head`
    }
    if (msg.type !== 'match' && msg.type !== 'context') continue;
    const path = rgText(msg.data.path);
    if (!current || current.path !== path) {
      current = { path, lines: [] };
      files.push(current);
    }
    const text = rgText(msg.data.lines).replace(/\r?\n$/, '');
    current.lines.push({ n: msg.data.line_number, text, match: msg.type === 'match' });
    if (msg.type === 'match') matchLines++;
  }
  // The pipe through `head` hides rg's exit status; an error shows as text with no results.
  if (!files.length && errors.length) throw new Error(`ripgrep: ${errors.join('\n').trim()}`);
  const truncated = out.length >= limit || matchLines > MAX_MATCH_LINES || hitByteCap(res.output);
  return { kind: 'content', files: filterByGlob(req, files, (f) => f.path, glob), truncated };
}

interface RgText {
  text?: string;
  bytes?: string;
}

interface RgMessage {
  type: string;
  data: { path: RgText; lines: RgText; line_number: number };
}

function rgText(t: RgText): string {
  return t.text ?? Buffer.from(t.bytes ?? '', 'base64').toString('utf8');
}

const splitOutput = (s: string) => s.split('\n').map((l) => l.replace(/\r$/, ''));
