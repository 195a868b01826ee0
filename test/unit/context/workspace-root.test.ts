// The workspace root of a directory: the nearest enclosing git repository's top (a .git directory, or the .git file
// of a worktree or submodule), never past GIT_CEILING_DIRECTORIES, else the directory itself.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '../../../server/config/workspace-root';

const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), 'hermes-root-')));
const noCeiling = { GIT_CEILING_DIRECTORIES: '' };

describe('findWorkspaceRoot', () => {
  it('finds the repository top from a deep subdirectory', () => {
    const repo = tmp();
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'a', 'b', 'c'), { recursive: true });
    expect(findWorkspaceRoot(join(repo, 'a', 'b', 'c'), noCeiling)).toBe(repo);
    expect(findWorkspaceRoot(repo, noCeiling)).toBe(repo);
  });

  it('takes the nearest repository: a worktree or submodule (.git file) inside another repository', () => {
    const outer = tmp();
    mkdirSync(join(outer, '.git'));
    const sub = join(outer, 'vendor', 'lib');
    mkdirSync(join(sub, 'src'), { recursive: true });
    writeFileSync(join(sub, '.git'), 'gitdir: ../../.git/modules/lib\n');
    expect(findWorkspaceRoot(join(sub, 'src'), noCeiling)).toBe(sub);
  });

  it('is the directory itself outside any repository, or when the repository lies beyond a ceiling', () => {
    const plain = tmp();
    mkdirSync(join(plain, 'x'));
    expect(findWorkspaceRoot(join(plain, 'x'), { GIT_CEILING_DIRECTORIES: plain })).toBe(join(plain, 'x'));
    const repo = tmp();
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'mid', 'leaf'), { recursive: true });
    expect(findWorkspaceRoot(join(repo, 'mid', 'leaf'), { GIT_CEILING_DIRECTORIES: join(repo, 'mid') })).toBe(join(repo, 'mid', 'leaf'));
    // As in git, a ceiling stops the walk from entering it: the repository is found only below the ceiling.
    expect(findWorkspaceRoot(join(repo, 'mid', 'leaf'), { GIT_CEILING_DIRECTORIES: `/nonexistent:${repo}` })).toBe(join(repo, 'mid', 'leaf'));
    expect(findWorkspaceRoot(join(repo, 'mid', 'leaf'), { GIT_CEILING_DIRECTORIES: `/nonexistent:${dirname(repo)}` })).toBe(repo);
  });
});
