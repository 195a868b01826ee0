// skills_list over 1,000 installed skills: a cold listing (new index, every SKILL.md read and parsed) and a warm
// one (cached entries revalidated by stat), against a bare recursive readdir of the same tree as the baseline.
// Also times a full security scan of the tree (what `skills audit` does).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, report, timeRuns } from './lib';
import { SkillLibrary } from '../server/skills/library';
import { scanSkillDir } from '../server/skills/scanner';

const SKILLS = 1000;
const CATEGORIES = 20;

function body(i: number): string {
  const steps = Array.from({ length: 12 }, (_, k) => `${k + 1}. Step ${k + 1} of task ${i}: check the inputs, run \`make check-${k}\`, record the result.`);
  return `# Skill ${i}\n\nUse when the user needs task ${i}.\n\n## Steps\n${steps.join('\n')}\n\n## Notes\n- Keep outputs short.\n- Ask before changing shared state.\n`;
}

function buildTree(root: string): void {
  const old = new Date(Date.now() - 3600_000);
  for (let c = 0; c < CATEGORIES; c++) {
    const cat = join(root, `category-${c}`);
    mkdirSync(cat, { recursive: true });
    writeFileSync(join(cat, 'DESCRIPTION.md'), `---\ndescription: Category ${c}\n---\n`);
  }
  for (let i = 0; i < SKILLS; i++) {
    const dir = join(root, `category-${i % CATEGORIES}`, `skill-${i}`);
    mkdirSync(dir);
    const fm = [
      '---',
      `name: skill-${i}`,
      `description: Does task number ${i} the careful way`,
      'version: 1.0.0',
      'metadata:',
      '  hermes:',
      `    tags: [bench, group-${i % 7}]`,
      ...(i % 10 === 0 ? ['    requires_toolsets: [web]'] : []),
      ...(i % 25 === 0 ? ['required_environment_variables:', '  - name: BENCH_KEY'] : []),
      '---',
    ].join('\n');
    writeFileSync(join(dir, 'SKILL.md'), `${fm}\n${body(i)}`);
    if (i % 3 === 0) {
      mkdirSync(join(dir, 'references'));
      writeFileSync(join(dir, 'references', 'notes.md'), `# Notes for ${i}\n`);
    }
  }
  // Installed a while ago: timestamps outside the index's racy-write window, as on a real HERMES_HOME.
  const touch = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const q = join(p, e.name);
      if (e.isDirectory()) touch(q);
      utimesSync(q, old, old);
    }
  };
  touch(root);
  utimesSync(root, old, old);
}

function readdirBaseline(root: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      n++;
      if (e.isDirectory() && !e.name.startsWith('.')) walk(join(d, e.name));
    }
  };
  walk(root);
  return n;
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'skills-bench-'));
  try {
    buildTree(root);
    const opts = { platform: 'linux', toolsets: ['terminal', 'file'], env: {} };
    const check = new SkillLibrary(root).list(opts);
    if (check.errors.length || check.skills.length + check.hidden.length !== SKILLS) throw new Error('bench tree did not list cleanly');

    const baseline = median(await timeRuns(() => readdirBaseline(root), 15, 2));
    const cold = median(await timeRuns(() => new SkillLibrary(root).list(opts), 9, 1));
    const lib = new SkillLibrary(root);
    lib.list(opts);
    const warm = median(await timeRuns(() => lib.list(opts), 25, 2));
    const scanAll = median(
      await timeRuns(() => {
        for (const s of lib.scan().skills) scanSkillDir(s.dir);
      }, 3, 0),
    );
    report('skills', [
      { metric: 'recursive readdir of the tree (baseline)', value: baseline, unit: 'ms' },
      { metric: `skills_list, ${SKILLS} skills, cold`, value: cold, unit: 'ms', baseline },
      { metric: `skills_list, ${SKILLS} skills, warm (cached)`, value: warm, unit: 'ms', baseline, target: '<= 2x readdir' },
      { metric: `security scan of ${SKILLS} skills (audit)`, value: scanAll, unit: 'ms' },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
