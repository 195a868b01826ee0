// The classifier's look at the local filesystem: small text files (scripts, package.json, Makefiles, git config and
// hooks), symlink resolution and "is this a copy of rm?". Synchronous and bounded: the gate runs it per command.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { FsProbe } from './classifier';

const MAX_TEXT = 256 * 1024;
/** Programs whose copies under another name keep their meaning (`cp /bin/rm ./cleanup`). */
const KNOWN = ['rm', 'dd', 'shred', 'mkfs', 'wipefs', 'truncate', 'sh', 'bash', 'dash', 'zsh', 'busybox', 'find', 'chmod', 'chown', 'kill', 'pkill', 'python3', 'perl', 'curl', 'nc', 'mv', 'cp', 'sudo'];
const BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];

interface Known {
  name: string;
  size: number;
  hash: string;
}

let known: Map<number, Known[]> | null = null;

function hashFile(p: string): string | null {
  try {
    const st = statSync(p);
    if (!st.isFile() || st.size > 8 * 1024 * 1024) return null;
    const fd = openSync(p, 'r');
    try {
      const buf = Buffer.alloc(st.size);
      readSync(fd, buf, 0, st.size, 0);
      return createHash('sha256').update(buf).digest('hex');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function knownBinaries(): Map<number, Known[]> {
  if (known) return known;
  known = new Map();
  const seen = new Set<string>();
  for (const name of KNOWN) {
    for (const d of BIN_DIRS) {
      let real: string;
      try {
        real = realpathSync(`${d}/${name}`);
      } catch {
        continue;
      }
      if (seen.has(real)) break;
      seen.add(real);
      try {
        const size = statSync(real).size;
        const list = known.get(size) ?? [];
        list.push({ name, size, hash: '' });
        known.set(size, list);
        // Hashes are computed lazily, only when a same-sized candidate shows up.
        (list[list.length - 1] as Known & { path: string }).path = real;
      } catch {
        /* unreadable */
      }
      break;
    }
  }
  return known;
}

export function createLocalProbe(): FsProbe {
  return {
    readText(abs) {
      try {
        const st = statSync(abs);
        if (!st.isFile() || st.size > MAX_TEXT) return null;
        const fd = openSync(abs, 'r');
        try {
          const buf = Buffer.alloc(st.size);
          readSync(fd, buf, 0, st.size, 0);
          if (buf.subarray(0, 4096).includes(0)) return null;
          return buf.toString('utf8');
        } finally {
          closeSync(fd);
        }
      } catch {
        return null;
      }
    },
    size(abs) {
      try {
        const st = statSync(abs);
        return st.isFile() ? st.size : null;
      } catch {
        return null;
      }
    },
    realpath(abs) {
      // The longest existing prefix is resolved; the missing rest is appended as written.
      let head = abs;
      const tail: string[] = [];
      for (let k = 0; k < 64 && head !== '/'; k++) {
        try {
          const r = realpathSync(head);
          return tail.length ? posix.join(r, ...tail.reverse()) : r;
        } catch {
          tail.push(posix.basename(head));
          head = posix.dirname(head);
        }
      }
      return tail.length ? posix.join('/', ...tail.reverse()) : '/';
    },
    identify(abs) {
      let real: string;
      try {
        real = realpathSync(abs);
      } catch {
        return null;
      }
      const base = posix.basename(real);
      if (base !== posix.basename(abs) && KNOWN.includes(base)) return base === 'python3' ? 'python' : base;
      let size: number;
      try {
        size = statSync(real).size;
      } catch {
        return null;
      }
      const candidates = knownBinaries().get(size);
      if (!candidates) return null;
      const h = hashFile(real);
      for (const c of candidates as (Known & { path: string })[]) {
        if (c.path === real) return null;
        if (!c.hash) c.hash = hashFile(c.path) ?? '-';
        if (h && c.hash === h) return c.name === 'python3' ? 'python' : c.name;
      }
      return null;
    },
  };
}
