// What the Docker and SSH backends share: a persistent shell on a remote host, file operations through an fs
// adapter (docker exec scripts or SFTP), paths resolved against the shell's cwd, and background processes over
// further channels. Subclasses say how to connect and how to let go.
import type { ExecOptions, ExecResult, FileStat, ProcessHandle, Sandbox, SandboxFs, SandboxKind, SpawnOptions } from './types';
import type { ShellSession } from './shell-session';
import type { ShellHost } from './host';
import { spawnRemote } from './spawn-remote';
import { assertNotRoot, resolveSandboxPath } from './paths';

export abstract class RemoteSandbox implements Sandbox {
  abstract readonly kind: SandboxKind;
  abstract readonly description: string;

  protected constructor(
    protected readonly host: ShellHost,
    protected readonly session: ShellSession,
    protected readonly fs: SandboxFs,
    /** Home when the shell has not reported one yet. */
    private readonly defaultHome: string,
  ) {}

  cwd(): string {
    return this.session.cwd();
  }

  home(): string {
    return this.session.home() ?? this.defaultHome;
  }

  exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    return this.session.exec(command, opts);
  }

  spawn(command: string, opts: SpawnOptions): Promise<ProcessHandle> {
    return spawnRemote(this.host, this.session, command, opts);
  }

  private resolve(path: string): string {
    return resolveSandboxPath(path, this.cwd(), this.home());
  }

  readFile(path: string): Promise<Buffer> {
    return this.fs.readFile(this.resolve(path));
  }

  async writeFile(path: string, data: Buffer | string, opts?: { mode?: number }): Promise<void> {
    const p = this.resolve(path);
    assertNotRoot(p, 'write');
    return this.fs.writeFile(p, data, opts);
  }

  stat(path: string): Promise<FileStat | null> {
    return this.fs.stat(this.resolve(path));
  }

  readdir(path: string): Promise<{ name: string; type: FileStat['type'] }[]> {
    return this.fs.readdir(this.resolve(path));
  }

  mkdir(path: string, opts?: { recursive?: boolean }): Promise<void> {
    return this.fs.mkdir(this.resolve(path), opts);
  }

  async remove(path: string): Promise<void> {
    const p = this.resolve(path);
    assertNotRoot(p, 'remove');
    return this.fs.remove(p);
  }

  realpath(path: string): Promise<string> {
    return this.fs.realpath(this.resolve(path));
  }

  abstract close(): Promise<void>;

  /** Starts the shell; a sandbox whose shell will not start is closed again, so nothing is left behind. */
  protected static async started<T extends RemoteSandbox>(sb: T): Promise<T> {
    try {
      await sb.session.ensureStarted();
    } catch (err) {
      await sb.close();
      throw err;
    }
    return sb;
  }
}
