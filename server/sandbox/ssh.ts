// The SSH backend: the persistent shell runs on the remote host over an exec channel with a pty, file operations use
// SFTP, background processes use further exec channels. A dropped connection is re-established by the next call.
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import { ShellSession } from './shell-session';
import { shellArgv } from './shell-script';
import { SshConnection, SshHost, sshTarget, type SshTarget } from './ssh-connection';
import { SftpFs } from './sftp-fs';
import { passthroughEnv } from './env-scrub';
import { RemoteSandbox } from './remote';

type TerminalConfig = HermesConfig['terminal'];

export interface SshSandboxOptions {
  terminal: TerminalConfig;
  log: Logger;
  /** Overrides the target derived from `terminal.ssh_*` (tests). */
  target?: SshTarget;
  /** Parent environment, for `terminal.env_passthrough` (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class SshSandbox extends RemoteSandbox {
  readonly kind = 'ssh' as const;
  readonly description: string;

  private constructor(
    private readonly conn: SshConnection,
    host: SshHost,
    session: ShellSession,
  ) {
    super(host, session, new SftpFs(() => conn.sftp()), '/');
    this.description = `ssh ${conn.label}`;
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
    return RemoteSandbox.started(new SshSandbox(conn, host, session));
  }

  async close(): Promise<void> {
    await this.session.close();
    this.conn.close();
  }
}
