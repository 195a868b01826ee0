// The skill security scanner on real published skills (test/fixtures/skills/published, ~117 skills, ~9 MB of text):
// a 1,000-skill audit is the corpus scanned until 1,000 skill scans are done. Baseline measured in the same run:
// reading the same files and splitting them into lines (what any scanner pays before matching anything).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median, report, timeRuns } from './lib';
import { scanSkillDir } from '../server/skills/scanner';
import { walkTree } from '../server/skills/tree';

const CORPUS = join(__dirname, '../../test/fixtures/skills/published');
const AUDIT = 1000;

function skillDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (existsSync(join(d, 'SKILL.md'))) return void out.push(d);
    for (const n of readdirSync(d).sort()) if (statSync(join(d, n)).isDirectory()) walk(join(d, n));
  };
  walk(root);
  return out;
}

async function main() {
  const root = existsSync(CORPUS) ? CORPUS : join(process.cwd(), 'test/fixtures/skills/published');
  const dirs = skillDirs(root);
  let bytes = 0;
  for (const d of dirs) for (const e of walkTree(d)) if (e.kind === 'file') bytes += e.size;
  const rounds = AUDIT / dirs.length;
  const readBaseline = median(
    await timeRuns(() => {
      let n = 0;
      for (const d of dirs) for (const e of walkTree(d)) if (e.kind === 'file') n += readFileSync(e.abs, 'utf8').split('\n').length;
      return n;
    }, 5, 1),
  );
  const scanCorpus = median(await timeRuns(() => dirs.map((d) => scanSkillDir(d)), 3, 1));
  const perSkill = scanCorpus / dirs.length;
  report('skill-scan', [
    { metric: `read + split the corpus (${dirs.length} skills, ${(bytes / 1e6).toFixed(1)} MB) (baseline)`, value: readBaseline, unit: 'ms' },
    { metric: `scan the corpus (${dirs.length} real skills)`, value: scanCorpus, unit: 'ms', baseline: readBaseline },
    { metric: 'scanner throughput', value: bytes / 1e6 / (scanCorpus / 1000), unit: 'MB/s' },
    { metric: `audit of ${AUDIT} skills like these (corpus × ${rounds.toFixed(1)})`, value: perSkill * AUDIT, unit: 'ms', baseline: readBaseline * rounds, target: 'seconds, not minutes' },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
