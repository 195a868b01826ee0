// Globs and .gitignore rules, for search_files. A glob without a slash matches a file's name at any depth; with a
// slash it matches the path relative to the search root (ripgrep's and git's convention).

/** `*` within a segment, `**` across segments, `?`, `[...]`, `{a,b}`, `\` escapes. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      re += escapeChar(glob[++i]!);
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        i++;
        if (atStart && slashAfter) {
          re += '(?:.*/)?';
          i++;
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += escapeChar(c);
  }
  return new RegExp(`^${re}$`);
}

const escapeChar = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface GlobMatcher {
  (relPath: string): boolean;
}

/** Matches relative paths (no leading `./`) against one glob. */
export function globMatcher(glob: string): GlobMatcher {
  const g = glob.replace(/^\.\//, '');
  const byPath = g.includes('/');
  const re = globToRegExp(g.replace(/^\//, ''));
  return (rel) => re.test(byPath ? rel : rel.slice(rel.lastIndexOf('/') + 1));
}

export const hasGlobChars = (s: string) => /[*?[{]/.test(s);

interface Rule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
  anchored: boolean;
}

/** The rules of one .gitignore file. */
export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (!line) continue;
    rules.push({ re: globToRegExp(line), negate, dirOnly, anchored });
  }
  return rules;
}

/** .gitignore files met on the way down; the deepest matching rule decides, as in git. */
export class IgnoreStack {
  private readonly sets: { base: string; rules: Rule[] }[] = [];

  /** `base` is the directory holding the .gitignore, relative to the search root ('' for the root). */
  with(base: string, rules: Rule[]): IgnoreStack {
    const next = new IgnoreStack();
    next.sets.push(...this.sets);
    if (rules.length) next.sets.push({ base, rules });
    return next;
  }

  /** `rel` is relative to the search root. */
  ignored(rel: string, isDir: boolean): boolean {
    let result = false;
    for (const { base, rules } of this.sets) {
      if (base && !rel.startsWith(base + '/')) continue;
      const sub = base ? rel.slice(base.length + 1) : rel;
      const name = sub.slice(sub.lastIndexOf('/') + 1);
      for (const r of rules) {
        if (r.dirOnly && !isDir) continue;
        if (r.re.test(r.anchored ? sub : name)) result = !r.negate;
      }
    }
    return result;
  }
}
