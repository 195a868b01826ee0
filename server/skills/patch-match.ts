// Replacement for skill patches: an exact match first, then one that tolerates differences in whitespace
// (indentation, wrapped lines, CRLF). More than one match is refused unless replace_all is set, so a patch never
// lands in the wrong place.
import { SkillError } from './errors';

export interface Replacement {
  text: string;
  count: number;
  mode: 'exact' | 'whitespace';
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function spans(text: string, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

function exactSpans(text: string, needle: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) out.push([i, i + needle.length]);
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces `oldString` with `newString` in `text`; throws NoMatch / AmbiguousMatch / InvalidArgument. */
export function replaceOnce(text: string, oldString: string, newString: string, opts: { replaceAll?: boolean; file?: string } = {}): Replacement {
  const where = opts.file ? ` in ${opts.file}` : '';
  if (typeof oldString !== 'string' || oldString.length === 0) throw new SkillError('InvalidArgument', 'old_string is required and must not be empty');
  if (typeof newString !== 'string') throw new SkillError('InvalidArgument', 'new_string is required (use an empty string to delete)');
  if (oldString === newString) throw new SkillError('InvalidArgument', 'old_string and new_string are identical');
  let mode: Replacement['mode'] = 'exact';
  let found = exactSpans(text, oldString);
  if (found.length === 0) {
    const tokens = oldString.trim().split(/\s+/).filter(Boolean);
    if (tokens.length > 0) {
      found = spans(text, new RegExp(tokens.map(escapeRe).join('\\s+'), 'g'));
      mode = 'whitespace';
    }
  }
  if (found.length === 0) {
    throw new SkillError(
      'NoMatch',
      `old_string not found${where} (not even with whitespace differences ignored); view the file again and copy the text exactly`,
    );
  }
  if (found.length > 1 && !opts.replaceAll) {
    const lines = found.slice(0, 10).map(([s]) => lineOf(text, s));
    throw new SkillError(
      'AmbiguousMatch',
      `old_string matches ${found.length} places${where} (lines ${lines.join(', ')}); include more surrounding text to make it unique, or set replace_all`,
    );
  }
  const crlf = text.includes('\r\n');
  const replacement = crlf ? newString.replace(/\r?\n/g, '\r\n') : newString;
  let out = '';
  let last = 0;
  for (const [s, e] of found) {
    out += text.slice(last, s) + replacement;
    last = e;
  }
  out += text.slice(last);
  return { text: out, count: found.length, mode };
}
