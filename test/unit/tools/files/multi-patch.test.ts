import { describe, expect, it } from 'vitest';
import { applyHunks, parsePatch, PatchError, scanPatchPaths, type Hunk } from '../../../../server/tools/files/multi-patch';

const P = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');

/** The hunks of the patch's first (update) operation. */
function hunksOf(patch: string): Hunk[] {
  const op = parsePatch(patch)[0]!;
  if (op.type !== 'update') throw new Error(`expected an update, got ${op.type}`);
  return op.hunks;
}

describe('multi-file patch format', () => {
  it('parses update, add, delete and move', () => {
    const ops = parsePatch(
      P(
        '*** Update File: src/a.ts',
        '*** Move to: src/b.ts',
        '@@ function main',
        ' const x = 1;',
        '-const y = 2;',
        '+const y = 3;',
        '*** Add File: docs/new.md',
        '+# Title',
        '',
        '+text',
        '*** Delete File: old.txt',
      ),
    );
    expect(ops).toEqual([
      {
        type: 'update',
        path: 'src/a.ts',
        moveTo: 'src/b.ts',
        hunks: [
          {
            anchor: 'function main',
            atEnd: false,
            patchLine: 4,
            lines: [
              { op: ' ', text: 'const x = 1;' },
              { op: '-', text: 'const y = 2;' },
              { op: '+', text: 'const y = 3;' },
            ],
          },
        ],
      },
      { type: 'add', path: 'docs/new.md', content: '# Title\n\ntext\n' },
      { type: 'delete', path: 'old.txt' },
    ]);
    expect(scanPatchPaths(P('*** Update File: a', '*** Move to: b', '*** Delete File: c'))).toEqual(['a', 'b', 'c']);
  });

  it('rejects malformed patches with the line at fault', () => {
    expect(() => parsePatch('*** Update File: a')).toThrow(/must start with "\*\*\* Begin Patch"/);
    expect(() => parsePatch('*** Begin Patch\n*** Delete File: a')).toThrow(/must end with "\*\*\* End Patch"/);
    expect(() => parsePatch(P('*** Frobnicate: a'))).toThrow(/patch line 2: expected/);
    expect(() => parsePatch(P('*** Update File: a', ' ctx', '?bad'))).toThrow(/patch line 4 \(a\): hunk lines must start/);
    expect(() => parsePatch(P('*** Update File: a', ' only context'))).toThrow(/hunk changes nothing/);
    expect(() => parsePatch(P('*** Add File: a', 'no plus'))).toThrow(/must start with "\+"/);
  });

  it('applies hunks in order, keeping context lines as the file has them', () => {
    const file = 'def a():\n    return 1\n\ndef b():   \n    return 2\n';
    const hunks = hunksOf(
      P('*** Update File: f.py', '@@ def a', '-    return 1', '+    return 10', '@@', ' def b():', '-    return 2', '+    return 20'),
    );
    const out = applyHunks(file, hunks, 'f.py');
    expect(out).toBe('def a():\n    return 10\n\ndef b():   \n    return 20\n');
  });

  it('uses the anchor to pick between repeated blocks, and refuses ambiguity without one', () => {
    const file = 'fn one() {\n  x();\n}\nfn two() {\n  x();\n}\n';
    const anchored = hunksOf(P('*** Update File: f', '@@ fn two', '-  x();', '+  y();'));
    expect(applyHunks(file, anchored, 'f')).toBe('fn one() {\n  x();\n}\nfn two() {\n  y();\n}\n');
    const bare = hunksOf(P('*** Update File: f', '-  x();', '+  y();'));
    expect(() => applyHunks(file, bare, 'f')).toThrow(/matches 2 places \(lines 2, 5\)/);
  });

  it('anchors at the end of the file and appends pure additions', () => {
    const file = 'a\nb\na\nb\n';
    const end = hunksOf(P('*** Update File: f', ' a', '-b', '+c', '*** End of File'));
    expect(applyHunks(file, end, 'f')).toBe('a\nb\na\nc\n');
    const add = hunksOf(P('*** Update File: f', '+tail'));
    expect(applyHunks('x\n', add, 'f')).toBe('x\ntail\n');
  });

  it('names the hunk that does not fit', () => {
    const op = hunksOf(P('*** Update File: f', '-missing', '+x'));
    expect(() => applyHunks('a\n', op, 'f')).toThrow(PatchError);
    expect(() => applyHunks('a\n', op, 'f')).toThrow(/hunk 1 of f \(patch line 3\): the context\/removed lines were not found/);
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const op = hunksOf(P('*** Update File: f', '-b', '+B'));
    expect(applyHunks('a\r\nb\r\n', op, 'f')).toBe('a\r\nB\r\n');
    expect(applyHunks('a\nb', op, 'f')).toBe('a\nB');
  });
});
