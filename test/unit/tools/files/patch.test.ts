import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPatchTool } from '../../../../server/tools/files/patch';
import { makeCtx, RecordingGate, tempDir } from '../helpers/context';
import { LocalTestManager } from '../helpers/local';

let dir: string;
let sandboxes: LocalTestManager;
let gate: RecordingGate;
beforeEach(() => {
  dir = tempDir();
  sandboxes = new LocalTestManager();
  gate = new RecordingGate();
});
afterEach(() => sandboxes.closeAll());

const tool = () => createPatchTool({ sandboxes, approvals: gate });
const run = (args: Parameters<ReturnType<typeof tool>['run']>[0]) => tool().run(args, makeCtx(dir));
const file = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('patch (replace mode)', () => {
  beforeEach(() => writeFileSync(join(dir, 'app.py'), 'def main():\n    print("hi")\n    return 0\n'));

  it('replaces one exact occurrence, checks the write and returns a unified diff', async () => {
    const res = await run({ path: 'app.py', old_string: 'print("hi")', new_string: 'print("hello")' });
    expect(file('app.py')).toBe('def main():\n    print("hello")\n    return 0\n');
    expect(res.content).toMatch(/^Replaced 1 occurrence in app.py\./);
    expect(res.content).toContain('--- a/app.py\n+++ b/app.py\n@@ -1,3 +1,3 @@\n def main():\n-    print("hi")\n+    print("hello")');
    expect(gate.calls).toEqual([{ kind: 'write', tool: 'patch', path: join(dir, 'app.py') }]);
    expect(res.item).toMatchObject({ changes: [{ path: join(dir, 'app.py'), kind: 'update' }] });
  });

  it('matches with tolerance and says how', async () => {
    const res = await run({ path: 'app.py', old_string: 'print("hi")\nreturn 0', new_string: 'print("hi")\nreturn 1' });
    expect(res.content).toMatch(/matched with indentation-flexible comparison/);
    expect(file('app.py')).toBe('def main():\n    print("hi")\n    return 1\n');
  });

  it('refuses an ambiguous match with line numbers, and replace_all changes all', async () => {
    writeFileSync(join(dir, 'dup.txt'), 'x = 1\ny\nx = 1\n');
    const res = await run({ path: 'dup.txt', old_string: 'x = 1', new_string: 'x = 2' });
    expect(res).toMatchObject({ isError: true });
    expect(res.content).toMatch(/matches 2 places in dup.txt \(lines 1, 3\)/);
    expect(file('dup.txt')).toBe('x = 1\ny\nx = 1\n');
    const all = await run({ path: 'dup.txt', old_string: 'x = 1', new_string: 'x = 2', replace_all: true });
    expect(all.content).toMatch(/Replaced 2 occurrences/);
    expect(file('dup.txt')).toBe('x = 2\ny\nx = 2\n');
  });

  it('explains a miss and points near the intended place', async () => {
    const res = await run({ path: 'app.py', old_string: 'def main():\n    print("bye")', new_string: 'x' });
    expect(res).toMatchObject({ isError: true });
    expect(res.content).toMatch(/old_string was not found in app.py. The first line of old_string appears at line 1/);
  });

  it('rejects bad arguments clearly', async () => {
    expect((await run({ path: 'app.py', old_string: '', new_string: 'x' })).content).toMatch(/use write_file/);
    expect((await run({ path: 'app.py', old_string: 'a', new_string: 'a' })).content).toMatch(/identical/);
    expect((await run({ path: 'nope.py', old_string: 'a', new_string: 'b' })).content).toMatch(/file not found: nope.py/);
    expect((await run({ old_string: 'a', new_string: 'b' })).content).toMatch(/path is required/);
  });

  it('writes nothing when the gate refuses', async () => {
    gate.deny = () => true;
    const res = await run({ path: 'app.py', old_string: 'return 0', new_string: 'return 9' });
    expect(res).toMatchObject({ isError: true, item: { status: 'declined' } });
    expect(file('app.py')).toContain('return 0');
  });
});

describe('patch (multi-file mode)', () => {
  beforeEach(() => {
    writeFileSync(join(dir, 'a.txt'), 'one\ntwo\nthree\n');
    writeFileSync(join(dir, 'gone.txt'), 'bye\n');
    writeFileSync(join(dir, 'mv.txt'), 'move me\n');
  });

  const patch = [
    '*** Begin Patch',
    '*** Update File: a.txt',
    ' one',
    '-two',
    '+TWO',
    '*** Add File: sub/new.txt',
    '+fresh',
    '*** Delete File: gone.txt',
    '*** Update File: mv.txt',
    '*** Move to: moved.txt',
    '*** End Patch',
  ].join('\n');

  it('applies every operation after clearing every path with the gate', async () => {
    const res = await run({ mode: 'patch', patch });
    expect(res.isError).toBeFalsy();
    expect(file('a.txt')).toBe('one\nTWO\nthree\n');
    expect(file('sub/new.txt')).toBe('fresh\n');
    expect(existsSync(join(dir, 'gone.txt'))).toBe(false);
    expect(existsSync(join(dir, 'mv.txt'))).toBe(false);
    expect(file('moved.txt')).toBe('move me\n');
    expect(gate.calls.map((c) => c.path)).toEqual(
      ['a.txt', 'sub/new.txt', 'gone.txt', 'mv.txt', 'moved.txt'].map((p) => join(dir, p)),
    );
    const kinds = (res.item as { changes: { kind: string }[] }).changes.map((c) => c.kind);
    expect(kinds).toEqual(['update', 'add', 'delete', 'delete', 'add']);
    expect(res.content).toMatch(/^Applied patch to 5 files/);
    expect(tool().paths!({ mode: 'patch', patch }, dir)).toEqual(['a.txt', 'sub/new.txt', 'gone.txt', 'mv.txt', 'moved.txt'].map((p) => join(dir, p)));
  });

  it('changes nothing when one hunk does not apply', async () => {
    const bad = patch.replace('-two', '-zwei');
    const res = await run({ mode: 'patch', patch: bad });
    expect(res).toMatchObject({ isError: true });
    expect(res.content).toMatch(/hunk 1 of a.txt .*not found.*Nothing was changed/);
    expect(file('a.txt')).toBe('one\ntwo\nthree\n');
    expect(existsSync(join(dir, 'gone.txt'))).toBe(true);
    expect(gate.calls).toEqual([]);
  });

  it('changes nothing when the gate refuses any path', async () => {
    gate.deny = (c) => c.path!.endsWith('gone.txt');
    const res = await run({ mode: 'patch', patch });
    expect(res).toMatchObject({ isError: true, item: { status: 'declined' } });
    expect(file('a.txt')).toBe('one\ntwo\nthree\n');
    expect(existsSync(join(dir, 'sub/new.txt'))).toBe(false);
  });

  it('refuses adding an existing file and deleting a missing one', async () => {
    const add = await run({ mode: 'patch', patch: '*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch' });
    expect(add.content).toMatch(/cannot add a.txt: it already exists/);
    const del = await run({ mode: 'patch', patch: '*** Begin Patch\n*** Delete File: nope.txt\n*** End Patch' });
    expect(del.content).toMatch(/cannot delete nope.txt: it does not exist/);
    expect((await run({ mode: 'patch' })).content).toMatch(/needs the patch text/);
  });
});
