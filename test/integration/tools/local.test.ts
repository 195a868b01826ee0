// The tool contract on the local backend: a persistent bash on node-pty, working in a temp directory.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { toolContract } from './contract';
import { onPath } from './harness';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-tools-local-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

toolContract('local', async () => ({
  kind: 'local',
  terminal: {},
  hermesHome: root,
  root: join(root, 'work'),
  // The local shell has this machine's PATH: ripgrep when it is installed here, the walker otherwise.
  ripgrep: onPath('rg'),
  killSignal: true,
  uid: userInfo().uid,
  hostPath: (p) => p,
}));
