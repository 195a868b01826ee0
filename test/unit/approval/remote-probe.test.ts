// Files a command will run, read where it runs (docker, ssh): the classifier's verdict with remote files fetched in
// rounds equals the verdict with the same files on a local disk.
import { describe, expect, test } from 'vitest';
import { classifyCommand } from '../../../server/approval/classifier';
import { classifyWithRemoteFiles, type RemoteFiles } from '../../../server/approval/remote-probe';

function remote(files: Record<string, string>, links: Record<string, string> = {}) {
  const fetched: string[] = [];
  const fs: RemoteFiles = {
    async readFile(p) {
      fetched.push(p);
      if (!(p in files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return Buffer.from(files[p]!);
    },
    async stat(p) {
      if (p in files) return { type: 'file', size: files[p]!.length, mtimeMs: 0, mode: 0o644 };
      return Object.keys(files).some((f) => f.startsWith(p + '/')) ? { type: 'dir', size: 0, mtimeMs: 0, mode: 0o755 } : null;
    },
    async realpath(p) {
      if (p in links) return links[p]!;
      if (p in files || Object.keys(files).some((f) => f.startsWith(p + '/')) || p === '/') return p;
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
  };
  return { fs, fetched };
}

const opts = { home: '/home/u', hermesHome: '/home/u/.hermes', cwd: '/ws' };
const judge = (cmd: string, r: ReturnType<typeof remote>) => classifyWithRemoteFiles((probe) => classifyCommand(cmd, { ...opts, probe }), r.fs);

describe('classifyWithRemoteFiles', () => {
  test('a script is judged by its remote content; an unread script stays allowed', async () => {
    const r = remote({ '/ws/cleanup.sh': 'echo hi\ngit config core.fsmonitor "rm -rf x"\n', '/ws/fine.sh': 'echo fine\n' });
    const bad = await judge('bash cleanup.sh', r);
    expect(bad.verdict).toBe('approve');
    expect(bad.reasons.map((x) => x.key)).toContain('git config that runs commands');
    expect(r.fetched).toContain('/ws/cleanup.sh');
    expect((await judge('bash fine.sh', r)).verdict).toBe('allow');
    expect((await judge('bash missing.sh', r)).verdict).toBe(classifyCommand('bash missing.sh', opts).verdict);
  });

  test('package.json scripts and a script that names another are followed', async () => {
    const r = remote({
      '/ws/package.json': JSON.stringify({ scripts: { build: 'bash tools/step.sh' } }),
      '/ws/tools/step.sh': 'rm -rf ~\n',
    });
    const v = await judge('npm run build', r);
    expect(v.verdict).toBe('block');
  });

  test('a link to a known program there is that program', async () => {
    const r = remote({ '/bin/rm': '\x7fELF' }, { '/ws/cleanup': '/bin/rm' });
    const v = await judge('./cleanup -rf ~', r);
    expect(v.verdict).toBe('block');
  });

  test('a command that reads no files costs no fetches', async () => {
    const r = remote({});
    expect((await judge('echo hello', r)).verdict).toBe('allow');
    expect(r.fetched).toEqual([]);
  });
});
