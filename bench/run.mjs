// Builds and runs every bench/*.bench.ts (or the ones named on the command line) one after another.
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, basename } from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const outdir = '.cache/bench';
mkdirSync(outdir, { recursive: true });
let failed = 0;
for (const f of files) {
  const out = join(outdir, basename(f, '.ts') + '.cjs');
  await build({
    entryPoints: [join('bench', f)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3', 'node-pty', 'ssh2', 'cpu-features', 'dockerode', 'playwright-core'],
    logLevel: 'warning',
  });
  const r = spawnSync(process.execPath, ['--expose-gc', out], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${f} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
