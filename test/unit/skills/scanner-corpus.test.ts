// Detection and false-positive rates of the skill scanner over a labelled set of skills written for it
// (test/fixtures/skills/scan/{malicious,benign}). Flagged = verdict caution or dangerous.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSkillDir } from '../../../server/skills/scanner';

const ROOT = join(__dirname, '../../fixtures/skills/scan');

function rate(label: 'malicious' | 'benign') {
  const names = readdirSync(join(ROOT, label)).sort();
  const flagged: string[] = [];
  const missed: string[] = [];
  for (const n of names) {
    const r = scanSkillDir(join(ROOT, label, n));
    (r.verdict === 'safe' ? missed : flagged).push(`${n} (${r.verdict})`);
  }
  return { total: names.length, flagged, missed };
}

describe('scanner on the labelled corpus', () => {
  it('detects at least 95% of malicious skills with at most 5% false positives', () => {
    const mal = rate('malicious');
    const ben = rate('benign');
    const detection = mal.flagged.length / mal.total;
    const falsePositive = ben.flagged.length / ben.total;
    console.log(
      `skill scanner: detection ${(detection * 100).toFixed(1)}% (${mal.flagged.length}/${mal.total} malicious flagged), ` +
        `false positives ${(falsePositive * 100).toFixed(1)}% (${ben.flagged.length}/${ben.total} benign flagged)` +
        (mal.missed.length ? `\n  missed: ${mal.missed.join(', ')}` : '') +
        (ben.flagged.length ? `\n  false positives: ${ben.flagged.join(', ')}` : ''),
    );
    expect(mal.total).toBeGreaterThanOrEqual(40);
    expect(ben.total).toBeGreaterThanOrEqual(40);
    expect(detection).toBeGreaterThanOrEqual(0.95);
    expect(falsePositive).toBeLessThanOrEqual(0.05);
  });
});
