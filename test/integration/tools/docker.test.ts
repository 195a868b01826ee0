// The tool contract on the Docker backend: a throwaway dockerd, the busybox test image (no bash: the shell is
// busybox sh; no ripgrep: search_files falls back to the walker), the workspace bind-mounted from HERMES_HOME.
// One container for the file (`docker_scope: host`) keeps it quick; every thread still gets its own shell.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll } from 'vitest';
import { importBusyboxImage } from '../../support/busybox-image';
import { startDockerd, type Dockerd } from '../../support/dockerd';
import { toolContract } from './contract';

let dockerd: Dockerd | undefined;
const hermesHome = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-tools-docker-')));

afterAll(async () => {
  await dockerd?.stop();
  rmSync(hermesHome, { recursive: true, force: true });
});

toolContract('docker', async () => {
  dockerd = await startDockerd();
  const image = await importBusyboxImage(dockerd.socketPath);
  return {
    kind: 'docker',
    terminal: { docker_socket: dockerd.socketPath, docker_image: image, docker_scope: 'host' },
    hermesHome,
    root: '/workspace/contract',
    ripgrep: false,
    killSignal: false,
    uid: 1000,
    hostPath: (p) => join(hermesHome, 'sandboxes', 'host', posix.relative('/workspace', p)),
  };
});
