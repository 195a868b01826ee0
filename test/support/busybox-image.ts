// Builds a tiny image for the Docker tests without any registry: a rootfs holding the static busybox from Debian's
// busybox-static, its applet links, and /etc/passwd with a uid 1000 user, imported with the engine's image-import API.
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, symlinkSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as tarCreate } from 'tar';
import Docker from 'dockerode';

const APPLETS = [
  'sh', 'ash', 'sleep', 'cat', 'ls', 'id', 'mkdir', 'rm', 'rmdir', 'mv', 'cp', 'ln', 'printf', 'echo', 'test', '[',
  'env', 'kill', 'tar', 'stat', 'find', 'grep', 'head', 'tail', 'wc', 'sed', 'readlink', 'realpath', 'stty',
  'mkfifo', 'mktemp', 'chmod', 'dirname', 'basename', 'touch', 'true', 'false', 'pwd', 'ps', 'setsid', 'awk', 'tr',
  'cut', 'sort', 'uniq', 'date', 'uname', 'base64', 'od', 'xargs', 'which', 'timeout', 'seq', 'yes', 'expr', 'tee',
  'du', 'df', 'hostname', 'whoami', 'md5sum', 'sha256sum', 'touch', 'dd', 'tty', 'nproc',
];

/** Creates image `tag` on the engine at `socketPath` and returns the tag. */
export async function importBusyboxImage(socketPath: string, tag = 'hermes-test/busybox:1'): Promise<string> {
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) throw new Error(`${busybox} not found: install busybox-static (apt-get install -y busybox-static)`);
  const root = mkdtempSync(join(tmpdir(), 'hermes-rootfs-'));
  try {
    for (const d of ['bin', 'usr/bin', 'etc', 'tmp', 'home', 'workspace', 'proc', 'sys', 'dev', 'var/tmp', 'run', 'root'])
      mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const a of new Set(APPLETS)) symlinkSync('busybox', join(root, 'bin', a));
    symlinkSync('/bin/env', join(root, 'usr', 'bin', 'env'));
    writeFileSync(
      join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nhermes:x:1000:1000:hermes:/home:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nhermes:x:1000:\nnogroup:x:65534:\n');
    const docker = new Docker({ socketPath });
    const [repo, version] = splitTag(tag);
    const stream = tarCreate({ cwd: root, portable: false }, ['.']);
    const progress = await docker.importImage(stream as unknown as NodeJS.ReadableStream, { repo, tag: version });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(progress, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = out?.find((o) => o.error);
        if (err || failed) reject(err ?? new Error(failed!.error));
        else resolve();
      }),
    );
    await docker.getImage(tag).inspect();
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function splitTag(tag: string): [string, string] {
  const i = tag.lastIndexOf(':');
  return i > tag.lastIndexOf('/') ? [tag.slice(0, i), tag.slice(i + 1)] : [tag, 'latest'];
}
