// The Docker image (scripts/docker-image.mjs on the test dockerd, layers cached under .cache/docker/engine):
// - size of the runtime image against the base it is built on (Debian bookworm minbase + runtime packages + Node);
// - `docker run` of the gateway → HEALTHCHECK healthy, against a container of the same base whose health check is
//   `true` at the same interval (what the engine itself costs to start a container and run a first probe);
// - a cold `docker exec … hermes-host --version`, and the HEALTHCHECK probe (and `hermes-host health`), against
//   `docker exec … node -e 0` in the same running container.
import { performance } from 'node:perf_hooks';
import { median, report, timeRuns, type BenchRow } from './lib';
import { startImageEngine, type ImageEngine } from '../test/support/image-engine';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TAG = 'hermes-host:bench';
const INTERVAL = '100ms';

async function size(engine: ImageEngine, image: string): Promise<number> {
  return Number((await engine.docker(['image', 'inspect', '--format', '{{.Size}}', image])).stdout.trim()) / 1e6;
}

/** ms from `docker run -d` until the engine reports the container healthy. */
async function startToHealthy(engine: ImageEngine, args: string[]): Promise<number> {
  const t0 = performance.now();
  const id = (await engine.docker(['run', '-d', '--network', 'host', '--health-interval', INTERVAL, '--health-start-period', '60s', ...args])).stdout.trim();
  try {
    const c = engine.dockerd.docker.getContainer(id);
    for (;;) {
      const st = (await c.inspect()).State as { Health?: { Status: string }; Running: boolean; ExitCode: number };
      if (st.Health?.Status === 'healthy') return performance.now() - t0;
      if (!st.Running) throw new Error(`container exited (${st.ExitCode}) before it was healthy`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await engine.docker(['rm', '-f', '-v', id]);
  }
}

async function main() {
  const engine = await startImageEngine();
  try {
    const { base } = await engine.build({ tag: TAG, uid: 1000, gid: 1000 });
    const rows: BenchRow[] = [];
    rows.push({ metric: 'runtime image size', value: await size(engine, TAG), unit: 'MB', baseline: await size(engine, base) });

    await startToHealthy(engine, [TAG]); // warm-up: page cache, the engine's first container
    const starts: number[] = [];
    const bare: number[] = [];
    // Interleaved, so both see the same machine load.
    for (let i = 0; i < RUNS; i++) {
      starts.push(await startToHealthy(engine, [TAG]));
      bare.push(await startToHealthy(engine, ['--health-cmd', 'true', '--entrypoint', '/usr/bin/tini', base, '--', 'sleep', 'infinity']));
    }
    rows.push({ metric: `container start → healthy (health interval ${INTERVAL})`, value: median(starts), unit: 'ms', baseline: median(bare) });

    // Commands run in a running gateway container (no chat platform configured), one of each kind in turn.
    const id = (await engine.docker(['run', '-d', '--network', 'host', '--health-interval', '1s', TAG])).stdout.trim();
    try {
      for (let i = 0; i < 600 && (await engine.docker(['inspect', '--format', '{{.State.Health.Status}}', id])).stdout.trim() !== 'healthy'; i++)
        await new Promise((r) => setTimeout(r, 100));
      const kinds = {
        version: ['hermes-host', '--version'],
        node: ['node', '-e', '0'],
        probe: ['node', '/opt/hermes-host/dist/server/health.js'],
        cliHealth: ['hermes-host', 'health'],
      };
      const t: Record<keyof typeof kinds, number[]> = { version: [], node: [], probe: [], cliHealth: [] };
      for (let i = 0; i < RUNS; i++)
        for (const k of Object.keys(kinds) as (keyof typeof kinds)[]) t[k].push((await timeRuns(async () => void (await engine.docker(['exec', id, ...kinds[k]])), 1, 0))[0]!);
      rows.push({ metric: '`docker exec … hermes-host --version`', value: median(t.version), unit: 'ms', baseline: median(t.node) });
      rows.push({ metric: 'HEALTHCHECK probe (`node dist/server/health.js`, answered by the host)', value: median(t.probe), unit: 'ms', baseline: median(t.node) });
      rows.push({ metric: 'the same check as `hermes-host health` (whole host bundle)', value: median(t.cliHealth), unit: 'ms', baseline: median(t.node) });
    } finally {
      await engine.docker(['rm', '-f', '-v', id]);
    }
    report('docker-image', rows);
  } finally {
    await engine.stop();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
