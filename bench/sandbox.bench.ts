// Round trip of `true` through the persistent shell of each backend, against starting a new process per command
// (the baseline, measured in the same run): `bash -c true` locally, a `docker exec` per command, a new SSH exec
// channel per command. Starts its own dockerd and sshd through the test harnesses.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, median, report, timeRuns, type BenchRow } from './lib';
import { LocalSandbox } from '../server/sandbox/local';
import { DockerSandbox, DockerHost } from '../server/sandbox/docker';
import { SshSandbox } from '../server/sandbox/ssh';
import { SshConnection, SshHost } from '../server/sandbox/ssh-connection';
import { runCollect, type ShellHost } from '../server/sandbox/host';
import type { Sandbox } from '../server/sandbox/types';
import { defaultConfig } from '../server/config/schema';
import { silentLogger } from '../server/util/log';
import { startDockerd } from '../test/support/dockerd';
import { importBusyboxImage } from '../test/support/busybox-image';
import { startSshd } from '../test/support/sshd';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const T = { timeoutMs: 10_000 };

async function persistent(sb: Sandbox, runs = RUNS): Promise<number[]> {
  return timeRuns(async () => {
    const r = await sb.exec('true', T);
    if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}`);
  }, runs, 5);
}

async function perCommand(host: ShellHost, runs: number): Promise<number[]> {
  return timeRuns(async () => {
    const r = await runCollect(host, ['true'], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new Error(`true exited ${r.code}`);
  }, runs, 3);
}

function rows(name: string, mine: number[], base: number[], baseName: string, target?: string): BenchRow[] {
  return [
    { metric: `${name}: persistent shell p50 (baseline ${baseName})`, value: median(mine), unit: 'ms', baseline: median(base), target },
    { metric: `${name}: persistent shell p95 (baseline ${baseName})`, value: percentile(mine, 95), unit: 'ms', baseline: percentile(base, 95) },
  ];
}

async function main() {
  const out: BenchRow[] = [];
  const home = mkdtempSync(join(tmpdir(), 'hermes-bench-sb-'));

  // local
  const local = new LocalSandbox({ cwd: home, terminal: defaultConfig().terminal, log: silentLogger });
  await local.start();
  const localMine = await persistent(local);
  await local.close();
  const bashC = await timeRuns(
    () =>
      new Promise<void>((resolve, reject) => {
        const c = spawn('bash', ['-c', 'true'], { stdio: 'ignore' });
        c.on('error', reject);
        c.on('exit', () => resolve());
      }),
    RUNS,
    5,
  );
  out.push(...rows('local', localMine, bashC, 'new `bash -c true`', '≤ 10 ms p50'));

  // docker
  const dockerd = await startDockerd();
  try {
    const image = await importBusyboxImage(dockerd.socketPath);
    const terminal = { ...defaultConfig().terminal, docker_socket: dockerd.socketPath, docker_image: image };
    const sb = await DockerSandbox.create({ terminal, hermesHome: home, scopeId: 'bench', log: silentLogger });
    const mine = await persistent(sb, Math.min(RUNS, 100));
    const host = new DockerHost(dockerd.docker.getContainer('hermes-bench'), terminal.docker_user, async () => undefined);
    const base = await perCommand(host, 40);
    await sb.close();
    out.push(...rows('docker', mine, base, '`docker exec` per command'));
  } finally {
    await dockerd.stop();
  }

  // ssh
  const sshd = await startSshd();
  try {
    const target = {
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      keyPath: sshd.keyPath,
      knownHostsPath: sshd.knownHostsPath,
    };
    const sb = await SshSandbox.create({ terminal: defaultConfig().terminal, target, log: silentLogger });
    const mine = await persistent(sb, Math.min(RUNS, 100));
    await sb.close();
    const conn = new SshConnection(target, silentLogger);
    await conn.get();
    const base = await perCommand(new SshHost(conn), 40);
    conn.close();
    out.push(...rows('ssh', mine, base, 'new exec channel per command'));
  } finally {
    await sshd.stop();
  }

  rmSync(home, { recursive: true, force: true });
  report('sandbox', out);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
