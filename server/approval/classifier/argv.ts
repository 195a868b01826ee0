// Argument helpers shared by the rules: the command name a word resolves to, and a getopt-style parser.
import type { Arg } from './expand';

const nameCache = new Map<string, string>();

/** `/usr/bin/Python3.11` → `python`; `mkfs.ext4` → `mkfs`. Lower-cased: macOS and fullwidth tricks. */
export function cmdName(word: string): string {
  let n = nameCache.get(word);
  if (n === undefined) {
    n = computeName(word);
    if (nameCache.size > 2048) nameCache.clear();
    nameCache.set(word, n);
  }
  return n;
}

function computeName(word: string): string {
  let s = word;
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  s = s.toLowerCase();
  if (s.endsWith('.exe')) s = s.slice(0, -4);
  if (/^(?:python|pypy)[\d.]*$/.test(s)) return 'python';
  if (/^(?:perl|ruby|php|lua|node|nodejs)[\d.]*$/.test(s)) return s.replace(/[\d.]+$/, '').replace('nodejs', 'node');
  if (/^mkfs(?:\..+)?$/.test(s) || /^mke2fs|^mkdosfs$|^mkntfs$|^mkexfatfs$|^newfs/.test(s)) return 'mkfs';
  return s;
}

export class Opts {
  constructor(
    /** Flags seen (single letters and long names without dashes), each with its values. */
    readonly flags: Map<string, string[]>,
    /** Positional arguments. */
    readonly pos: Arg[],
    /** With stopAtPositional: index in `args` of the first positional (args.length when none). */
    readonly rest: number,
  ) {}

  has(...names: string[]): boolean {
    for (const n of names) if (this.flags.has(n)) return true;
    return false;
  }

  val(name: string): string | undefined {
    return this.flags.get(name)?.[0];
  }
}

export interface OptSpec {
  /** Short options that take a value, e.g. 'ugC'. */
  short?: string;
  /** Long options that take a value (without dashes). */
  long?: string[];
  /** Stop at the first positional (wrappers: the rest is the wrapped command). */
  stopAtPositional?: boolean;
  /** `-9`, `-10` are options, not positionals. */
  numeric?: boolean;
  /** Index to start at (default 1: after the command word). */
  from?: number;
}

export function parseOpts(args: Arg[], spec: OptSpec = {}): Opts {
  const flags = new Map<string, string[]>();
  const pos: Arg[] = [];
  const set = (k: string, v: string): void => {
    const cur = flags.get(k);
    if (cur) cur.push(v);
    else flags.set(k, [v]);
  };
  let i = spec.from ?? 1;
  let rest = args.length;
  for (; i < args.length; i++) {
    const a = args[i].v;
    if (a === '--') {
      if (spec.stopAtPositional) {
        rest = i + 1;
        break;
      }
      pos.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      let value = eq < 0 ? '' : a.slice(eq + 1);
      if (eq < 0 && spec.long?.includes(name) && i + 1 < args.length) value = args[++i].v;
      set(name, value);
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !(spec.numeric === false && /^-\d/.test(a))) {
      if (spec.numeric && /^-\d+$/.test(a)) {
        set(a.slice(1), '');
        continue;
      }
      for (let k = 1; k < a.length; k++) {
        const ch = a[k];
        if (spec.short?.includes(ch)) {
          const inline = a.slice(k + 1);
          set(ch, inline !== '' ? inline : i + 1 < args.length ? args[++i].v : '');
          break;
        }
        set(ch, '');
      }
      continue;
    }
    if (spec.stopAtPositional) {
      rest = i;
      break;
    }
    pos.push(args[i]);
  }
  return new Opts(flags, pos, rest);
}

/** A long option given by any unambiguous GNU abbreviation (`--recur` for `--recursive`). */
export function hasLong(o: Opts, full: string, minLen = 3): boolean {
  for (const k of o.flags.keys()) if (k.length >= minLen && full.startsWith(k)) return true;
  return false;
}
