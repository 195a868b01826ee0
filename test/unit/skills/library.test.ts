import { mkdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkillLibrary } from '../../../server/skills/library';
import { skillMd, tempDir, writeSkill } from './helpers';

describe('SkillLibrary discovery', () => {
  it('finds [category/…]name/SKILL.md, categories with DESCRIPTION.md, and skips dot folders', () => {
    const root = tempDir();
    writeSkill(root, 'top-level', skillMd('top-level'));
    writeSkill(root, 'devops/debug-ci', skillMd('debug-ci'), { 'references/notes.md': 'x' });
    writeSkill(root, 'devops/k8s/pod-logs', skillMd('pod-logs'));
    writeFileSync(join(root, 'devops', 'DESCRIPTION.md'), '---\ndescription: Operations work\n---\n');
    writeSkill(root, '.hub/quarantine/evil', skillMd('evil'));
    writeSkill(root, '.archive/old', skillMd('old'));
    // A SKILL.md below a skill folder is part of that skill, not another skill.
    writeSkill(root, 'devops/debug-ci/templates/nested', skillMd('nested'));

    const listing = new SkillLibrary(root).list({ platform: 'linux', env: {} });
    expect(listing.errors).toEqual([]);
    expect(listing.skills.map((s) => [s.name, s.category, s.relDir])).toEqual([
      ['top-level', null, 'top-level'],
      ['debug-ci', 'devops', 'devops/debug-ci'],
      ['pod-logs', 'devops/k8s', 'devops/k8s/pod-logs'],
    ]);
    expect(listing.categories).toEqual([
      { name: 'devops', count: 1, description: 'Operations work' },
      { name: 'devops/k8s', count: 1 },
    ]);
  });

  it('reports a broken skill with its path and reason and still lists the others', () => {
    const root = tempDir();
    writeSkill(root, 'good', skillMd('good'));
    const bad = writeSkill(root, 'tools/bad', '---\nname: bad\n---\nbody\n');
    writeSkill(root, 'worse', 'no frontmatter at all');
    const listing = new SkillLibrary(root).list({ env: {} });
    expect(listing.skills.map((s) => s.name)).toEqual(['good']);
    const name = root.split('/').pop();
    expect(listing.errors).toContainEqual({ path: join(bad, 'SKILL.md'), reason: `${name}/tools/bad/SKILL.md:3: description: required` });
    expect(listing.errors).toHaveLength(2);
  });

  it('keeps the first of two skills with the same name and reports the duplicate', () => {
    const root = tempDir();
    writeSkill(root, 'a/same', skillMd('same'));
    writeSkill(root, 'b/same', skillMd('same'));
    const listing = new SkillLibrary(root).list({ env: {} });
    expect(listing.skills.map((s) => s.relDir)).toEqual(['a/same']);
    expect(listing.errors[0].reason).toMatch(/duplicate skill name "same"/);
  });

  it('does not follow symlinked folders', () => {
    const root = tempDir();
    const outside = tempDir();
    writeSkill(outside, 'linked', skillMd('linked'));
    symlinkSync(join(outside, 'linked'), join(root, 'linked'));
    expect(new SkillLibrary(root).list({ env: {} }).skills).toEqual([]);
  });

  it('lists external roots read-only, the main root winning on a name clash', () => {
    const root = tempDir();
    const ext = tempDir();
    writeSkill(root, 'shared', skillMd('shared', 'local one'));
    writeSkill(ext, 'shared', skillMd('shared', 'external one'));
    writeSkill(ext, 'extra', skillMd('extra'));
    const lib = new SkillLibrary(root, { externalDirs: [ext] });
    const listing = lib.list({ env: {} });
    expect(listing.skills.map((s) => [s.name, s.description, s.readOnly])).toEqual([
      ['extra', 'Does extra things', true],
      ['shared', 'local one', false],
    ]);
  });

  it('returns an empty listing for a missing root', () => {
    expect(new SkillLibrary(join(tempDir(), 'nope')).list()).toEqual({ warnings: [], skills: [], categories: [], errors: [], hidden: [] });
  });
});

