// search_files on one backend, with ripgrep where the sandbox has it and the built-in walker always: both must print
// exactly the same results (ignore rules, binary and symlink skipping, context, paging, modes, file-name search).
import { afterAll, describe, expect, test } from 'vitest';
import { hasRipgrep } from '../../../server/tools/files/search-rg';
import type { SearchFilesArgs } from '../../../server/tools/files/search-files';
import { shq, type Scene, type ToolHarness } from './harness';

const FILES: [string, string][] = [
  ['src/main.ts', 'import { x } from "./x";\nconst needle = 1;\nconsole.log(needle);\n'],
  ['src/util/deep.ts', 'a\nb\nneedle one\nc\nd\ne\nneedle two\n'],
  ['src/util/secret.ts', 'needle ignored by a nested .gitignore\n'],
  ['src/util/.gitignore', 'secret.ts\n'],
  ['src/skip.log', 'needle in an ignored log\n'],
  ['docs/guide.md', '# Guide\nFind the NEEDLE here? needle yes.\n'],
  ['.config/hidden.ts', 'export const hiddenNeedle = "needle";\n'],
  ['node_modules/dep/index.ts', 'needle in node_modules\n'],
  ['out/built.ts', 'needle built\n'],
  ['.gitignore', 'out/\n*.log\n'],
  ['.git/HEAD', 'needle: refs/heads/main\n'],
];

const ALL_MATCHES = [
  '.config/hidden.ts:1:export const hiddenNeedle = "needle";',
  'docs/guide.md:2:Find the NEEDLE here? needle yes.',
  'src/main.ts:2:const needle = 1;',
  'src/main.ts:3:console.log(needle);',
  'src/util/deep.ts:3:needle one',
  'src/util/deep.ts:7:needle two',
];

/** The fixture tree, with distinct mtimes (newest-first order must not hang on ties), a binary file and a symlink. */
async function plant(s: Scene): Promise<void> {
  for (const [rel, text] of FILES) await s.put(rel, text);
  await s.put('bin.dat', Buffer.from('needle\0binary needle\n'));
  const touches = FILES.map(([rel], i) => `touch -d @${1_700_000_000 + i * 100} ${shq(rel)}`).join(' && ');
  const r = await s.sh(`${touches} && ln -s src/main.ts link.ts`);
  if (r.exitCode !== 0) throw new Error(`fixture setup failed: ${r.output}`);
}

export function searchContract(h: () => ToolHarness): void {
  describe('search_files', () => {
    afterAll(() => h().releaseThreads());
    let s: Scene;
    /** Runs the search as the host does (ripgrep when present) and with the walker; both must agree to the
     * character. Without ripgrep the host's search already is the walker (checked in the first test): once is enough. */
    const both = async (args: SearchFilesArgs): Promise<string> => {
      const viaHost = await s.call(h().search, args);
      if (!h().backend.ripgrep) return viaHost.content;
      const viaWalker = await s.call(h().searchWalker, args);
      expect(viaWalker.content).toBe(viaHost.content);
      expect(viaWalker.isError).toBe(viaHost.isError);
      return viaHost.content;
    };

    test('ripgrep is used exactly where the sandbox has it', async () => {
      s = await h().scene('search');
      await plant(s);
      expect(await hasRipgrep(s.sb)).toBe(h().backend.ripgrep);
      const which = await s.sh('command -v rg >/dev/null && echo has-rg || echo no-rg');
      expect(which.output).toBe(h().backend.ripgrep ? 'has-rg\n' : 'no-rg\n');
    });

    test('content search honours .gitignore (nested too), skips .git, node_modules, binaries and symlinks', async () => {
      expect(await both({ pattern: 'needle' })).toBe(['6 matching lines in 4 files:', ...ALL_MATCHES].join('\n'));
    });

    test('context lines grep-style, with groups separated', async () => {
      expect(await both({ pattern: 'needle', path: 'src/util', context: 1 })).toBe(
        [
          '2 matching lines in 1 file:',
          'src/util/deep.ts-2-b',
          'src/util/deep.ts:3:needle one',
          'src/util/deep.ts-4-c',
          '--',
          'src/util/deep.ts-6-e',
          'src/util/deep.ts:7:needle two',
        ].join('\n'),
      );
    });

    test('pages by match with offset and limit', async () => {
      const p1 = await both({ pattern: 'needle', limit: 2 });
      expect(p1.split('\n').slice(0, 3)).toEqual(['6 matching lines in 4 files (showing 1-2):', ...ALL_MATCHES.slice(0, 2)]);
      expect(p1).toMatch(/continue with offset=2\]$/);
      const p3 = await both({ pattern: 'needle', limit: 2, offset: 4 });
      expect(p3).toBe(['6 matching lines in 4 files (showing 5-6):', ...ALL_MATCHES.slice(4)].join('\n'));
    });

    test('files_only and count modes, and file_glob', async () => {
      expect((await both({ pattern: 'needle', output_mode: 'files_only' })).split('\n')).toEqual([
        '6 matching lines in 4 files:',
        '.config/hidden.ts',
        'docs/guide.md',
        'src/main.ts',
        'src/util/deep.ts',
      ]);
      const count = await both({ pattern: 'needle', output_mode: 'count' });
      expect(count).toContain('src/main.ts:2');
      expect(count).toContain('docs/guide.md:1');
      const ts = await both({ pattern: 'needle', file_glob: '*.ts', output_mode: 'files_only' });
      expect(ts.split('\n').slice(1)).toEqual(['.config/hidden.ts', 'src/main.ts', 'src/util/deep.ts']);
    });

    test('file-name search by glob or bare word, newest first', async () => {
      expect((await both({ pattern: '*.ts', target: 'files' })).split('\n')).toEqual([
        'Found 3 files, newest first:',
        '.config/hidden.ts',
        'src/util/deep.ts',
        'src/main.ts',
      ]);
      expect(await both({ pattern: 'guide', target: 'files' })).toBe('Found 1 file, newest first:\ndocs/guide.md');
    });

    test('a single file, no matches, a missing path and a bad regex', async () => {
      expect((await both({ pattern: 'needle', path: 'src/main.ts' })).split('\n').slice(1)).toEqual(ALL_MATCHES.slice(2, 4));
      expect(await both({ pattern: 'zzz_nothing' })).toBe('No matches found.');
      expect(await both({ pattern: 'needle', path: 'nope' })).toBe('Error: path not found: nope');
      for (const tool of [h().search, h().searchWalker]) {
        const bad = await s.call(tool, { pattern: 'ne(' });
        expect(bad.isError).toBe(true);
        expect(bad.content).toMatch(/search failed: [\s\S]*(unclosed group|Unterminated group)/);
      }
    });

    test('both say when a search stopped at its result cap', async () => {
      const big = await h().scene('search-cap');
      await big.put('many.txt', 'needle\n'.repeat(25_000));
      for (const tool of [h().search, h().searchWalker]) {
        const res = await big.call(tool, { pattern: 'needle', limit: 2 });
        expect(res.content).toMatch(/^[\d,]+ matching lines in 1 file \(showing 1-2\):\nmany.txt:1:needle\nmany.txt:2:needle/);
        expect(res.content).toContain('the search stopped at its result cap; narrow the pattern, path or file_glob');
      }
    });
  });
}
