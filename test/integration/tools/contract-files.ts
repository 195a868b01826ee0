// read_file, write_file and patch on one backend. Fixtures are written through the backend's own file API and
// results are checked with commands in the sandbox's shell (and on this machine where the sandbox's files live), so
// a tool that touched the host instead of the sandbox fails here.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import type { FileChange } from '../../../server/protocol';
import type { ToolHarness } from './harness';

const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}|line ${from + i}`);
const changesOf = (item: unknown) => (item as { changes: FileChange[] }).changes;

export function filesContract(h: () => ToolHarness): void {
  describe('read_file', () => {
    afterAll(() => h().releaseThreads());
    test('numbered lines, 500 by default, with where to continue; offset/limit windows and the end', async () => {
      const s = await h().scene('read-window');
      await s.put('big.txt', Array.from({ length: 1200 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
      const first = await s.call(h().readFile, { path: 'big.txt' });
      expect(first.content.split('\n').slice(0, 500)).toEqual(numbered(1, 500));
      expect(first.content).toMatch(/\n\n\[showing lines 1-500 of 1,200 \(line limit\); continue with offset=501\]$/);
      const last = await s.call(h().readFile, { path: s.at('big.txt'), offset: 1190, limit: 50 });
      expect(last.content).toBe([...numbered(1190, 1200), '', '[end of file: lines 1190-1200 of 1,200]'].join('\n'));
      const mid = await s.call(h().readFile, { path: 'big.txt', offset: 10, limit: 2 });
      expect(mid.content.split('\n').slice(0, 3)).toEqual([...numbered(10, 11), '']);
      const past = await s.call(h().readFile, { path: 'big.txt', offset: 5000 });
      expect(past).toMatchObject({ isError: true, content: 'Error: offset 5000 is past the end of big.txt (1,200 lines)' });
    });

    test('binary files are refused with their type and size', async () => {
      const s = await h().scene('read-binary');
      await s.put('img.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), Buffer.alloc(2042)]));
      await s.put('blob.bin', Buffer.from([1, 2, 0, 3, 4]));
      const png = await s.call(h().readFile, { path: 'img.png' });
      expect(png).toEqual({ isError: true, content: 'Error: img.png is a binary file (PNG image, 2.0 KB); read_file reads text only.' });
      expect((await s.call(h().readFile, { path: 'blob.bin' })).content).toMatch(/blob.bin is a binary file \(binary data, 5 B\)/);
    });

    test('a miss suggests similar names, also when a directory name is wrong', async () => {
      const s = await h().scene('read-similar');
      for (const f of ['src/config.ts', 'src/config.test.ts', 'src/unrelated.md']) await s.put(f, 'x\n');
      const miss = await s.call(h().readFile, { path: 'src/confg.ts' });
      expect(miss).toMatchObject({ isError: true });
      expect(miss.content).toMatch(/^Error: file not found: src\/confg.ts. Similar: src\/config.ts/);
      expect(miss.content).not.toContain('unrelated');
      expect((await s.call(h().readFile, { path: 'scr/config.ts' })).content).toBe('Error: file not found: scr/config.ts. Similar: src');
    });

    test('a directory is described; symlinks, CRLF, a BOM and empty files are handled', async () => {
      const s = await h().scene('read-kinds');
      await s.put('d/a.txt', 'hello\n');
      await s.put('crlf.txt', '\ufeffa\r\nb\r\n');
      await s.put('empty.txt', '');
      expect((await s.sh('ln -s d/a.txt link.txt')).exitCode).toBe(0);
      expect((await s.call(h().readFile, { path: 'd' })).content).toBe(
        'Error: d is a directory (1 entries: a.txt). Read a file inside it, or use search_files.',
      );
      expect((await s.call(h().readFile, { path: 'link.txt' })).content).toBe('1|hello');
      expect((await s.call(h().readFile, { path: 'crlf.txt' })).content).toBe('1|a\n2|b');
      expect((await s.call(h().readFile, { path: 'empty.txt' })).content).toBe('(empty.txt is empty)');
    });

    test('reads what a command in the sandbox just wrote', async () => {
      const s = await h().scene('read-shell');
      await s.call(h().terminal, { command: 'printf "from %s\\n" "$HERMES_SANDBOX" > made-by-shell.txt' });
      expect((await s.call(h().readFile, { path: 'made-by-shell.txt' })).content).toBe(`1|from ${h().backend.kind}`);
    });
  });

  describe('write_file', () => {
    afterAll(() => h().releaseThreads());
    test('creates a file with its directories inside the sandbox, with an add diff', async () => {
      const s = await h().scene('write-new');
      const res = await s.call(h().writeFile, { path: 'a/b/new.txt', content: 'héllo\n' });
      expect(res.content).toBe('Wrote 7 bytes to a/b/new.txt (new file).');
      expect(h().gate.calls.at(-1)).toEqual({ kind: 'write', tool: 'write_file', path: s.at('a/b/new.txt') });
      const [change] = changesOf(res.item);
      expect(change).toMatchObject({ path: s.at('a/b/new.txt'), kind: 'add' });
      expect(change!.diff).toContain('--- /dev/null\n+++ b/a/b/new.txt');
      expect(change!.diff).toContain('+héllo');
      const seen = await s.sh('cat a/b/new.txt; id -u; stat -c %u a/b/new.txt');
      expect(seen.output).toBe(`héllo\n${h().backend.uid}\n${h().backend.uid}\n`);
      expect(readFileSync(h().backend.hostPath(s.at('a/b/new.txt')), 'utf8')).toBe('héllo\n');
    });

    test('replaces a file keeping its mode, with an update diff; refuses a directory', async () => {
      const s = await h().scene('write-replace');
      await s.sh('printf "echo one\\necho two\\n" > run.sh && chmod 755 run.sh');
      const res = await s.call(h().writeFile, { path: 'run.sh', content: 'echo one\necho three\n' });
      expect(res.content).toBe('Wrote 20 bytes to run.sh (replaced).');
      const [change] = changesOf(res.item);
      expect(change!.kind).toBe('update');
      expect(change!.diff).toContain(' echo one\n-echo two\n+echo three');
      expect((await s.sh('stat -c %a run.sh; ./run.sh')).output).toBe('755\none\nthree\n');
      const dir = await s.call(h().writeFile, { path: '.', content: 'x' });
      expect(dir).toEqual({ isError: true, content: 'Error: . is a directory' });
    });

    test('writes nothing when the gate refuses', async () => {
      const s = await h().scene('write-refused');
      h().gate.deny = (c) => c.path?.endsWith('secret.txt') ?? false;
      try {
        const res = await s.call(h().writeFile, { path: 'secret.txt', content: 'x' });
        expect(res).toMatchObject({ isError: true, item: { status: 'declined' } });
        expect(await s.sb.stat(s.at('secret.txt'))).toBeNull();
      } finally {
        h().gate.deny = () => false;
      }
    });
  });

  describe('relative paths', () => {
    afterAll(() => h().releaseThreads());
    test('file tools resolve relative paths against the shell’s current directory, as commands do', async () => {
      const s = await h().scene('rel-cwd');
      await s.call(h().terminal, { command: 'mkdir -p inner && cd inner' });
      await s.call(h().writeFile, { path: 'here.txt', content: 'inner file\n' });
      expect((await s.call(h().terminal, { command: 'cat here.txt; pwd' })).content).toBe(`inner file\n${s.at('inner')}\n\n[exit code 0]`);
      expect((await s.call(h().readFile, { path: 'here.txt' })).content).toBe('1|inner file');
      expect((await s.call(h().readFile, { path: '../inner/here.txt' })).content).toBe('1|inner file');
      const p = await s.call(h().patch, { path: 'here.txt', old_string: 'inner file', new_string: 'patched file' });
      expect(p.content).toMatch(/^Replaced 1 occurrence in here.txt\./);
      expect((await s.sh('cat here.txt')).output).toBe('patched file\n');
    });
  });

  describe('patch', () => {
    afterAll(() => h().releaseThreads());
    const app = 'def main():\n    print("hi")\n    return 0\n';

    test('an exact replacement returns a unified diff', async () => {
      const s = await h().scene('patch-exact');
      await s.put('app.py', app);
      const res = await s.call(h().patch, { path: 'app.py', old_string: 'print("hi")', new_string: 'print("hello")' });
      expect(res.content).toMatch(/^Replaced 1 occurrence in app.py\./);
      expect(res.content).toContain('--- a/app.py\n+++ b/app.py\n@@ -1,3 +1,3 @@\n def main():\n-    print("hi")\n+    print("hello")');
      expect(changesOf(res.item)).toMatchObject([{ path: s.at('app.py'), kind: 'update' }]);
      expect((await s.sh('cat app.py')).output).toBe('def main():\n    print("hello")\n    return 0\n');
    });

    test('whitespace- and indentation-tolerant matching says how it matched', async () => {
      const s = await h().scene('patch-tolerant');
      await s.put('app.py', app);
      const res = await s.call(h().patch, { path: 'app.py', old_string: 'print("hi")\nreturn 0', new_string: 'print("hi")\nreturn 1' });
      expect(res.content).toMatch(/matched with indentation-flexible comparison/);
      expect((await s.sh('cat app.py')).output).toBe('def main():\n    print("hi")\n    return 1\n');
      await s.put('cfg.txt', 'name  =   "a"\nother = 1\n');
      const spaced = await s.call(h().patch, { path: 'cfg.txt', old_string: 'name = "a"', new_string: 'name = "b"' });
      expect(spaced.content).toMatch(/matched with whitespace-normalised comparison/);
      expect((await s.sh('cat cfg.txt')).output).toBe('name = "b"\nother = 1\n');
    });

    test('an ambiguous match is refused with line numbers; replace_all changes every one', async () => {
      const s = await h().scene('patch-ambiguous');
      await s.put('dup.txt', 'x = 1\ny\nx = 1\n');
      const res = await s.call(h().patch, { path: 'dup.txt', old_string: 'x = 1', new_string: 'x = 2' });
      expect(res).toMatchObject({ isError: true });
      expect(res.content).toMatch(/matches 2 places in dup.txt \(lines 1, 3\)/);
      expect((await s.sh('cat dup.txt')).output).toBe('x = 1\ny\nx = 1\n');
      const all = await s.call(h().patch, { path: 'dup.txt', old_string: 'x = 1', new_string: 'x = 2', replace_all: true });
      expect(all.content).toMatch(/^Replaced 2 occurrences in dup.txt\./);
      expect((await s.sh('cat dup.txt')).output).toBe('x = 2\ny\nx = 2\n');
    });

    const multi = [
      '*** Begin Patch',
      '*** Update File: a.txt',
      ' one',
      '-two',
      '+TWO',
      '*** Add File: sub/new.txt',
      '+fresh',
      '*** Delete File: gone.txt',
      '*** Update File: mv.sh',
      '*** Move to: moved.sh',
      '*** End Patch',
    ].join('\n');

    test('a multi-file patch updates, adds, deletes and moves, keeping modes', async () => {
      const s = await h().scene('patch-multi');
      await s.put('a.txt', 'one\ntwo\nthree\n');
      await s.put('gone.txt', 'bye\n');
      await s.sh('printf "echo moved\\n" > mv.sh && chmod 750 mv.sh');
      const res = await s.call(h().patch, { mode: 'patch', patch: multi });
      expect(res.content).toMatch(/^Applied patch to 5 files/);
      expect(changesOf(res.item).map((c) => [c.path, c.kind])).toEqual([
        [s.at('a.txt'), 'update'],
        [s.at('sub/new.txt'), 'add'],
        [s.at('gone.txt'), 'delete'],
        [s.at('mv.sh'), 'delete'],
        [s.at('moved.sh'), 'add'],
      ]);
      const check = await s.sh('cat a.txt sub/new.txt; ls; stat -c %a moved.sh; ./moved.sh');
      expect(check.output).toBe('one\nTWO\nthree\nfresh\na.txt\nmoved.sh\nsub\n750\nmoved\n');
    });

    test('a hunk that does not apply changes nothing', async () => {
      const s = await h().scene('patch-bad-hunk');
      await s.put('a.txt', 'one\ntwo\nthree\n');
      await s.put('gone.txt', 'bye\n');
      await s.put('mv.sh', 'echo moved\n');
      const before = h().gate.calls.length;
      const res = await s.call(h().patch, { mode: 'patch', patch: multi.replace('-two', '-zwei') });
      expect(res).toMatchObject({ isError: true });
      expect(res.content).toMatch(/hunk 1 of a.txt .*not found.*Nothing was changed/);
      expect((await s.sh('cat a.txt; ls')).output).toBe('one\ntwo\nthree\na.txt\ngone.txt\nmv.sh\n');
      expect(h().gate.calls.length).toBe(before);
    });
  });
}
