// A cheap necessary condition for a regex: a set of literal strings, one of which every match must contain. A file
// containing none of them cannot match, so the pattern is skipped for that file without running it. With ~250
// patterns that mostly name rare things (socat, ngrok, id_rsa …), most patterns are skipped for most files.
// The analysis is conservative: anything it does not understand yields "no prefilter" (always run the pattern).

interface Req {
  /** Every match contains one literal (lower case) of each of these lists. */
  all: string[][];
}

const score = (any: string[]) => Math.min(...any.map((s) => s.length)) - any.length / 100;
/** The list of a requirement with the fewest chance hits (its shortest literal longest). */
const best = (r: Req) => [...r.all].sort((a, b) => score(b) - score(a))[0];

const MIN = 3;

/** Parses `src` from `i` up to `)` or the end; returns the requirement of the alternation and where it stopped. */
function alternation(src: string, i: number): { req: Req | null; end: number } {
  const branches: (Req | null)[] = [];
  let cur = sequence(src, i);
  branches.push(cur.req);
  i = cur.end;
  while (src[i] === '|') {
    cur = sequence(src, i + 1);
    branches.push(cur.req);
    i = cur.end;
  }
  if (branches.some((b) => b === null)) return { req: null, end: i };
  if (branches.length === 1) return { req: branches[0], end: i };
  return { req: { all: [[...new Set(branches.flatMap((b) => best(b!)))]] }, end: i };
}

/** Reads one quantifier at `i`; `min` is the fewest repetitions it allows. */
function quantifier(src: string, i: number): { min: number; end: number } {
  const c = src[i];
  if (c === '*' || c === '?') return { min: 0, end: i + 1 + (src[i + 1] === '?' ? 1 : 0) };
  if (c === '+') return { min: 1, end: i + 1 + (src[i + 1] === '?' ? 1 : 0) };
  if (c === '{') {
    const m = /^\{(\d+)(?:,(\d*))?\}\??/.exec(src.slice(i));
    if (m) return { min: Number(m[1]), end: i + m[0].length };
  }
  return { min: 1, end: i };
}

function sequence(src: string, i: number): { req: Req | null; end: number } {
  const candidates: Req[] = [];
  let run = '';
  const flush = () => {
    if (run.length >= MIN) candidates.push({ all: [[run.toLowerCase()]] });
    run = '';
  };
  while (i < src.length && src[i] !== '|' && src[i] !== ')') {
    const c = src[i];
    let atom: { literal?: string; req?: Req | null; end: number };
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (/[^A-Za-z0-9]/.test(n)) atom = { literal: n, end: i + 2 };
      else if (n === 'u' || n === 'x' || n === 'c' || n === 'p' || n === 'P' || n === 'k') {
        const m = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>)/.exec(src.slice(i));
        atom = { end: i + (m ? m[0].length : 2) };
      } else atom = { end: i + 2 }; // \b \s \d \w \1 …: not a literal
    } else if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      atom = { end: j + 1 };
    } else if (c === '(') {
      let j = i + 1;
      let look = false;
      if (src[j] === '?') {
        if (src[j + 1] === ':') j += 2;
        else if (src[j + 1] === '<' && src[j + 2] !== '=' && src[j + 2] !== '!') j = src.indexOf('>', j) + 1;
        else {
          look = true;
          j += src[j + 1] === '<' ? 3 : 2;
        }
      }
      const inner = alternation(src, j);
      atom = { req: look ? null : inner.req, end: inner.end + 1 };
    } else if (c === '.' || c === '^' || c === '$') atom = { end: i + 1 };
    else atom = { literal: c, end: i + 1 };
    const q = quantifier(src, atom.end);
    if (atom.literal !== undefined) {
      if (q.min === 0) flush();
      else {
        run += atom.literal;
        if (q.end !== atom.end) flush(); // `a+`: the a is there once; what follows may not be adjacent
      }
    } else {
      flush();
      if (atom.req && q.min > 0) candidates.push(atom.req);
    }
    i = q.end;
  }
  flush();
  if (!candidates.length) return { req: null, end: i };
  // Everything in a sequence is required: a match contains something from each part.
  return { req: { all: candidates.flatMap((c) => c.all) }, end: i };
}

/**
 * Lists of literals (lower case): every match of `re` contains one literal of each list. null when nothing could be
 * derived. At most four lists are kept (the most selective), which is plenty to rule out a file.
 */
export function requiredLiterals(re: RegExp): string[][] | null {
  try {
    const r = alternation(re.source, 0);
    if (r.end !== re.source.length || !r.req) return null;
    const lists = r.req.all.filter((any) => any.length && any.every((s) => s.length >= MIN));
    return lists.length ? lists.sort((a, b) => score(b) - score(a)).slice(0, 4) : null;
  } catch {
    return null;
  }
}
