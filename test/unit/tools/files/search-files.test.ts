import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchFilesTool, type SearchFilesArgs } from '../../../../server/tools/files/search-files';
import { globMatcher, IgnoreStack, parseGitignore } from '../../../../server/tools/files/glob';
import { makeCtx, tempDir } from '../helpers/context';
import { LocalTestManager } from '../helpers/local';
import { TestSandbox, TestSandboxManager } from '../helpers/test-sandbox';

let dir: string;
let sandboxes: LocalTestManager;

const FILES: Record<string, string> = {
  'src/a.ts': 'import x from "y";\nconst foo = 1;\nconsole.log(foo);\n\nexport function fooBar() {}\n',
  'src/b.tsx': 'export const Foo = () => <div>foo</div>;\n',
  'src/nested/c.ts': 'line1\nline2\nfoo here\nline4\nline5\nline6\nfoo again\n',
  'src/gen.log': 'foo in a log\n',
  'src/keep.log': 'foo kept by negation\n',
  'lib/d.js': 'module.exports = "FOO"; // foo\n',
  '.hidden/e.ts': 'const hiddenFoo = "foo";\n',
  'node_modules/pkg/index.ts': 'foo in node_modules\n',
  'build/out.ts': 'foo built\n',
  'sub/local.ts': 'foo local\n',
  'sub/other.ts': 'foo other\n',
  '.gitignore': 'build/\n*.log\n!keep.log\n',
  'sub/.gitignore': 'local.ts\n',
  '.git/config': 'foo = bar\n',
  'README.md': '# Project\n\nNo match here.\n',
};

beforeAll(() => {
  dir = tempDir();
  let t = 1_700_000_000;
  for (const [rel, text] of Object.entries(FILES)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    utimesSync(abs, t, t);
    t += 100; // distinct mtimes: "newest first" must not depend on tie-breaking
  }
  writeFileSync(join(dir, 'bin.dat'), Buffer.from('foo\0binary foo\n'));
  symlinkSync(join(dir, 'src/a.ts'), join(dir, 'link.ts'));
  sandboxes = new LocalTestManager();
});
afterAll(() => sandboxes.closeAll());

async function both(args: SearchFilesArgs): Promise<string> {
  const ctx = makeCtx(dir);
  const rg = await createSearchFilesTool({ sandboxes }).run(args, ctx);
  const walk = await createSearchFilesTool({ sandboxes, ripgrep: 'never' }).run(args, ctx);
  expect(walk.content).toBe(rg.content);
  expect(walk.isError).toBe(rg.isError);
  return rg.content;
}

