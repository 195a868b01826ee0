// The packaged host on each supported Node major: .vsix size, and cold start of the staged host
// (`hermes-host version` to exit, and doctor opening the database) against bare `node -e 0` of the same binary,
// measured in the same run. Packages with extension/build/package-vsix.mjs (native builds cached).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, report, timeRuns, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function main() {
  const abis = (await import(join(ROOT, 'extension/build/native-abis.mjs'))) as { ensureNodeDist(m: number): { node: string } };
  const work = mkdtempSync(join(tmpdir(), 'hermes-bench-majors-'));
  const vsix = join(work, 'h.vsix');
  const stage = join(work, 'stage');
  execFileSync(process.execPath, [join(ROOT, 'extension/build/package-vsix.mjs'), '--out', vsix, '--stage', stage], { cwd: ROOT, stdio: 'pipe' });
  const entry = join(stage, 'dist', 'server', 'main.js');
  const rows: BenchRow[] = [{ metric: '.vsix size', value: statSync(vsix).size / 1e6, unit: 'MB' }];
  for (const major of [20, 22, 24]) {
    const node = major === 20 ? process.execPath : abis.ensureNodeDist(major).node;
    const home = mkdtempSync(join(tmpdir(), `hermes-bench-node${major}-`));
    const env = { ...process.env, HERMES_HOME: home };
    const run = (args: string[]) => () => {
      const r = spawnSync(node, args, { env, stdio: 'ignore' });
      if (r.status !== 0 && args[1] !== 'doctor') throw new Error(`${args.join(' ')} exited ${r.status}`);
    };
    const bare = median(await timeRuns(run(['-e', '0']), RUNS, 2));
    // The first run writes the launcher's code cache for this Node; the measured runs use it.
    const version = median(await timeRuns(run([entry, 'version']), RUNS, 2));
    rows.push({ metric: `Node ${major}: hermes-host version, cold start`, value: version, unit: 'ms', baseline: bare });
  }
  report('node-majors', rows);
}

void main();
