// Sixteen community skills written to slip past a pattern scanner (issue 16, "Skills and the hub"): split strings,
// variable and printf/ANSI-C spellings, base64 written to a file then run, payloads in scripts/ and references/,
// look-alike letters, an HTML comment addressed to the model, UTF-16 files, a hard link out of the folder, and a
// skill that hands control to a web page. Every one must be rated dangerous, and none may install from the hub.
import { cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanSkillDir } from '../../../server/skills/scanner';
import { SkillHub } from '../../../server/skills/hub';
import { tempDir } from './helpers';

const EVASIVE = join(__dirname, '../../fixtures/skills/scan/evasive');

/** A copy of the fixtures with the hard-linked skill completed: its notes file is a hard link to a "private key". */
function materialise(): string {
  const root = join(base, 'skills');
  cpSync(EVASIVE, root, { recursive: true });
  mkdirSync(join(base, 'outside'));
  const secret = join(base, 'outside', 'id_rsa');
  writeFileSync(secret, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
  mkdirSync(join(root, 'hardlink-notes', 'references'), { recursive: true });
  linkSync(secret, join(root, 'hardlink-notes', 'references', 'notes.txt'));
  return root;
}

// Lives for the whole file (the shared tempDir helper cleans up after every test).
const base = mkdtempSync(join(tmpdir(), 'evasive-'));
const root = materialise();
const names = readdirSync(root).sort();
const results: string[] = [];
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterAll(() => console.log(`evasive skills: ${results.filter((r) => r.startsWith('dangerous')).length}/${names.length} rated dangerous\n  ${results.join('\n  ')}`));

describe('evasive malicious skills', () => {
  it('has all sixteen', () => expect(names).toHaveLength(16));

  for (const name of names) {
    it(`rates ${name} dangerous`, () => {
      const r = scanSkillDir(join(root, name));
      const critical = r.findings.filter((f) => f.severity === 'critical');
      results.push(`${r.verdict} ${name}: ${critical.map((f) => `${f.id} ${f.file}:${f.line}`).slice(0, 3).join(', ')}`);
      expect(r.verdict, JSON.stringify(r.findings.slice(0, 5))).toBe('dangerous');
    });
  }

  it('none installs from the hub: quarantined, or refused outright for the hard link', async () => {
    const skillsDir = join(tempDir('home-'), 'skills');
    const hub = new SkillHub({ skillsDir });
    for (const name of names) {
      const outcome = await hub.install(join(root, name)).then(
        (res) => res.status,
        (e: Error) => `refused: ${e.message}`,
      );
      if (name === 'hardlink-notes') expect(outcome).toMatch(/^refused: references\/notes\.txt is a hard link/);
      // A UTF-16 SKILL.md is not even readable as a skill (no frontmatter in UTF-8): refused before the scan.
      else if (name === 'utf16-skill') expect(outcome).toMatch(/^refused: .*frontmatter: missing/);
      else expect(outcome, name).toBe('quarantined');
    }
    expect(readdirSync(skillsDir).filter((n) => !n.startsWith('.'))).toEqual([]);
  });
});
