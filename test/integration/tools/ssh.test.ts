// The tool contract on the SSH backend: a throwaway sshd on 127.0.0.1 with its own keys and known_hosts; the shell
// starts in `terminal.cwd`, file tools go over SFTP. The SSH host is this machine, so ripgrep is there exactly when
// it is installed here.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { startSshd, type Sshd } from '../../support/sshd';
import { toolContract } from './contract';
import { onPath } from './harness';

let sshd: Sshd | undefined;
const base = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-tools-ssh-')));

afterAll(async () => {
  await sshd?.stop();
  rmSync(base, { recursive: true, force: true });
});

toolContract('ssh', async () => {
  sshd = await startSshd();
  const root = join(base, 'work');
  mkdirSync(root, { recursive: true });
  return {
    kind: 'ssh',
    terminal: {
      ssh_host: sshd.host,
      ssh_port: sshd.port,
      ssh_user: sshd.user,
      ssh_key: sshd.keyPath,
      ssh_known_hosts: sshd.knownHostsPath,
      cwd: root,
    },
    hermesHome: join(base, 'home'),
    root,
    ripgrep: onPath('rg'),
    killSignal: true,
    uid: userInfo().uid,
    hostPath: (p) => p,
  };
});
