// File operations performed by small sh scripts run beside the shell (Docker). They run as the sandbox user, so
// permissions and ownership are exactly what the user's commands see, and they work on a read-only root with
// writable tmpfs and bind mounts (docker cp/putArchive cannot reach tmpfs mounts). Binary-safe: contents travel
// as raw bytes on stdin/stdout of a non-tty exec.
import { runCollect, type ShellHost } from './host';
import { SandboxFsError, type SandboxErrorCode } from './errors';
import type { FileStat } from './types';

/** Exit codes the scripts use to report POSIX errors. */
const CODES: Record<number, SandboxErrorCode> = {
  10: 'ENOENT',
  11: 'EISDIR',
  12: 'ENOTDIR',
  13: 'EACCES',
  14: 'EEXIST',
  15: 'ENOTEMPTY',
};

const SCRIPTS = {
  read: 'p=$1; [ -e "$p" ] || exit 10; [ -d "$p" ] && exit 11; [ -r "$p" ] || exit 13; exec cat -- "$p"',
  // Temp file next to the target, then rename: readers never see a torn file. Mode: explicit, else the old file's.
  write:
    'p=$1; m=$2; [ -L "$p" ] && q=$(readlink -f -- "$p") && [ -n "$q" ] && p=$q; d=${p%/*}; [ -n "$d" ] || d=/; ' +
    '[ -d "$p" ] && exit 11; mkdir -p -- "$d" 2>/dev/null || { [ -e "$d" ] && exit 12; exit 13; }; ' +
    '[ -z "$m" ] && [ -f "$p" ] && m=$(stat -c %a -- "$p" 2>/dev/null); ' +
    't="$d/.${p##*/}.hermes-$$.tmp"; ' +
    'cat > "$t" 2>/dev/null || { rm -f -- "$t"; exit 13; }; ' +
    '[ -n "$m" ] && chmod "$m" "$t"; ' +
    'mv -f -- "$t" "$p" 2>/dev/null || { rm -f -- "$t"; exit 13; }',
  // %f raw mode (hex), %s size, %Y mtime seconds. No -L: a final symlink is not followed.
  stat: 'stat -c "%f %s %Y" -- "$1" 2>/dev/null || { [ -e "$1" ] || [ -L "$1" ] || exit 10; exit 13; }',
  // One entry per "<type><name>/" — '/' cannot occur in a name, newlines can.
  readdir:
    '[ -e "$1" ] || exit 10; [ -d "$1" ] || exit 12; cd -- "$1" 2>/dev/null || exit 13; ' +
    'for f in * .[!.]* ..?*; do [ -e "$f" ] || [ -L "$f" ] || continue; ' +
    'if [ -L "$f" ]; then t=l; elif [ -d "$f" ]; then t=d; elif [ -f "$f" ]; then t=f; else t=o; fi; ' +
    'printf "%s%s/" "$t" "$f"; done',
  mkdir:
    'if [ "$2" = r ]; then [ -d "$1" ] && exit 0; [ -e "$1" ] && exit 14; mkdir -p -- "$1" 2>/dev/null || exit 13; ' +
    'else [ -e "$1" ] && exit 14; [ -d "${1%/*}" ] || [ -z "${1%/*}" ] || exit 10; mkdir -- "$1" 2>/dev/null || exit 13; fi',
  remove: '[ -e "$1" ] || [ -L "$1" ] || exit 0; rm -rf -- "$1" 2>/dev/null || exit 13',
  realpath: '[ -e "$1" ] || exit 10; readlink -f -- "$1" 2>/dev/null || realpath -- "$1" || exit 13',
};

export class ExecFs {
  constructor(private readonly host: ShellHost) {}

  private async run(op: keyof typeof SCRIPTS, path: string, args: string[] = [], stdin?: Buffer | string) {
    const r = await runCollect(this.host, ['sh', '-c', SCRIPTS[op], `hermes-${op}`, path, ...args], { stdin, timeoutMs: 120_000 });
    if (r.code === 0) return r.stdout;
    const code = r.code !== null ? CODES[r.code] : undefined;
    throw new SandboxFsError(code ?? 'EIO', path, code ? undefined : `${op} ${path} failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
  }

  readFile(path: string): Promise<Buffer> {
    return this.run('read', path);
  }

  async writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void> {
    const mode = opts?.mode !== undefined ? (opts.mode & 0o7777).toString(8) : '';
    await this.run('write', path, [mode], typeof data === 'string' ? Buffer.from(data) : data);
  }

  async stat(path: string): Promise<FileStat | null> {
    let out: Buffer;
    try {
      out = await this.run('stat', path);
    } catch (err) {
      if ((err as SandboxFsError).code === 'ENOENT') return null;
      throw err;
    }
    const [rawMode, size, mtime] = out.toString('utf8').trim().split(' ');
    const mode = parseInt(rawMode ?? '0', 16);
    return { type: typeFromMode(mode), size: Number(size), mtimeMs: Number(mtime) * 1000, mode: mode & 0o7777 };
  }

  async readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]> {
    const out = (await this.run('readdir', path)).toString('utf8');
    const types: Record<string, FileStat['type']> = { l: 'symlink', d: 'dir', f: 'file', o: 'other' };
    return out
      .split('/')
      .filter(Boolean)
      .map((e) => ({ name: e.slice(1), type: types[e[0]!] ?? 'other' }));
  }

  async mkdir(path: string, opts?: { recursive?: boolean }): Promise<void> {
    await this.run('mkdir', path, [opts?.recursive ? 'r' : '']);
  }

  async remove(path: string): Promise<void> {
    await this.run('remove', path);
  }

  async realpath(path: string): Promise<string> {
    return (await this.run('realpath', path)).toString('utf8').replace(/\n$/, '');
  }
}

export function typeFromMode(mode: number): FileStat['type'] {
  const fmt = mode & 0o170000;
  if (fmt === 0o120000) return 'symlink';
  if (fmt === 0o040000) return 'dir';
  if (fmt === 0o100000) return 'file';
  return 'other';
}