describe('search_files: ripgrep and the built-in walker agree', () => {
  it('content search honours .gitignore (nested, negation) and skips node_modules, .git, binaries and symlinks', async () => {
    const out = await both({ pattern: 'foo' });
    expect(out).toBe(
      [
        '10 matching lines in 7 files:',
        '.hidden/e.ts:1:const hiddenFoo = "foo";',
        'lib/d.js:1:module.exports = "FOO"; // foo',
        'src/a.ts:2:const foo = 1;',
        'src/a.ts:3:console.log(foo);',
        'src/a.ts:5:export function fooBar() {}',
        'src/b.tsx:1:export const Foo = () => <div>foo</div>;',
        'src/keep.log:1:foo kept by negation',
        'src/nested/c.ts:3:foo here',
        'src/nested/c.ts:7:foo again',
        'sub/other.ts:1:foo other',
      ].join('\n'),
    );
  });

  it('prints context lines grep-style and separates groups', async () => {
    const out = await both({ pattern: 'foo', path: 'src/nested', context: 1 });
    expect(out).toBe(
      [
        '2 matching lines in 1 file:',
        'src/nested/c.ts-2-line2',
        'src/nested/c.ts:3:foo here',
        'src/nested/c.ts-4-line4',
        '--',
        'src/nested/c.ts-6-line6',
        'src/nested/c.ts:7:foo again',
      ].join('\n'),
    );
    const wide = await both({ pattern: 'foo', context: 2, limit: 4, offset: 3 });
    expect(wide).toContain('src/a.ts-3-console.log(foo);'.replace('-3-', ':3:'));
  });

  it('pages by match with offset and limit', async () => {
    const page1 = await both({ pattern: 'foo', limit: 5 });
    expect(page1).toMatch(/\(showing 1-5\)/);
    expect(page1).toMatch(/continue with offset=5\]$/);
    expect(page1.split('\n').slice(1, 6)).toEqual([
      '.hidden/e.ts:1:const hiddenFoo = "foo";',
      'lib/d.js:1:module.exports = "FOO"; // foo',
      'src/a.ts:2:const foo = 1;',
      'src/a.ts:3:console.log(foo);',
      'src/a.ts:5:export function fooBar() {}',
    ]);
    const page2 = await both({ pattern: 'foo', limit: 5, offset: 5 });
    expect(page2.split('\n')[0]).toBe('10 matching lines in 7 files (showing 6-10):');
    expect(page2.split('\n')[1]).toBe('src/b.tsx:1:export const Foo = () => <div>foo</div>;');
    expect(page2).not.toMatch(/continue with offset/);
  });

  it('supports files_only and count modes', async () => {
    const files = await both({ pattern: 'foo', output_mode: 'files_only' });
    expect(files.split('\n')).toEqual([
      '10 matching lines in 7 files:',
      '.hidden/e.ts',
      'lib/d.js',
      'src/a.ts',
      'src/b.tsx',
      'src/keep.log',
      'src/nested/c.ts',
      'sub/other.ts',
    ]);
    const paged = await both({ pattern: 'foo', output_mode: 'files_only', limit: 2, offset: 2 });
    expect(paged.split('\n').slice(0, 3)).toEqual(['10 matching lines in 7 files (showing 3-4):', 'src/a.ts', 'src/b.tsx']);
    const count = await both({ pattern: 'foo', output_mode: 'count' });
    expect(count).toContain('src/a.ts:3');
    expect(count).toContain('src/nested/c.ts:2');
  });

  it('restricts by file_glob, by name or by path, still honouring .gitignore', async () => {
    const byName = await both({ pattern: 'foo', file_glob: '*.{ts,tsx}', output_mode: 'files_only' });
    expect(byName.split('\n').slice(1)).toEqual(['.hidden/e.ts', 'src/a.ts', 'src/b.tsx', 'src/nested/c.ts', 'sub/other.ts']);
    const byPath = await both({ pattern: 'foo', file_glob: 'src/**/*.ts', output_mode: 'files_only' });
    expect(byPath.split('\n').slice(1)).toEqual(['src/a.ts', 'src/nested/c.ts']);
  });

  it('finds files by glob or bare word, newest first', async () => {
    const ts = await both({ pattern: '*.ts', target: 'files' });
    expect(ts.split('\n')).toEqual(['Found 4 files, newest first:', 'sub/other.ts', '.hidden/e.ts', 'src/nested/c.ts', 'src/a.ts']);
    const word = await both({ pattern: 'other', target: 'files' });
    expect(word.split('\n').slice(1)).toEqual(['sub/other.ts']);
  });

  it('searches a single file and reports regex errors and missing paths', async () => {
    const one = await both({ pattern: 'foo', path: 'src/a.ts' });
    expect(one.split('\n').slice(1)).toEqual(['src/a.ts:2:const foo = 1;', 'src/a.ts:3:console.log(foo);', 'src/a.ts:5:export function fooBar() {}']);
    const oneGlob = await both({ pattern: 'foo', path: 'src/a.ts', file_glob: '*.js' });
    expect(oneGlob).toBe('No matches found.');
    expect(await both({ pattern: 'zzz_nothing' })).toBe('No matches found.');
    const missing = await both({ pattern: 'foo', path: 'nope' });
    expect(missing).toMatch(/path not found: nope/);
    const ctx = makeCtx(dir);
    for (const ripgrep of ['auto', 'never'] as const) {
      const bad = await createSearchFilesTool({ sandboxes, ripgrep }).run({ pattern: 'fo(' }, ctx);
      expect(bad.isError).toBe(true);
      expect(bad.content).toMatch(/search failed: [\s\S]*(unclosed group|Unterminated group)/);
    }
  });
});

