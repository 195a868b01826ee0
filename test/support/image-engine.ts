// The engine the Docker-image test and benchmark build and run hermes-host's image on: the test dockerd
// (test/support/dockerd.ts) with its data root kept under .cache/docker/engine, so the base images and the build's
// layer cache survive between runs (the first build debootstraps and compiles for minutes; later ones take seconds).
// One engine at a time may use that folder: a lock directory holding the owner's pid serialises test and bench.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDockerd, type Dockerd } from './dockerd';

// The checkout being tested: the working directory (vitest and bench/run.mjs run from it), else this file's repo
// (a bundled bench lives under .cache, which may be a link to another checkout's cache).
const root = existsSync(join(process.cwd(), 'scripts', 'docker-image.mjs')) ? process.cwd() : resolve(__dirname, '..', '..');
const dataRoot = join(root, '.cache', 'docker', 'engine');
const lockDir = join(root, '.cache', 'docker', 'engine.lock');

export interface ImageEngine {
  dockerd: Dockerd;
  /** Environment for the docker CLI and scripts/docker-image.mjs: DOCKER_HOST points at this engine. */
  env: NodeJS.ProcessEnv;
  /** Runs the docker CLI against this engine; rejects with its stderr unless `allowFail`. */
  docker(args: string[], opts?: { allowFail?: boolean; timeoutMs?: number }): Promise<{ stdout: string; stderr: string; code: number }>;
  /** Builds the image with the repository's script (cached layers make a rebuild quick). */
  build(o: { tag: string; uid: number; gid: number }): Promise<{ tag: string; base: string; build: string }>;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function lock(): Promise<void> {
  mkdirSync(join(lockDir, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // being written: look again
      }
      if (holder && !alive(holder)) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolvePromise) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolvePromise({ stdout: String(stdout), stderr: String(stderr) + (err && code === 1 && !stderr ? err.message : ''), code });
    });
  });
}

/** The image test/e2e/docker-image.test.ts runs (a uid other than 1000, to see the build argument work). */
export const E2E_IMAGE = { tag: 'hermes-host:e2e', uid: 4321 };

/**
 * Builds E2E_IMAGE before any test starts (CI sets HERMES_PREBUILD_IMAGE=1 in scripts/test.sh): a cold build is
 * minutes of apt, npm ci and compiling, which would otherwise run beside every other test on the same cores.
 */
export async function prebuildE2EImage(): Promise<void> {
  const engine = await startImageEngine();
  try {
    await engine.build({ tag: E2E_IMAGE.tag, uid: E2E_IMAGE.uid, gid: E2E_IMAGE.uid });
  } finally {
    await engine.stop();
  }
}

export async function startImageEngine(): Promise<ImageEngine> {
  await lock();
  let dockerd: Dockerd;
  try {
    dockerd = await startDockerd({ dataRoot });
  } catch (e) {
    rmSync(lockDir, { recursive: true, force: true });
    throw e;
  }
  const env = { ...process.env, DOCKER_HOST: `unix://${dockerd.socketPath}`, DOCKER_CLI_HINTS: 'false' };
  const docker: ImageEngine['docker'] = async (args, opts = {}) => {
    const r = await run('docker', args, env, opts.timeoutMs ?? 120_000);
    if (r.code !== 0 && !opts.allowFail) throw new Error(`docker ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim().slice(-2000)}`);
    return r;
  };
  return {
    dockerd,
    env,
    docker,
    async build(o) {
      // Cold: debootstrap + apt + npm ci + native builds (minutes). Warm: every layer cached (seconds).
      const r = await run(process.execPath, [join(root, 'scripts', 'docker-image.mjs'), '--tag', o.tag, '--uid', String(o.uid), '--gid', String(o.gid), '--quiet', '--json'], env, 60 * 60_000);
      if (r.code !== 0) throw new Error(`scripts/docker-image.mjs failed (${r.code}):\n${r.stderr.slice(-4000)}`);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { tag: string; base: string; build: string };
    },
    async stop() {
      try {
        await dockerd.stop();
      } finally {
        rmSync(lockDir, { recursive: true, force: true });
      }
    },
  };
}
