// What the local OS sandbox (bwrap) costs: `true` through the persistent shell with the sandbox on, against the same
// shell with terminal.sandbox: off (the baseline, measured in the same run, interleaved so machine noise hits both),
// plus the cost of starting a shell (new sandbox + first command + close) each way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, percentile, report, timeRuns, type BenchRow } from './lib';
import { LocalSandbox } from '../server/sandbox/local';
import { defaultConfig } from '../server/config/schema';
import { silentLogger } from '../server/util/log';

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const STARTS = Number(process.env.BENCH_STARTS ?? 20);
const T = { timeoutMs: 10_000 };

function make(cwd: string, sandbox: 'bwrap' | 'off'): LocalSandbox {
  return new LocalSandbox({ cwd, terminal: { ...defaultConfig().terminal, sandbox }, log: silentLogger });
}

async function main() {
  const ws = mkdtempSync(join(tmpdir(), 'hermes-bench-bwrap-'));
  const on = make(ws, 'bwrap');
  const off = make(ws, 'off');
  await on.start();
  await off.start();
  if (!on.confinement.confined) throw new Error('bwrap does not work here; nothing to measure');
  const runTrue = (sb: LocalSandbox) => async () => {
    const r = await sb.exec('true', T);
    if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}`);
  };
  // Interleave in blocks so both see the same machine load.
  const onT: number[] = [];
  const offT: number[] = [];
  for (let i = 0; i < 10; i++) {
    offT.push(...(await timeRuns(runTrue(off), RUNS / 10, i === 0 ? 10 : 1)));
    onT.push(...(await timeRuns(runTrue(on), RUNS / 10, i === 0 ? 10 : 1)));
  }
  await on.close();
  await off.close();

  const start = (mode: 'bwrap' | 'off') => async () => {
    const sb = make(ws, mode);
    await sb.exec('true', T);
    await sb.close();
  };
  const startOn: number[] = [];
  const startOff: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    startOff.push(...(await timeRuns(start('off'), 1, i === 0 ? 1 : 0)));
    startOn.push(...(await timeRuns(start('bwrap'), 1, i === 0 ? 1 : 0)));
  }
  rmSync(ws, { recursive: true, force: true });

  const rows: BenchRow[] = [
    { metric: '`true` in the persistent shell, bwrap p50 (baseline: sandbox off)', value: median(onT), unit: 'ms', baseline: median(offT) },
    { metric: '`true` in the persistent shell, bwrap p99 (baseline: sandbox off)', value: percentile(onT, 99), unit: 'ms', baseline: percentile(offT, 99) },
    { metric: 'added per command by the sandbox, p50', value: median(onT) - median(offT), unit: 'ms', target: '≤ 2 ms' },
    { metric: 'shell start + first command + close, bwrap p50 (baseline: sandbox off)', value: median(startOn), unit: 'ms', baseline: median(startOff) },
  ];
  report('local OS sandbox (bwrap)', rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
