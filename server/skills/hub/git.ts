// Shallow clones with the git CLI. Arguments are passed as an array (no shell), URLs after `--`, prompts and
// hooks are off, and every call has a timeout.
import { execFile } from 'node:child_process';
import { SkillError } from '../errors';
import { withoutCredentials } from './source';

export interface GitOptions {
  git?: string;
  timeoutMs?: number;
}

export function runGit(args: string[], opts: GitOptions & { cwd?: string } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      opts.git ?? 'git',
      ['-c', 'core.hooksPath=/dev/null', '-c', 'protocol.file.allow=always', '-c', 'advice.detachedHead=false', ...args],
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 4 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_LFS_SKIP_SMUDGE: '1', GCM_INTERACTIVE: 'never' },
      },
      (err, stdout, stderr) => {
        if (err) {
          const detail = String(stderr || err.message).trim().split('\n').filter(Boolean).slice(-2).join(' ');
          reject(new SkillError('SourceError', withoutCredentials(`git ${args.find((a) => !a.startsWith('-')) ?? ''} failed: ${detail}`)));
        } else resolvePromise(stdout.trim());
      },
    );
  });
}

/** Clones `url` into `dest` (shallow unless `ref` is a commit id) and returns the checked-out commit. */
export async function cloneRepo(url: string, dest: string, ref: string | undefined, opts: GitOptions = {}): Promise<string> {
  const isCommit = ref !== undefined && /^[0-9a-f]{7,40}$/i.test(ref);
  if (isCommit) {
    await runGit(['clone', '--no-tags', '--quiet', '--', url, dest], opts);
    await runGit(['checkout', '--quiet', '--detach', ref], { ...opts, cwd: dest });
  } else {
    await runGit(['clone', '--depth', '1', '--no-tags', '--single-branch', '--quiet', ...(ref ? ['--branch', ref] : []), '--', url, dest], opts);
  }
  return runGit(['rev-parse', 'HEAD'], { ...opts, cwd: dest });
}
