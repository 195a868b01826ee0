// The skills shipped in the repository's skills/ folder: valid, short descriptions, and clean under the scanner.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkillLibrary } from '../../../server/skills/library';
import { scanSkillDir } from '../../../server/skills/scanner';
import { SKILL_NAME_RE } from '../../../server/skills/paths';

const BUNDLED = join(__dirname, '../../../skills');

describe('bundled skills', () => {
  const listing = new SkillLibrary(BUNDLED).list({ platform: 'linux', env: {} });

  it('all parse, with categories and descriptions', () => {
    expect(listing.errors).toEqual([]);
    expect(listing.skills.length).toBeGreaterThanOrEqual(4);
    for (const s of listing.skills) {
      expect(s.category).not.toBeNull();
      expect(SKILL_NAME_RE.test(s.name)).toBe(true);
      expect(basename(s.relDir)).toBe(s.name);
      expect(s.description.length).toBeLessThanOrEqual(60);
    }
    for (const c of listing.categories) expect(c.description).toBeTruthy();
  });

  it('pass the security scan without high or critical findings (DESCRIPTION.md included)', () => {
    for (const s of listing.skills) {
      const desc = join(BUNDLED, s.category!, 'DESCRIPTION.md');
      const extra = existsSync(desc) ? [{ path: '../DESCRIPTION.md', content: readFileSync(desc) }] : [];
      const r = scanSkillDir(join(BUNDLED, s.relDir), { extraFiles: extra });
      expect({ skill: s.name, bad: r.findings.filter((f) => f.severity === 'critical' || f.severity === 'high') }).toEqual({ skill: s.name, bad: [] });
    }
  });
});
