// One ssh2 connection per SSH sandbox, with key authentication and known_hosts checking, re-established on demand
// after a drop: the next call reconnects (the persistent shell notices the drop as its own death and restarts).
import { readFileSync, existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client, ClientChannel, SFTPWrapper, ConnectConfig } from 'ssh2';
import { loadSsh2 } from './lazy-modules';
import type { HermesConfig } from '../config/schema';
import type { Logger } from '../util/log';
import { knownAlgorithms, parseKnownHosts, verifyHostKey } from './known-hosts';
import { Pipe, type RawProcess, type RunOptions, type ShellHost } from './host';
import { joinArgv } from './shell-script';

type TerminalConfig = HermesConfig['terminal'];

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  keyPath: string;
  knownHostsPath: string;
}

const expandHome = (p: string) => resolve(p.replace(/^~(?=$|\/)/, homedir()));

/** Connection settings from `terminal.ssh_*`, with OpenSSH's defaults for user, key and known_hosts. */
export function sshTarget(cfg: TerminalConfig): SshTarget {
  if (!cfg.ssh_host) throw new Error('terminal.ssh_host is not set (the SSH backend needs a host)');
  let keyPath = cfg.ssh_key ? expandHome(cfg.ssh_key) : '';
  if (!keyPath) {
    keyPath = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(homedir(), '.ssh', k)).find((p) => existsSync(p)) ?? '';
    if (!keyPath) throw new Error('terminal.ssh_key is not set and no ~/.ssh/id_ed25519, id_ecdsa or id_rsa exists');
  }
  return {
    host: cfg.ssh_host,
    port: cfg.ssh_port,
    username: cfg.ssh_user || userInfo().username,
    keyPath,
    knownHostsPath: cfg.ssh_known_hosts ? expandHome(cfg.ssh_known_hosts) : join(homedir(), '.ssh', 'known_hosts'),
  };
}

export class SshConnection {
  private client?: Client;
  private connecting?: Promise<Client>;
  private sftpSession?: Promise<SFTPWrapper>;
  private closed = false;

  constructor(
    readonly target: SshTarget,
    private readonly log: Logger,
  ) {}

  get label(): string {
    return `${this.target.username}@${this.target.host}:${this.target.port}`;
  }

  /** The live client, connecting first if needed. */
  get(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error(`ssh connection to ${this.label} is closed`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  current(): Client | undefined {
    return this.client;
  }

  sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const p = this.get().then(
        (c) => new Promise<SFTPWrapper>((res, rej) => c.sftp((err, s) => (err ? rej(new Error(`sftp on ${this.label}: ${err.message}`)) : res(s)))),
      );
      this.sftpSession = p;
      p.then(
        (s) => s.on('close', () => this.sftpSession === p && (this.sftpSession = undefined)),
        () => this.sftpSession === p && (this.sftpSession = undefined),
      );
    }
    return this.sftpSession;
  }

  private connect(): Promise<Client> {
    const t = this.target;
    let knownText: string;
    try {
      knownText = readFileSync(t.knownHostsPath, 'utf8');
    } catch {
      return Promise.reject(new Error(`known_hosts file ${t.knownHostsPath} not found; add ${t.host}'s host key to it (or set terminal.ssh_known_hosts)`));
    }
    let privateKey: Buffer;
    try {
      privateKey = readFileSync(t.keyPath);
    } catch (err) {
      return Promise.reject(new Error(`cannot read SSH key ${t.keyPath}: ${(err as Error).message}`));
    }
    const parsed = loadSsh2().utils.parseKey(privateKey);
    if (parsed instanceof Error) {
      return Promise.reject(new Error(`SSH key ${t.keyPath} cannot be used: ${parsed.message} (passphrase-protected keys are not supported)`));
    }
    const entries = parseKnownHosts(knownText, t.knownHostsPath);
    const algos = knownAlgorithms(entries, t.host, t.port);
    let refusal: string | undefined;
    const cfg: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.username,
      privateKey,
      readyTimeout: 20_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const v = verifyHostKey(entries, t.host, t.port, key, t.knownHostsPath);
        if (!v.ok) refusal = v.reason;
        return v.ok;
      },
      ...(algos.length ? { algorithms: { serverHostKey: algos as never } } : {}),
    };
    return new Promise<Client>((resolvePromise, reject) => {
      const c = new (loadSsh2().Client)();
      let ready = false;
      c.on('ready', () => {
        ready = true;
        if (this.closed) {
          c.end();
          return reject(new Error(`ssh connection to ${this.label} is closed`));
        }
        this.client = c;
        this.log.debug('ssh connected', { target: this.label });
        resolvePromise(c);
      });
      c.on('error', (err: Error & { level?: string }) => {
        if (ready) return this.log.warn('ssh connection error', { target: this.label, error: err.message });
        if (refusal) return reject(new Error(`refusing to connect: ${refusal}`));
        if (err.level === 'client-authentication')
          return reject(new Error(`ssh ${this.label}: the server refused key ${t.keyPath} (${err.message})`));
        reject(new Error(`ssh ${this.label}: ${err.message}`));
      });
      c.on('close', () => {
        if (this.client === c) {
          this.client = undefined;
          this.sftpSession = undefined;
          this.log.info('ssh connection dropped', { target: this.label });
        }
        if (!ready) reject(new Error(refusal ? `refusing to connect: ${refusal}` : `ssh ${this.label}: connection closed during the handshake`));
      });
      c.connect(cfg);
    });
  }

  close(): void {
    this.closed = true;
    this.client?.end();
    this.client = undefined;
    this.sftpSession = undefined;
  }
}

/** Programs on the remote host through exec channels (with a pty for the shell). Remote env requests are usually
 * refused by sshd, so the environment is exported by the shell itself (see ShellSession `exports`). */
export class SshHost implements ShellHost {
  constructor(private readonly conn: SshConnection) {}

  openTerminal(argv: string[], opts: RunOptions): Promise<RawProcess> {
    return this.run(argv, { ...opts, tty: true });
  }

  async run(argv: string[], opts: RunOptions = {}): Promise<RawProcess> {
    const client = opts.reuseOnly ? this.conn.current() : await this.conn.get();
    if (!client) throw new Error(`not connected to ${this.conn.label}`);
    const ch = await new Promise<ClientChannel>((res, rej) =>
      client.exec(joinArgv(argv), opts.tty ? { pty: { term: 'xterm-256color', rows: 50, cols: 200 } } : {}, (err, channel) =>
        err
          ? rej(new Error(`ssh ${this.conn.label}: cannot open a channel (${err.message}); the server's MaxSessions may be too low`))
          : res(channel),
      ),
    );
    const pipe = new Pipe({
      write: (d) => {
        if (ch.writable) ch.write(d);
      },
      end: () => ch.end(),
      destroy: () => ch.close(),
    });
    let exit: { code: number | null; signal?: string } | undefined;
    ch.on('data', (b: Buffer) => pipe.emitData(b));
    ch.stderr.on('data', (b: Buffer) => pipe.emitStderr(b));
    // ssh2 already names the signal with its SIG prefix (`SIGTERM`); older versions gave the bare name.
    ch.on('exit', (code: number | null, signal?: string) => {
      const name = signal && (signal.startsWith('SIG') ? signal : `SIG${signal}`);
      exit = { code: typeof code === 'number' ? code : null, signal: name || undefined };
    });
    ch.on('error', () => undefined);
    ch.on('close', () => pipe.emitExit(exit?.code ?? null, exit?.signal));
    return pipe;
  }
}
