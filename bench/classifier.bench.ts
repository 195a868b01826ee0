// Dangerous-command classifier throughput over the labelled corpus, against a trivial baseline measured in
// the same run: a String.prototype.includes scan for a handful of dangerous substrings (what a naive gate
// does). Wall-clock and CPU-time figures are both printed: CPU time is steadier on a shared machine.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyCommand } from '../server/approval/classifier';
import { createLocalProbe } from '../server/approval/fs-probe';
import { CORPUS, CORPUS_OPTIONS, EVERYDAY } from '../test/fixtures/commands-corpus';
import { median, percentile, report, timeRuns } from './lib';

const NAIVE = ['rm -rf', 'mkfs', 'dd if=', ':(){', 'shutdown', 'reboot', 'curl', '| sh', 'chmod 777', 'DROP TABLE', 'git push -f', 'kill -9'];
const corpus = CORPUS.map((e) => e.cmd);
const ROUNDS = 20; // passes over the list per timed run
const RUNS = 15;

let sink = 0;

function naive(list: string[]): void {
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of list) {
      for (const n of NAIVE) if (c.includes(n)) sink++;
    }
  }
}

function classifier(list: string[]): void {
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of list) if (classifyCommand(c, CORPUS_OPTIONS).verdict !== 'allow') sink++;
  }
}

// The local gate's path: a workspace with package.json, a Makefile and a git repo, read through the probe.
const ws = mkdtempSync(join(tmpdir(), 'bench-cls-'));
mkdirSync(join(ws, '.git', 'hooks'), { recursive: true });
writeFileSync(join(ws, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n');
writeFileSync(join(ws, 'package.json'), JSON.stringify({ scripts: { build: 'tsc -p .', test: 'vitest run', lint: 'eslint .' } }));
writeFileSync(join(ws, 'Makefile'), 'all: build\nbuild:\n\tcc -o app main.c\ntest:\n\t./app --test\n');
writeFileSync(join(ws, 'script.sh'), '#!/bin/sh\necho hi\nls -la\n');
const PROBED = { ...CORPUS_OPTIONS, cwd: ws, probe: createLocalProbe() };

function probed(list: string[]): void {
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of list) if (classifyCommand(c, PROBED).verdict !== 'allow') sink++;
  }
}

/** Median commands per second over RUNS runs, by wall clock and by this process's CPU time. */
async function measure(fn: (l: string[]) => void, list: string[]): Promise<{ wall: number; cpu: number }> {
  const cpuMs: number[] = [];
  const wallMs = await timeRuns(
    () => {
      const c0 = process.cpuUsage();
      fn(list);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
    },
    RUNS,
    2,
  );
  const n = list.length * ROUNDS;
  return { wall: n / (median(wallMs) / 1000), cpu: n / (median(cpuMs.slice(2)) / 1000) };
}

async function main(): Promise<void> {
  const base = await measure(naive, corpus);
  const full = await measure(classifier, corpus);
  const everyday = await measure(classifier, EVERYDAY);
  const withProbe = await measure(probed, EVERYDAY);

  // Per-command latency on the corpus (µs), single calls.
  const lat: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const c of corpus) {
      const t0 = process.hrtime.bigint();
      classifyCommand(c, CORPUS_OPTIONS);
      lat.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }

  report('classifier', [
    { metric: `corpus throughput, wall (${corpus.length} commands)`, value: full.wall, unit: 'cmd/s', baseline: base.wall, target: '> 50,000 cmd/s' },
    { metric: `corpus throughput, CPU time`, value: full.cpu, unit: 'cmd/s', baseline: base.cpu, target: '> 50,000 cmd/s' },
    { metric: `everyday commands, wall (${EVERYDAY.length})`, value: everyday.wall, unit: 'cmd/s', target: '> 50,000 cmd/s' },
    { metric: 'everyday commands, CPU time', value: everyday.cpu, unit: 'cmd/s', target: '> 50,000 cmd/s' },
    { metric: 'everyday, local gate path (files read through the probe), wall', value: withProbe.wall, unit: 'cmd/s', baseline: everyday.wall },
    { metric: 'latency p50', value: percentile(lat, 50), unit: 'µs' },
    { metric: 'latency p99', value: percentile(lat, 99), unit: 'µs' },
  ]);
  if (sink < 0) console.log(sink);
}

void main();
