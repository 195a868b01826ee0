import { describe, expect, it } from 'vitest';
import { applyHunks, parsePatch, PatchError, scanPatchPaths } from '../../../../server/tools/files/multi-patch';

const P = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');

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
    const [op] = parsePatch(
      P('*** Update File: f.py', '@@ def a', '-    return 1', '+    return 10', '@@', ' def b():', '-    return 2', '+    return 20'),
    );
    expect(op!.type).toBe('update');
    const out = applyHunks(file, (op as { hunks: never[] }).hunks, 'f.py');
    expect(out).toBe('def a():\n    return 10\n\ndef b():   \n    return 20\n');
  });

  it('uses the anchor to pick between repeated blocks, and refuses ambiguity without one', () => {
    const file = 'fn one() {\n  x();\n}\nfn two() {\n  x();\n}\n';
    const anchored = parsePatch(P('*** Update File: f', '@@ fn two', '-  x();', '+  y();'))[0] as { hunks: never[] };
    expect(applyHunks(file, anchored.hunks, 'f')).toBe('fn one() {\n  x();\n}\nfn two() {\n  y();\n}\n');
    const bare = parsePatch(P('*** Update File: f', '-  x();', '+  y();'))[0] as { hunks: never[] };
    expect(() => applyHunks(file, bare.hunks, 'f')).toThrow(/matches 2 places \(lines 2, 5\)/);
  });

  it('anchors at the end of the file and appends pure additions', () => {
    const file = 'a\nb\na\nb\n';
    const end = parsePatch(P('*** Update File: f', ' a', '-b', '+c', '*** End of File'))[0] as { hunks: never[] };
    expect(applyHunks(file, end.hunks, 'f')).toBe('a\nb\na\nc\n');
    const add = parsePatch(P('*** Update File: f', '+tail'))[0] as { hunks: never[] };
    expect(applyHunks('x\n', add.hunks, 'f')).toBe('x\ntail\n');
  });

  it('names the hunk that does not fit', () => {
    const op = parsePatch(P('*** Update File: f', '-missing', '+x'))[0] as { hunks: never[] };
    expect(() => applyHunks('a\n', op.hunks, 'f')).toThrow(PatchError);
    expect(() => applyHunks('a\n', op.hunks, 'f')).toThrow(/hunk 1 of f \(patch line 3\): the context\/removed lines were not found/);
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const op = parsePatch(P('*** Update File: f', '-b', '+B'))[0] as { hunks: never[] };
    expect(applyHunks('a\r\nb\r\n', op.hunks, 'f')).toBe('a\r\nB\r\n');
    expect(applyHunks('a\nb', op.hunks, 'f')).toBe('a\nB');
  });
});
