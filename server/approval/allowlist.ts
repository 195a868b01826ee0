// `command_allowlist` entries, as Hermes writes them: approval keys ("recursive delete", "git reset --hard (destroys
// uncommitted changes)"). An entry with glob characters (*, ?, [..]) is an fnmatch-style pattern — the form OpenClaw
// migrations and hand edits leave (`npm *`, `git push --force*`) — matched against the approval key or against the
// offending command part. A part that still chains commands (; & | ` $( or a newline) is never matched by a command
// pattern, so `npm *` cannot let `npm test; rm -rf ~` through.
import type { Finding } from './classifier';

const GLOB = /[*?[]/;

/**
 * Hermes's keys carry the consequence in parentheses ("git reset --hard (destroys uncommitted changes)", "git force
 * push (rewrites remote history)"); ours are the class alone. Both compare equal once that suffix, case and spacing
 * are set aside.
 */
function normalKey(k: string): string {
  return k.replace(/\s*\([^()]*\)\s*$/, '').replace(/\s+/g, ' ').trim().toLowerCase();
}
const CHAINED = /[;&|`\n]|\$\(/;

/** fnmatch (case-sensitive, as on POSIX): * any run, ? one character, [abc]/[!abc] a set. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let set = glob.slice(i + 1, end);
        if (set.startsWith('!')) set = '^' + set.slice(1);
        re += `[${set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class Allowlist {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(entries: Iterable<string>) {
    for (const e of entries) {
      const s = String(e).trim();
      if (!s) continue;
      this.exact.add(normalKey(s));
      if (GLOB.test(s)) this.patterns.push(globToRegExp(s));
    }
  }

  /** Whether one finding is covered: its key listed exactly, or a pattern matching its key or its command part. */
  covers(f: Pick<Finding, 'key' | 'part'>): boolean {
    if (this.exact.has(normalKey(f.key))) return true;
    const part = f.part?.trim() ?? '';
    return this.patterns.some((p) => p.test(f.key) || (!!part && !CHAINED.test(part) && p.test(part)));
  }
}
