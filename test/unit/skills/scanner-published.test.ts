// False positives of the skill scanner on real published skills (test/fixtures/skills/published, see its README),
// beside detection on the malicious set. Prints both rates. A published skill must never be rated dangerous for a
// misreading; the ones left are listed by name with the line that decided it, so a change in either direction shows.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSkillDir } from '../../../server/skills/scanner';

const PUBLISHED = join(__dirname, '../../fixtures/skills/published');
const MALICIOUS = join(__dirname, '../../fixtures/skills/scan/malicious');

function skillDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (existsSync(join(d, 'SKILL.md'))) return void out.push(d);
    for (const n of readdirSync(d).sort()) if (statSync(join(d, n)).isDirectory()) walk(join(d, n));
  };
  walk(root);
  return out;
}

// Published skills whose dangerous verdict is a real finding, not a misreading: each pipes a downloaded install
// script into bash, or documents switching Hermes's own approvals off. (Hermes's own skills are builtin-trusted,
// so they install and audit cleanly regardless.)
const REAL_FINDINGS = new Set([
  'NousResearch__hermes-agent/skills/autonomous-ai-agents/hermes-agent',
  'NousResearch__hermes-agent/skills/mlops/huggingface-hub',
  'NousResearch__hermes-agent/skills/productivity/notion',
  'NousResearch__hermes-agent/skills/social-media/xurl',
]);

describe('scanner on published skills', () => {
  it('rates no published skill dangerous by misreading it, and still catches the malicious set', () => {
    const published = skillDirs(PUBLISHED);
    const dangerous: string[] = [];
    const caution: string[] = [];
    for (const d of published) {
      const r = scanSkillDir(d);
      const rel = relative(PUBLISHED, d);
      const first = r.findings[0];
      const why = first ? `${rel} — ${first.id} ${first.file}:${first.line}` : rel;
      if (r.verdict === 'dangerous') dangerous.push(why);
      else if (r.verdict === 'caution') caution.push(why);
    }
    const malicious = readdirSync(MALICIOUS).sort();
    const missed = malicious.filter((n) => scanSkillDir(join(MALICIOUS, n)).verdict === 'safe');
    const pct = (n: number, d: number) => `${((n / d) * 100).toFixed(1)}%`;
    console.log(
      `published skills: ${published.length}; dangerous ${dangerous.length} (${pct(dangerous.length, published.length)}), ` +
        `caution ${caution.length} (${pct(caution.length, published.length)})\n` +
        `malicious set: detection ${pct(malicious.length - missed.length, malicious.length)} (${malicious.length - missed.length}/${malicious.length})` +
        (dangerous.length ? `\n  dangerous: ${dangerous.join('\n             ')}` : '') +
        (caution.length ? `\n  caution:   ${caution.join('\n             ')}` : '') +
        (missed.length ? `\n  missed: ${missed.join(', ')}` : ''),
    );
    expect(published.length).toBeGreaterThanOrEqual(100);
    expect(dangerous.map((d) => d.split(' — ')[0]).filter((d) => !REAL_FINDINGS.has(d))).toEqual([]);
    expect(caution.length / published.length).toBeLessThanOrEqual(0.05);
    expect(missed).toEqual([]);
  }, 180_000);
});
