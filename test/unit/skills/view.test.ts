import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkillError } from '../../../server/skills/errors';
import { SkillLibrary } from '../../../server/skills/library';
import { viewSkill, type SkillFileView, type SkillView } from '../../../server/skills/view';
import { skillMd, tempDir, writeSkill } from './helpers';

function setup() {
  const root = tempDir();
  const dir = writeSkill(
    root,
    'dev/api-client',
    skillMd('api-client', 'Call the API', 'required_environment_variables: [API_TOKEN]\n', '# API\n\nRun ${HERMES_SKILL_DIR}/scripts/call.sh in ${HERMES_SESSION_ID}.\n'),
    {
      'references/endpoints.md': '# Endpoints\n',
      'references/deep/more.md': 'more',
      'templates/request.json': '{}',
      'scripts/call.sh': '#!/bin/sh\necho hi\n',
      'notes.txt': 'not linked',
    },
  );
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  return { root, dir, lib: new SkillLibrary(root) };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SkillError);
    return (e as SkillError).code;
  }
  throw new Error('expected a SkillError');
}

describe('viewSkill', () => {
  it('returns the full SKILL.md, metadata, readiness and linked files', () => {
    const { lib, dir } = setup();
    const v = viewSkill(lib, 'api-client', undefined, { env: {}, sessionId: 's-1' }) as SkillView;
    expect(v.kind).toBe('skill');
    expect(v.content.startsWith('---\nname: api-client')).toBe(true);
    expect(v.body).toBe(`# API\n\nRun ${dir}/scripts/call.sh in s-1.\n`);
    expect(v.category).toBe('dev');
    expect(v.linkedFiles).toEqual({
      references: ['references/deep/more.md', 'references/endpoints.md'],
      templates: ['templates/request.json'],
      scripts: ['scripts/call.sh'],
      assets: ['assets/logo.png'],
    });
    expect(v.setupNeeded).toBe(true);
    expect(v.missingEnv).toEqual(['API_TOKEN']);
    expect((viewSkill(lib, 'dev/api-client', '', { env: { API_TOKEN: 'x' } }) as SkillView).setupNeeded).toBe(false);
  });

  it('returns one linked file, and marks binary files without content', () => {
    const { lib } = setup();
    const f = viewSkill(lib, 'api-client', 'references/endpoints.md') as SkillFileView;
    expect(f).toMatchObject({ kind: 'file', filePath: 'references/endpoints.md', content: '# Endpoints\n', binary: false });
    const png = viewSkill(lib, 'api-client', './assets//logo.png') as SkillFileView;
    expect(png.binary).toBe(true);
    expect(png.content).toBeUndefined();
  });

  it('rejects traversal in names and file paths', () => {
    const { lib } = setup();
    expect(code(() => viewSkill(lib, '../etc'))).toBe('InvalidName');
    expect(code(() => viewSkill(lib, '/etc/passwd'))).toBe('InvalidName');
    expect(code(() => viewSkill(lib, 'api-client', '../../../../etc/passwd'))).toBe('InvalidPath');
    expect(code(() => viewSkill(lib, 'api-client', '/etc/passwd'))).toBe('InvalidPath');
    expect(code(() => viewSkill(lib, 'api-client', 'references\\..\\..\\x'))).toBe('InvalidPath');
    expect(code(() => viewSkill(lib, 'api-client', 'references/missing.md'))).toBe('NotFound');
    expect(code(() => viewSkill(lib, 'nope'))).toBe('NotFound');
  });

  it('refuses a symlink that leads outside the skill folder', () => {
    const { lib, dir } = setup();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'references', 'leak.md'));
    symlinkSync(outside, join(dir, 'references', 'dirlink'));
    symlinkSync('endpoints.md', join(dir, 'references', 'alias.md'));
    expect(code(() => viewSkill(lib, 'api-client', 'references/leak.md'))).toBe('InvalidPath');
    expect(code(() => viewSkill(lib, 'api-client', 'references/dirlink/secret.txt'))).toBe('InvalidPath');
    expect((viewSkill(lib, 'api-client', 'references/alias.md') as SkillFileView).content).toBe('# Endpoints\n');
  });
});
