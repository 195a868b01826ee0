// The Hermes agent's skill files as its own code wrote them (test/fixtures/hermes-home/skills, made by
// test/fixtures/skills/hermes-home-build/build.py): our hashes agree with Hermes's, its lock entries read, and what
// we write back keeps every field Hermes reads.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hermesContentHash, hermesManifestHash } from '../../../server/skills/hermes-hash';
import { readLock, writeLock } from '../../../server/skills/hub/lock';
import { readManifest } from '../../../server/skills/seed';
import { SkillLibrary } from '../../../server/skills/library';
import { tempDir } from './helpers';

const FIXTURE = join(__dirname, '../../fixtures/hermes-home/skills');

describe('Hermes skill files', () => {
  it('recomputes the md5 of .bundled_manifest and the content_hash of lock.json exactly as Hermes does', () => {
    const lib = new SkillLibrary(FIXTURE);
    const manifest = readManifest(FIXTURE, '.bundled_manifest');
    expect(manifest.size).toBe(9);
    for (const [name, hash] of manifest) expect(hermesManifestHash(lib.find(name)!.dir)).toBe(hash);
    const raw = JSON.parse(readFileSync(join(FIXTURE, '.hub/lock.json'), 'utf8')).installed;
    for (const [name, e] of Object.entries<{ install_path: string; content_hash: string }>(raw)) {
      expect(hermesContentHash(join(FIXTURE, e.install_path)), name).toBe(e.content_hash);
    }
  });

  it('maps Hermes lock entries (github and official can be fetched again, clawhub cannot) and writes them back intact', () => {
    const dir = tempDir('lock-');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = join(dir, '.hub/lock.json');
    const before = JSON.parse(readFileSync(file, 'utf8'));
    const lock = readLock(file);
    expect(lock.installed['1password']).toMatchObject({ trust: 'builtin', path: 'security/1password', canonical: 'github.com/nousresearch/hermes-agent', subpath: 'optional-skills/security/1password' });
    expect(lock.installed['release-notes']).toMatchObject({ trust: 'community', canonical: 'github.com/example-org/agent-skills', subpath: 'skills/release-notes' });
    expect(lock.installed['weather-brief'].notUpdatable).toMatch(/clawhub/);
    writeLock(file, lock);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(before);
  });
});
