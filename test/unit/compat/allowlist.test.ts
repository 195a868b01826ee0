// command_allowlist entries: Hermes's approval keys, exactly, and fnmatch-style globs over the key or the offending
// command part — never over a part that chains further commands.
import { describe, expect, it } from 'vitest';
import { Allowlist, globToRegExp } from '../../../server/approval/allowlist';
import { classifyCommand } from '../../../server/approval/classifier';

const covered = (entries: string[], command: string) => {
  const v = classifyCommand(command, { home: '/home/ada', hermesHome: '/home/ada/.hermes' });
  expect(v.verdict, command).toBe('approve');
  const a = new Allowlist(entries);
  return v.reasons.every((r) => a.covers(r));
};

describe('command_allowlist', () => {
  it('fnmatch: *, ?, [set], [!set], literal regex characters', () => {
    expect(globToRegExp('npm *').test('npm run build')).toBe(true);
    expect(globToRegExp('git push --force*').test('git push --force-with-lease')).toBe(true);
    expect(globToRegExp('rm -r? build').test('rm -rf build')).toBe(true);
    expect(globToRegExp('[!x]y').test('zy')).toBe(true);
    expect(globToRegExp('a.b(c)').test('a.b(c)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it("an approval key covers that class, written our way or Hermes's way", () => {
    expect(covered(['git reset --hard (destroys uncommitted changes)'], 'git reset --hard HEAD~1')).toBe(true);
    expect(covered(['git force push (rewrites remote history)'], 'git push --force origin main')).toBe(true);
    expect(covered(['recursive delete'], 'rm -rf build/')).toBe(true);
    expect(covered(['git reset --hard (destroys uncommitted changes)'], 'rm -rf build/')).toBe(false);
  });

  it('a glob over the command part allows matching commands and nothing chained onto them', () => {
    expect(covered(['rm -rf build*'], 'rm -rf build/')).toBe(true);
    expect(covered(['rm -rf build*'], 'rm -rf dist/')).toBe(false);
    expect(covered(['npm *'], 'npm test && rm -rf build')).toBe(false);
    expect(new Allowlist(['npm *']).covers({ key: 'x', part: 'npm test; rm -rf build' })).toBe(false);
    const key = classifyCommand('rm -rf build/', { home: '/home/ada', hermesHome: '/x' }).reasons[0].key;
    expect(covered([key.slice(0, 4) + '*'], 'rm -rf build/')).toBe(true); // a glob over the key
  });
});
