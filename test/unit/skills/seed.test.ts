import { existsSync, readFileSync, rmSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_MANIFEST as BUNDLED_MANIFEST, readManifest, seedBundledSkills } from '../../../server/skills/seed';
import { skillMd, tempDir, writeSkill } from './helpers';

/** A bundle "release": writes the given skills into a fresh bundled folder. */
function release(skills: Record<string, string>, descriptions: Record<string, string> = {}): string {
  const dir = tempDir('bundle-');
  for (const [rel, desc] of Object.entries(skills)) writeSkill(dir, rel, skillMd(rel.split('/').pop()!, desc));
  for (const [cat, d] of Object.entries(descriptions)) writeFileSync(join(dir, cat, 'DESCRIPTION.md'), `---\ndescription: ${d}\n---\n`);
  return dir;
}

const read = (home: string, rel: string) => readFileSync(join(home, rel, 'SKILL.md'), 'utf8');

describe('seedBundledSkills across upgrades', () => {
  it('adds new skills, follows unmodified copies, keeps user edits, never re-adds deleted ones', () => {
    const home = tempDir('home-');
    const skills = join(home, 'skills');

    // v1: first install.
    const v1 = release({ 'dev/review': 'v1', 'dev/tests': 'v1', 'git/commit': 'v1' }, { dev: 'Development' });
    let r = seedBundledSkills({ bundledDir: v1, skillsDir: skills, hermesHome: home });
    expect(r.added.sort()).toEqual(['commit', 'review', 'tests']);
    expect(read(skills, 'dev/review')).toContain('description: v1');
    expect(readFileSync(join(skills, 'dev', 'DESCRIPTION.md'), 'utf8')).toContain('Development');
    expect([...readManifest(skills).keys()].sort()).toEqual(['commit', 'review', 'tests']);
    expect(readFileSync(join(skills, BUNDLED_MANIFEST), 'utf8')).toMatch(/^commit:[0-9a-f]{64}\n/);

    // The user edits one skill and deletes another.
    writeFileSync(join(skills, 'dev/tests/SKILL.md'), skillMd('tests', 'my own version'));
    rmSync(join(skills, 'git/commit'), { recursive: true });

    // Re-running the same release changes nothing.
    r = seedBundledSkills({ bundledDir: v1, skillsDir: skills, hermesHome: home });
    expect(r).toMatchObject({ added: [], updated: [], unchanged: ['review'], keptUserEdits: ['tests'], skippedDeleted: ['commit'] });

    // v2: every skill changes, one is new.
    const v2 = release({ 'dev/review': 'v2', 'dev/tests': 'v2', 'git/commit': 'v2', 'ops/deploy': 'v2' });
    r = seedBundledSkills({ bundledDir: v2, skillsDir: skills, hermesHome: home });
    expect(r.added).toEqual(['deploy']);
    expect(r.updated).toEqual(['review']);
    expect(r.keptUserEdits).toEqual(['tests']);
    expect(r.skippedDeleted).toEqual(['commit']);
    expect(read(skills, 'dev/review')).toContain('description: v2');
    expect(read(skills, 'dev/tests')).toContain('my own version');
    expect(existsSync(join(skills, 'git/commit'))).toBe(false);

    // v3: review removed from the bundle; the user's copy stays, the manifest forgets it.
    const v3 = release({ 'dev/tests': 'v3', 'git/commit': 'v3', 'ops/deploy': 'v3' });
    r = seedBundledSkills({ bundledDir: v3, skillsDir: skills, hermesHome: home });
    expect(r.removedFromManifest).toEqual(['review']);
    expect(r.updated).toEqual(['deploy']);
    expect(existsSync(join(skills, 'dev/review/SKILL.md'))).toBe(true);
    expect(readManifest(skills).has('review')).toBe(false);

    // The user restores the original text of their edited skill: it follows the bundle again.
    writeFileSync(join(skills, 'dev/tests/SKILL.md'), skillMd('tests', 'v1'));
    r = seedBundledSkills({ bundledDir: v3, skillsDir: skills, hermesHome: home });
    expect(r.updated).toEqual(['tests']);
    expect(read(skills, 'dev/tests')).toContain('description: v3');
  });

  it('follows a skill the user moved to another category', () => {
    const home = tempDir('home-');
    const skills = join(home, 'skills');
    seedBundledSkills({ bundledDir: release({ 'dev/review': 'v1' }), skillsDir: skills });
    mkdirSync(join(skills, 'mine'));
    renameSync(join(skills, 'dev/review'), join(skills, 'mine/review'));
    const r = seedBundledSkills({ bundledDir: release({ 'dev/review': 'v2' }), skillsDir: skills });
    expect(r.updated).toEqual(['review']);
    expect(read(skills, 'mine/review')).toContain('v2');
    expect(existsSync(join(skills, 'dev/review'))).toBe(false);
  });

  it('does not overwrite a user skill that predates the bundled one', () => {
    const home = tempDir('home-');
    const skills = join(home, 'skills');
    writeSkill(skills, 'dev/review', skillMd('review', 'mine'));
    const r = seedBundledSkills({ bundledDir: release({ 'dev/review': 'bundled' }), skillsDir: skills });
    expect(r.skippedExisting).toEqual(['review']);
    expect(read(skills, 'dev/review')).toContain('mine');
  });

  it('migrates a v1 manifest (names only) and honours .no-bundled-skills', () => {
    const home = tempDir('home-');
    const skills = join(home, 'skills');
    writeSkill(skills, 'dev/review', skillMd('review', 'v1'));
    writeFileSync(join(skills, BUNDLED_MANIFEST), 'review\n');
    const r = seedBundledSkills({ bundledDir: release({ 'dev/review': 'v2' }), skillsDir: skills });
    expect(r.updated).toEqual(['review']);
    expect(readManifest(skills).get('review')).toMatch(/^[0-9a-f]{64}$/);

    writeFileSync(join(home, '.no-bundled-skills'), '');
    const off = seedBundledSkills({ bundledDir: release({ 'x/new-one': 'v1' }), skillsDir: skills, hermesHome: home });
    expect(off.disabled).toBe(true);
    expect(existsSync(join(skills, 'x'))).toBe(false);
  });

  it('seeds the repository skills/ folder without errors', () => {
    const home = tempDir('home-');
    const r = seedBundledSkills({ bundledDir: join(__dirname, '../../../skills'), skillsDir: join(home, 'skills') });
    expect(r.errors).toEqual([]);
    expect(r.added.length).toBeGreaterThanOrEqual(4);
  });
});
