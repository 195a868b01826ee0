// The classifier's look at files that live where the command runs — inside a Docker container or on an SSH host —
// so `bash cleanup.sh`, `npm run build`, `make` and git config there are judged by their content, as they are
// locally. The classifier asks its probe synchronously; remote files arrive asynchronously. So a pass records what
// the classifier wanted, those files are fetched (in parallel, size-capped), and the pass repeats with them known.
// A script may name another file, hence a few rounds; whatever is still unknown after the last round is treated as
// unreadable, exactly as a missing local file is.
import { posix } from 'node:path';
import type { FsProbe, Verdict } from './classifier';
import type { SandboxFs } from '../sandbox/types';

const MAX_TEXT = 256 * 1024;
const MAX_ROUNDS = 3;
/** Fetches per round: a pathological command cannot turn the check into a crawl of the remote disk. */
const MAX_FETCHES = 64;
/** Program names whose copies keep their meaning (a symlink `./cleanup` → /bin/rm is rm). */
const KNOWN = new Set(['rm', 'dd', 'shred', 'mkfs', 'wipefs', 'truncate', 'sh', 'bash', 'dash', 'zsh', 'busybox', 'find', 'chmod', 'chown', 'kill', 'pkill', 'python3', 'perl', 'curl', 'nc', 'mv', 'cp', 'sudo']);

export type RemoteFiles = Pick<SandboxFs, 'readFile' | 'stat' | 'realpath'>;

interface Known {
  text: Map<string, string | null>;
  size: Map<string, number | null>;
  real: Map<string, string | null>;
}

export async function classifyWithRemoteFiles(classify: (probe: FsProbe) => Verdict, fs: RemoteFiles): Promise<Verdict> {
  const known: Known = { text: new Map(), size: new Map(), real: new Map() };
  let v: Verdict | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const wanted = { text: new Set<string>(), size: new Set<string>(), real: new Set<string>() };
    v = classify(recordingProbe(known, wanted));
    if (!wanted.text.size && !wanted.size.size && !wanted.real.size) return v;
    await fetchAll(fs, known, wanted);
  }
  // Last round: everything still unknown reads as missing.
  return classify(recordingProbe(known, { text: new Set(), size: new Set(), real: new Set() }));
}

function recordingProbe(known: Known, wanted: { text: Set<string>; size: Set<string>; real: Set<string> }): FsProbe {
  const ask = <T>(map: Map<string, T | null>, set: Set<string>, abs: string): T | null => {
    if (map.has(abs)) return map.get(abs)!;
    set.add(abs);
    return null;
  };
  return {
    readText: (abs) => ask(known.text, wanted.text, abs),
    size: (abs) => ask(known.size, wanted.size, abs),
    realpath: (abs) => ask(known.real, wanted.real, abs),
    identify: (abs) => {
      // Without hashing remote binaries, a link or a path whose real name is a known program is that program.
      const real = ask(known.real, wanted.real, abs);
      if (!real) return null;
      const base = posix.basename(real);
      return base !== posix.basename(abs) && KNOWN.has(base) ? (base === 'python3' ? 'python' : base) : null;
    },
  };
}

async function fetchAll(fs: RemoteFiles, known: Known, wanted: { text: Set<string>; size: Set<string>; real: Set<string> }): Promise<void> {
  const jobs: Promise<void>[] = [];
  const budget = { left: MAX_FETCHES };
  const job = (fn: () => Promise<unknown>) => {
    if (budget.left-- > 0) jobs.push(fn().then(
        () => undefined,
        () => undefined,
      ));
  };
  for (const abs of wanted.text) {
    known.text.set(abs, null);
    job(async () => known.text.set(abs, await readSmallText(fs, abs)));
  }
  for (const abs of wanted.size) {
    known.size.set(abs, null);
    job(async () => known.size.set(abs, await fileSize(fs, abs)));
  }
  for (const abs of wanted.real) {
    known.real.set(abs, null);
    job(async () => known.real.set(abs, await realpathOrTail(fs, abs)));
  }
  await Promise.all(jobs);
}

async function readSmallText(fs: RemoteFiles, abs: string): Promise<string | null> {
  const real = await fs.realpath(abs).catch(() => abs);
  const st = await fs.stat(real);
  if (!st || st.type !== 'file' || st.size > MAX_TEXT) return null;
  const buf = await fs.readFile(real);
  return buf.subarray(0, 4096).includes(0) ? null : buf.toString('utf8');
}

async function fileSize(fs: RemoteFiles, abs: string): Promise<number | null> {
  const real = await fs.realpath(abs).catch(() => abs);
  const st = await fs.stat(real);
  return st && st.type === 'file' ? st.size : null;
}

/** Like the local probe: the longest existing prefix resolved, the missing rest appended as written. */
async function realpathOrTail(fs: RemoteFiles, abs: string): Promise<string | null> {
  let head = abs;
  const tail: string[] = [];
  for (let k = 0; k < 16 && head !== '/'; k++) {
    try {
      const r = await fs.realpath(head);
      return tail.length ? posix.join(r, ...tail.reverse()) : r;
    } catch {
      tail.push(posix.basename(head));
      head = posix.dirname(head);
    }
  }
  return tail.length ? posix.join('/', ...tail.reverse()) : '/';
}
