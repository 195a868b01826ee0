// File operations of the SSH backend over SFTP (binary-safe, no shell quoting). Writes go to a temp file next to the
// target and are renamed over it (posix-rename@openssh.com replaces atomically), keeping the old file's mode.
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SFTPWrapper, Stats } from 'ssh2';
import { SandboxFsError, type SandboxErrorCode } from './errors';
import { typeFromMode } from './exec-fs';
import type { FileStat } from './types';

const STATUS: Record<number, SandboxErrorCode> = { 2: 'ENOENT', 3: 'EACCES' };

function fsError(err: unknown, path: string): Error {
  const code = STATUS[(err as { code?: number }).code ?? -1];
  if (code) return new SandboxFsError(code, path);
  return new SandboxFsError('EIO', path, `${path}: ${(err as Error).message}`);
}

const call = <T>(path: string, fn: (cb: (err: Error | null | undefined, v?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(fsError(err, path)) : resolve(v as T))));

export class SftpFs {
  constructor(private readonly sftp: () => Promise<SFTPWrapper>) {}

  private async lstat(path: string): Promise<Stats | null> {
    const s = await this.sftp();
    try {
      return await call<Stats>(path, (cb) => s.lstat(path, cb));
    } catch (err) {
      if ((err as SandboxFsError).code === 'ENOENT') return null;
      throw err;
    }
  }

  async readFile(path: string): Promise<Buffer> {
    const s = await this.sftp();
    const st = await call<Stats>(path, (cb) => s.stat(path, cb));
    if (st.isDirectory()) throw new SandboxFsError('EISDIR', path);
    return call<Buffer>(path, (cb) => s.readFile(path, cb));
  }

  async writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void> {
    const s = await this.sftp();
    let target = path;
    const cur = await this.lstat(path);
    if (cur?.isSymbolicLink()) target = await this.realpath(path).catch(() => path);
    const existing = target === path ? cur : await this.lstat(target);
    if (existing?.isDirectory()) throw new SandboxFsError('EISDIR', path);
    const mode = opts?.mode ?? (existing?.isFile() ? existing.mode & 0o7777 : 0o644);
    await this.mkdir(posix.dirname(target), { recursive: true });
    const tmp = posix.join(posix.dirname(target), `.${posix.basename(target)}.hermes-${randomBytes(4).toString('hex')}.tmp`);
    try {
      await call(tmp, (cb) => s.writeFile(tmp, typeof data === 'string' ? Buffer.from(data) : data, { mode }, cb));
      await call(tmp, (cb) => s.chmod(tmp, mode, cb));
      await call(target, (cb) => s.ext_openssh_rename(tmp, target, cb)).catch(async () => {
        // Servers without the extension: plain rename refuses to overwrite, so remove the old file first.
        await call(target, (cb) => s.unlink(target, cb)).catch(() => undefined);
        await call(target, (cb) => s.rename(tmp, target, cb));
      });
    } catch (err) {
      await call(tmp, (cb) => s.unlink(tmp, cb)).catch(() => undefined);
      throw err;
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    const st = await this.lstat(path);
    if (!st) return null;
    return { type: typeFromMode(st.mode), size: st.size, mtimeMs: st.mtime * 1000, mode: st.mode & 0o7777 };
  }

  async readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]> {
    const s = await this.sftp();
    const st = await this.lstat(path);
    if (!st) throw new SandboxFsError('ENOENT', path);
    if (!st.isDirectory() && !st.isSymbolicLink()) throw new SandboxFsError('ENOTDIR', path);
    const list = await call<{ filename: string; attrs: { mode: number } }[]>(path, (cb) => s.readdir(path, cb));
    return list
      .filter((e) => e.filename !== '.' && e.filename !== '..')
      .map((e) => ({ name: e.filename, type: typeFromMode(e.attrs.mode) }));
  }

  async mkdir(path: string, opts?: { recursive?: boolean }): Promise<void> {
    const s = await this.sftp();
    const st = await this.lstat(path);
    if (st) {
      if (opts?.recursive && st.isDirectory()) return;
      throw new SandboxFsError('EEXIST', path);
    }
    if (opts?.recursive) {
      const parent = posix.dirname(path);
      if (parent !== path) await this.mkdir(parent, { recursive: true });
    }
    try {
      await call(path, (cb) => s.mkdir(path, cb));
    } catch (err) {
      // Lost a race with another creator: fine for recursive mkdir.
      if (opts?.recursive && (await this.lstat(path))?.isDirectory()) return;
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    const s = await this.sftp();
    const st = await this.lstat(path);
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of await this.readdir(path)) await this.remove(posix.join(path, e.name));
      await call(path, (cb) => s.rmdir(path, cb));
    } else {
      await call(path, (cb) => s.unlink(path, cb));
    }
  }

  async realpath(path: string): Promise<string> {
    const s = await this.sftp();
    // OpenSSH's realpath resolves symlinks but may accept a missing final component; insist on existence like Node.
    await call<Stats>(path, (cb) => s.stat(path, cb));
    return call<string>(path, (cb) => s.realpath(path, cb));
  }
}
