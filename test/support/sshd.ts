// A throwaway OpenSSH server for integration tests and benchmarks: its own config, host key, user key,
// authorized_keys and known_hosts in a temp dir, listening on 127.0.0.1:<free port>. The system sshd and its config
// are never touched. If sshd cannot start, `startSshd` throws with the reason (tests must not skip silently).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { descendants, freePort, killQuietly, waitGone } from './proc';

export interface Sshd {
  host: string;
  port: number;
  user: string;
  keyPath: string;
  knownHostsPath: string;
  /** The server's host public key line (`ssh-ed25519 AAAA...`). */
  hostPublicKey: string;
  dir: string;
  /** Kills the per-connection sshd processes; the listener keeps running (a dropped connection). */
  dropConnections(): Promise<void>;
  /** Stops the listener and every connection. */
  kill(): Promise<void>;
  /** Starts the listener again on the same port with the same keys. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found: install openssh-server (apt-get install -y openssh-server)`);
  const dir = mkdtempSync(join(tmpdir(), 'hermes-sshd-'));
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hermes-test', '-f', file]);
  keygen(join(dir, 'hostkey'));
  keygen(join(dir, 'userkey'));
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(join(dir, 'userkey.pub')));
  chmodSync(authorized, 0o600);
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'hostkey')}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      'MaxSessions 50',
      'MaxStartups 50',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const hostPublicKey = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicKey}\n`);

  let proc: ChildProcess | undefined;
  let log = '';
  const launch = async () => {
    log = '';
    const p = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.stdout!.on('data', (d) => (log += d));
    p.stderr!.on('data', (d) => (log += d));
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (p.exitCode !== null || p.signalCode !== null) break;
      if (await bannerSeen(port)) return;
      await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
    }
    killQuietly(p.pid!, 'SIGKILL');
    throw new Error(`sshd did not start on 127.0.0.1:${port} (exit ${p.exitCode ?? p.signalCode ?? 'none'}):\n${log}`);
  };

  const killAll = async (keepListener: boolean) => {
    const p = proc;
    if (!p?.pid) return;
    const kids = descendants(p.pid);
    for (const k of kids) killQuietly(k, 'SIGKILL');
    if (!keepListener) {
      killQuietly(p.pid, 'SIGTERM');
      if (!(await waitGone(p.pid, 3000))) killQuietly(p.pid, 'SIGKILL');
      await waitGone(p.pid, 3000);
      proc = undefined;
    }
    for (const k of kids) await waitGone(k, 3000);
  };

  await launch();
  return {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    keyPath: join(dir, 'userkey'),
    knownHostsPath,
    hostPublicKey,
    dir,
    dropConnections: () => killAll(true),
    kill: () => killAll(false),
    restart: async () => {
      await killAll(false);
      await launch();
    },
    stop: async () => {
      await killAll(false);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when something on the port answers with an SSH identification string. */
function bannerSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('data', (d) => done(d.toString().startsWith('SSH-')));
  });
}
