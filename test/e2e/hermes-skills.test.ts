// A HERMES_HOME whose skills the Hermes agent wrote (test/fixtures/hermes-home/skills, made by Hermes's own code):
// the host leaves Hermes's manifest alone, and the skills CLI lists, audits, updates and uninstalls the skills
// Hermes installed from its hub.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome, writeTestConfig } from '../support/host-process';
import { useE2E } from '../support/e2e-env';
import { hermesContentHash } from '../../server/skills/hermes-hash';

const FIXTURE = join(__dirname, '../fixtures/hermes-home/skills');
const env = useE2E({ drained: true });

function hermesHome(): string {
  const home = tempHome();
  cpSync(FIXTURE, join(home, 'skills'), { recursive: true });
  return home;
}

describe("Hermes's skills", () => {
  it('starting the host leaves .bundled_manifest byte-identical and keeps its own manifest beside it', async () => {
    const home = hermesHome();
    writeTestConfig(home, env.model.baseURL);
    const host = env.start({ home });
    await host.client.request('initialize', { clientInfo: { name: 'test' } });
    await host.client.conn.sendNotification('initialized', {});
    const { skills } = await host.client.request('skills/list', {});
    expect(skills.find((s) => s.name === 'code-review')).toMatchObject({ source: 'builtin' });
    expect(skills.find((s) => s.name === 'arxiv')).toMatchObject({ source: 'builtin' });
    expect(skills.find((s) => s.name === 'release-notes')).toMatchObject({ source: 'hub' });
    expect(readFileSync(join(home, 'skills/.bundled_manifest'))).toEqual(readFileSync(join(FIXTURE, '.bundled_manifest')));
    expect(readFileSync(join(home, 'skills/.hermes-host-manifest'), 'utf8')).toMatch(/^code-review:[0-9a-f]{64}$/m);
    expect(readFileSync(join(home, 'skills/.hub/lock.json'))).toEqual(readFileSync(join(FIXTURE, '.hub/lock.json')));
  });

  it('skills list --source hub, audit, update and uninstall work on the entries Hermes wrote', async () => {
    const home = hermesHome();
    const cli = { HERMES_HOME: home };
    let r = await runCli(['skills', 'list', '--source', 'hub'], cli);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1password\tinstalled\tbuiltin\tsafe\t.*\(installed by hermes\)$/m);
    expect(r.stdout).toMatch(/^release-notes\tinstalled\tcommunity\tsafe\t.*\(installed by hermes\)$/m);
    expect(r.stdout).not.toMatch(/modified|missing/);

    r = await runCli(['skills', 'audit'], cli);
    expect(r.stdout + r.stderr).toMatch(/arxiv \(bundled, builtin, recorded by hermes\)/);
    expect(r.code).toBe(0);

    // release-notes came from GitHub; point github.com at a local repository holding a newer version.
    const mirror = join(tempHome(), 'gh');
    const repo = join(mirror, 'example-org', 'agent-skills.git');
    mkdirSync(join(repo, 'skills', 'release-notes'), { recursive: true });
    writeFileSync(join(repo, 'skills', 'release-notes', 'SKILL.md'), '---\nname: release-notes\ndescription: Draft release notes, v2.\n---\n# Release notes v2\n');
    const git = (...a: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'v2');
    const viaMirror = { ...cli, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.file://${mirror}/.insteadOf`, GIT_CONFIG_VALUE_0: 'https://github.com/' };
    r = await runCli(['skills', 'update', 'release-notes'], viaMirror);
    expect(r.stdout).toMatch(/^updated\s+release-notes/m);
    expect(r.code).toBe(0);
    r = await runCli(['skills', 'update', 'weather-brief'], cli);
    expect(r.stdout).toMatch(/^skipped\s+weather-brief: .*"clawhub" source.*hermes skills update/m);
    expect(readFileSync(join(home, 'skills/release-notes/SKILL.md'), 'utf8')).toContain('v2');
    const lock = JSON.parse(readFileSync(join(home, 'skills/.hub/lock.json'), 'utf8'));
    // Still an entry Hermes reads: its source and identifier kept, hash and file list of the new content.
    expect(lock.installed['release-notes']).toMatchObject({
      source: 'github',
      identifier: 'example-org/agent-skills/skills/release-notes',
      install_path: 'release-notes',
      content_hash: hermesContentHash(join(home, 'skills/release-notes')),
      files: ['SKILL.md'],
    });
    expect(lock.installed['1password']).toEqual(JSON.parse(readFileSync(join(FIXTURE, '.hub/lock.json'), 'utf8')).installed['1password']);

    r = await runCli(['skills', 'uninstall', 'sherlock'], cli);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`uninstalled sherlock: removed ${join(home, 'skills/security/sherlock')}\n`);
    expect(existsSync(join(home, 'skills/security/sherlock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(home, 'skills/.hub/lock.json'), 'utf8')).installed.sherlock).toBeUndefined();
    r = await runCli(['skills', 'uninstall', 'sherlock'], cli);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('uninstalled');
  });
});