describe('SkillLibrary filtering', () => {
  function lib() {
    const root = tempDir();
    writeSkill(root, 'any', skillMd('any'));
    writeSkill(root, 'mac-only', skillMd('mac-only', 'd', 'platforms: [macos]\n'));
    writeSkill(root, 'needs-web', skillMd('needs-web', 'd', 'metadata:\n  hermes:\n    requires_toolsets: [web]\n'));
    writeSkill(root, 'no-browser', skillMd('no-browser', 'd', 'metadata:\n  hermes:\n    fallback_for_toolsets: [browser]\n'));
    writeSkill(root, 'needs-tool', skillMd('needs-tool', 'd', 'metadata:\n  hermes:\n    requires_tools: [web_search]\n'));
    writeSkill(root, 'tool-fallback', skillMd('tool-fallback', 'd', 'metadata:\n  hermes:\n    fallback_for_tools: [browser_navigate]\n'));
    return new SkillLibrary(root);
  }
  const names = (l: ReturnType<SkillLibrary['list']>) => l.skills.map((s) => s.name).sort();

  it('hides skills for other platforms', () => {
    const l = lib();
    expect(names(l.list({ platform: 'linux' }))).not.toContain('mac-only');
    expect(names(l.list({ platform: 'darwin' }))).toContain('mac-only');
    expect(l.list({ platform: 'win32' }).hidden).toContainEqual({ name: 'mac-only', reason: 'platform: only for macos' });
  });

  it('applies requires_* and fallback_for_* only when toolsets/tools are given', () => {
    const l = lib();
    expect(names(l.list({ platform: 'darwin' }))).toHaveLength(6);
    expect(names(l.list({ platform: 'darwin', toolsets: ['web'], tools: ['web_search'] }))).toEqual(
      ['any', 'mac-only', 'needs-tool', 'needs-web', 'no-browser', 'tool-fallback'],
    );
    const withBrowser = l.list({ platform: 'darwin', toolsets: ['browser'], tools: ['browser_navigate'] });
    expect(names(withBrowser)).toEqual(['any', 'mac-only']);
    expect(withBrowser.hidden.map((h) => h.name).sort()).toEqual(['needs-tool', 'needs-web', 'no-browser', 'tool-fallback']);
  });

  it('filters by category and by disabled names', () => {
    const root = tempDir();
    writeSkill(root, 'dev/a', skillMd('a'));
    writeSkill(root, 'dev/sub/b', skillMd('b'));
    writeSkill(root, 'ops/c', skillMd('c'));
    const l = new SkillLibrary(root);
    expect(names(l.list({ category: 'dev' }))).toEqual(['a', 'b']);
    expect(names(l.list({ disabled: ['c'] }))).toEqual(['a', 'b']);
  });

  it('reports setup_needed for required variables missing from the env map', () => {
    const root = tempDir();
    writeSkill(root, 'weather', skillMd('weather', 'd', 'required_environment_variables:\n  - name: WEATHER_KEY\n  - name: UNITS\n    optional: true\n'));
    const l = new SkillLibrary(root);
    expect(l.list({ env: {} }).skills[0]).toMatchObject({ setupNeeded: true, missingEnv: ['WEATHER_KEY'] });
    expect(l.list({ env: { WEATHER_KEY: 'k' } }).skills[0]).toMatchObject({ setupNeeded: false, missingEnv: [] });
    expect(l.list({ env: { WEATHER_KEY: '' } }).skills[0].setupNeeded).toBe(true);
  });
});

describe('SkillLibrary cache', () => {
  it('sees edits, additions and removals between listings', () => {
    const root = tempDir();
    const dir = writeSkill(root, 'one', skillMd('one', 'first'));
    const lib = new SkillLibrary(root);
    expect(lib.list().skills.map((s) => s.description)).toEqual(['first']);
    // Same size, same mtime: only a content check can tell.
    writeFileSync(join(dir, 'SKILL.md'), skillMd('one', 'frist'));
    const t = new Date(Date.now() - 10_000);
    utimesSync(join(dir, 'SKILL.md'), t, t);
    expect(lib.list().skills.map((s) => s.description)).toEqual(['frist']);
    writeSkill(root, 'two', skillMd('two'));
    expect(lib.list().skills.map((s) => s.name)).toEqual(['one', 'two']);
    renameSync(join(root, 'two'), join(root, '.two-archived'));
    expect(lib.list().skills.map((s) => s.name)).toEqual(['one']);
    writeFileSync(join(dir, 'SKILL.md'), 'broken');
    expect(lib.list().errors).toHaveLength(1);
  });

  it('reuses parsed entries for files whose mtime is old', () => {
    const root = tempDir();
    const dir = writeSkill(root, 'old', skillMd('old'));
    const t = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'SKILL.md'), t, t);
    utimesSync(dir, t, t);
    utimesSync(root, t, t);
    const lib = new SkillLibrary(root);
    const first = lib.scan().skills[0];
    expect(lib.scan().skills[0].frontmatter).toBe(first.frontmatter);
  });

  it('finds skills by name, category path or folder name', () => {
    const root = tempDir();
    writeSkill(root, 'dev/folder-name', skillMd('real-name'));
    mkdirSync(join(root, 'empty'));
    const lib = new SkillLibrary(root);
    expect(lib.find('real-name')?.relDir).toBe('dev/folder-name');
    expect(lib.find('dev/folder-name')?.name).toBe('real-name');
    expect(lib.find('folder-name')?.name).toBe('real-name');
    expect(lib.find('missing')).toBeUndefined();
  });
});
