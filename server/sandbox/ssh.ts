// The SSH backend: the persistent shell runs on the remote host over an exec channel with a pty, file operations use
// SFTP, background processes use further exec channels. A dropped connection is re-established by the next call.
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import type { ExecOptions, ExecResult, FileStat, ProcessHandle, Sandbox, SpawnOptions } from './types';
import { ShellSession } from './shell-session';
import { shellArgv } from './shell-script';
import { SshConnection, SshHost, sshTarget, type SshTarget } from './ssh-connection';
import { SftpFs } from './sftp-fs';
import { spawnRemote } from './spawn-remote';
import { passthroughEnv } from './env-scrub';
import { assertNotRoot, resolveSandboxPath } from './paths';

type TerminalConfig = HermesConfig['terminal'];

export interface SshSandboxOptions {
  terminal: TerminalConfig;
  log: Logger;
  /** Overrides the target derived from `terminal.ssh_*` (tests). */
  target?: SshTarget;
  /** Parent environment, for `terminal.env_passthrough` (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class SshSandbox implements Sandbox {
  readonly kind = 'ssh' as const;
  readonly description: string;
  private readonly fs: SftpFs;

  private constructor(
    private readonly conn: SshConnection,
    private readonly host: SshHost,
    private readonly session: ShellSession,
  ) {
    this.description = `ssh ${conn.label}`;
    this.fs = new SftpFs(() => conn.sftp());
  }

  /** Connects (checking the host key), then starts the shell in `terminal.cwd` or the remote home. */
  static async create(o: SshSandboxOptions): Promise<SshSandbox> {
    const target = o.target ?? sshTarget(o.terminal);
    const log = o.log.child('ssh');
    const conn = new SshConnection(target, log);
    await conn.get();
    const host = new SshHost(conn);
    const session = new ShellSession({
      host,
      argv: shellArgv(o.terminal.shell || 'bash', true),
      cwd: o.terminal.cwd || undefined,
      exports: { HERMES_SANDBOX: 'ssh', ...passthroughEnv(o.env ?? process.env, o.terminal.env_passthrough) },
      log,
    });
    const sb = new SshSandbox(conn, host, session);
    try {
      await session.ensureStarted();
    } catch (err) {
      await sb.close();
      throw err;
    }
    return sb;
  }

  cwd(): string {
    return this.session.cwd();
  }

  home(): string {
    return this.session.home() ?? '/';
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

  async close(): Promise<void> {
    await this.session.close();
    this.conn.close();
  }
}
