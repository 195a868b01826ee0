import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalTrustEntry, parseSource, withoutCredentials } from '../../../server/skills/hub/source';
import { SkillHub } from '../../../server/skills/hub';
import { trustOf } from '../../../server/skills/hub/policy';
import { skillMd, tempDir, writeSkill } from './helpers';

describe('parseSource', () => {
  it('reads GitHub shorthand with subpath and ref', () => {
    expect(parseSource('anthropics/skills/document-skills/pdf@v1.2', '/nonexistent')).toEqual({
      kind: 'git',
      location: 'https://github.com/anthropics/skills.git',
      subpath: 'document-skills/pdf',
      ref: 'v1.2',
      canonical: 'github.com/anthropics/skills',
      input: 'anthropics/skills/document-skills/pdf@v1.2',
    });
    expect(parseSource('github:Org/Repo', '/nonexistent')).toMatchObject({ kind: 'git', canonical: 'github.com/org/repo' });
    expect(parseSource('https://github.com/openai/skills/tree/main/skills/pdf')).toMatchObject({
      kind: 'git',
      location: 'https://github.com/openai/skills.git',
      ref: 'main',
      subpath: 'skills/pdf',
    });
  });

  it('reads git URLs with #subpath@ref fragments', () => {
    expect(parseSource('git@gitlab.example.com:team/skills.git#ops/ci')).toMatchObject({
      kind: 'git',
      subpath: 'ops/ci',
      canonical: 'gitlab.example.com/team/skills',
    });
    expect(parseSource('ssh://git@host.example/x/y.git#@abc1234')).toMatchObject({ kind: 'git', ref: 'abc1234', canonical: 'host.example/x/y' });
    expect(parseSource('file:///srv/skills.git#a/b@v2')).toMatchObject({ kind: 'git', location: 'file:///srv/skills.git', subpath: 'a/b', ref: 'v2', canonical: '/srv/skills' });
    expect(parseSource('https://user:secret@git.example/x.git').canonical).toBe('git.example/x');
  });

  it('tells folders, tarballs and bare repositories apart', () => {
    const d = tempDir();
    const skill = writeSkill(d, 'pdf', skillMd('pdf'));
    writeFileSync(join(d, 'pdf.tgz'), '');
    execFileSync('git', ['init', '-q', '--bare', join(d, 'bare.git')]);
    expect(parseSource(skill)).toMatchObject({ kind: 'local', location: skill, canonical: skill });
    expect(parseSource('./pdf', d)).toMatchObject({ kind: 'local', location: skill });
    expect(parseSource(join(d, 'pdf.tgz'))).toMatchObject({ kind: 'tarball', location: join(d, 'pdf.tgz') });
    expect(parseSource(`${pathToFileURL(join(d, 'pdf.tgz')).href}`)).toMatchObject({ kind: 'tarball', location: join(d, 'pdf.tgz') });
    expect(parseSource('https://cdn.example/skills/pdf.tar.gz')).toMatchObject({ kind: 'tarball' });
    expect(parseSource(`${join(d, 'bare.git')}#x`)).toMatchObject({ kind: 'git', location: pathToFileURL(join(d, 'bare.git')).href, subpath: 'x' });
  });

  it('rejects malformed sources', () => {
    for (const bad of ['', '--upload-pack=evil', 'just-a-word', 'owner/repo#x@../../y', 'owner/repo#x@-rf', './missing-folder']) {
      expect(() => parseSource(bad, '/nonexistent')).toThrow(/source|ref|no such/);
    }
  });
});

describe('trust', () => {
  it('matches trusted entries by canonical identity, case-insensitively for GitHub', () => {
    const spec = parseSource('Anthropics/Skills/pdf', '/nonexistent');
    expect(trustOf(spec, { trustedSources: ['anthropics/skills'] })).toBe('trusted');
    expect(trustOf(spec, { trustedSources: ['https://github.com/anthropics/skills.git'] })).toBe('trusted');
    expect(trustOf(spec, { trustedSources: ['anthropics/skills-evil'] })).toBe('community');
    expect(trustOf(parseSource('anthropics/skills-evil/pdf', '/nonexistent'), { trustedSources: ['anthropics/skills'] })).toBe('community');
    expect(canonicalTrustEntry('file:///srv/skills.git')).toBe('/srv/skills');
  });
});

describe('credentials in source URLs', () => {
  it('are stripped from everything recorded or shown', async () => {
    expect(withoutCredentials('git clone https://bob:ghp_secret@github.example/x.git failed')).toBe('git clone https://github.example/x.git failed');
    const hub = new SkillHub({ skillsDir: join(tempDir(), 'skills') });
    const err = await hub.install('https://bob:s3cr3t-token@127.0.0.1:1/x.git').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/git clone failed/);
    expect((err as Error).message).not.toContain('s3cr3t-token');
  });
});
