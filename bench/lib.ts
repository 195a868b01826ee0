// Shared helpers for benchmarks: every bench prints medians (and ratios against a baseline measured
// in the same run) through `report`, so `bench/run.mjs` can collect them into one table.
import { performance } from 'node:perf_hooks';

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}

/** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns the durations in ms. */
export async function timeRuns(fn: () => unknown | Promise<unknown>, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** Same metric for the baseline measured in this run, when there is one. */
  baseline?: number;
  target?: string;
}

/** Prints rows as a markdown table plus one JSON line (`BENCH_JSON {...}`) that bench/run.mjs collects. */
export function report(bench: string, rows: BenchRow[]): void {
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
  console.log(`\n### ${bench}\n`);
  console.log('| metric | value | baseline | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.baseline ? `${(r.value / r.baseline).toFixed(2)}x` : '';
    console.log(
      `| ${r.metric} | ${fmt(r.value)} ${r.unit} | ${r.baseline !== undefined ? `${fmt(r.baseline)} ${r.unit}` : ''} | ${ratio} | ${r.target ?? ''} |`,
    );
  }
  console.log(`BENCH_JSON ${JSON.stringify({ bench, rows })}`);
}