describe('search_files result cap', () => {
  it('both backends say when a search hit its cap', async () => {
    const big = tempDir();
    writeFileSync(join(big, 'many.txt'), 'foo\n'.repeat(25_000));
    // Its own thread: file tools resolve paths against the thread shell's directory, and thread-1's is `dir`.
    const ctx = makeCtx(big, { threadId: 'cap' });
    for (const ripgrep of ['auto', 'never'] as const) {
      const res = await createSearchFilesTool({ sandboxes, ripgrep }).run({ pattern: 'foo', limit: 2 }, ctx);
      expect(res.content).toMatch(/^[\d,]+ matching lines in 1 file \(showing 1-2\):\nmany.txt:1:foo\nmany.txt:2:foo/);
      expect(res.content).toContain('the search stopped at its result cap; narrow the pattern, path or file_glob');
    }
  });
});

describe('search_files backend choice', () => {
  it('uses rg when the sandbox has it and falls back when it does not', async () => {
    const withRg = new LocalTestManager();
    await createSearchFilesTool({ sandboxes: withRg }).run({ pattern: 'foo' }, makeCtx(dir));
    expect(withRg.sandboxes.get('thread-1')!.execCalls.some((c) => c.startsWith('rg --json'))).toBe(true);

    const emptyPath = tempDir();
    const noRg = new TestSandboxManager((cwd) => new TestSandbox(cwd, cwd, { ...process.env, PATH: emptyPath }));
    const res = await createSearchFilesTool({ sandboxes: noRg }).run({ pattern: 'foo' }, makeCtx(dir));
    expect(res.content.split('\n')[0]).toBe('10 matching lines in 7 files:');
    expect(noRg.sandboxes.get('thread-1')!.execCalls.some((c) => c.startsWith('rg '))).toBe(false);
    await withRg.closeAll();
    await noRg.closeAll();
  });
});

describe('globs and ignore rules', () => {
  it('matches names without a slash and paths with one', () => {
    expect(globMatcher('*.ts')('a/b/c.ts')).toBe(true);
    expect(globMatcher('*.ts')('a/b/c.tsx')).toBe(false);
    expect(globMatcher('src/**/*.ts')('src/x.ts')).toBe(true);
    expect(globMatcher('src/**/*.ts')('src/a/b/x.ts')).toBe(true);
    expect(globMatcher('src/*.ts')('src/a/x.ts')).toBe(false);
    expect(globMatcher('file?.[jt]s')('file1.js')).toBe(true);
    expect(globMatcher('*.{md,txt}')('notes.txt')).toBe(true);
  });

  it('applies gitignore rules with negation, anchoring and directory-only patterns', () => {
    const stack = new IgnoreStack().with('', parseGitignore('# c\n*.log\n!keep.log\n/top.txt\nout/\n'));
    expect(stack.ignored('a/b.log', false)).toBe(true);
    expect(stack.ignored('a/keep.log', false)).toBe(false);
    expect(stack.ignored('top.txt', false)).toBe(true);
    expect(stack.ignored('a/top.txt', false)).toBe(false);
    expect(stack.ignored('x/out', true)).toBe(true);
    expect(stack.ignored('x/out', false)).toBe(false);
    const nested = stack.with('sub', parseGitignore('!*.log\n'));
    expect(nested.ignored('sub/z.log', false)).toBe(false);
  });
});
