import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReadFileTool } from '../../../../server/tools/files/read-file';
import { similarNames } from '../../../../server/tools/files/suggest';
import { makeCtx, tempDir } from '../helpers/context';
import { LocalTestManager } from '../helpers/local';

let dir: string;
let sandboxes: LocalTestManager;
beforeEach(() => {
  dir = tempDir();
  sandboxes = new LocalTestManager();
});
afterEach(() => sandboxes.closeAll());

const read = (args: { path: string; offset?: number; limit?: number }) =>
  createReadFileTool({ sandboxes }).run(args, makeCtx(dir));

const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}|line ${from + i}`);

describe('read_file', () => {
  beforeEach(() => {
    writeFileSync(join(dir, 'big.txt'), Array.from({ length: 1200 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  });

  it('returns numbered lines, 500 by default, with a hint to continue', async () => {
    const res = await read({ path: 'big.txt' });
    const lines = res.content.split('\n');
    expect(lines.slice(0, 500)).toEqual(numbered(1, 500));
    expect(res.content).toContain('[showing lines 1-500 of 1,200 (line limit); continue with offset=501]');
  });

  it('pages with offset and limit and marks the end', async () => {
    const res = await read({ path: 'big.txt', offset: 1190, limit: 50 });
    expect(res.content.split('\n').slice(0, 11)).toEqual(numbered(1190, 1200));
    expect(res.content).toContain('[end of file: lines 1190-1200 of 1,200]');
    const mid = await read({ path: join(dir, 'big.txt'), offset: 10, limit: 2 });
    expect(mid.content.split('\n').slice(0, 2)).toEqual(numbered(10, 11));
  });

  it('refuses an offset past the end', async () => {
    const res = await read({ path: 'big.txt', offset: 5000 });
    expect(res).toMatchObject({ isError: true });
    expect(res.content).toMatch(/offset 5000 is past the end of big.txt \(1,200 lines\)/);
  });

  it('caps long lines and pages large files by characters', async () => {
    const long = 'x'.repeat(3000);
    writeFileSync(join(dir, 'wide.txt'), Array.from({ length: 100 }, () => long).join('\n'));
    const res = await read({ path: 'wide.txt', limit: 2000 });
    expect(res.content).toContain('… [line truncated, 3,000 chars]');
    expect(res.content.length).toBeLessThanOrEqual(100_000 + 200);
    const m = /\[showing lines 1-(\d+) of 100 \(character limit \(100,000\)\); continue with offset=(\d+)\]/.exec(res.content)!;
    expect(Number(m[2])).toBe(Number(m[1]) + 1);
    const next = await read({ path: 'wide.txt', offset: Number(m[2]), limit: 2000 });
    expect(next.content.startsWith(`${m[2]}|xxx`)).toBe(true);
  });

  it('refuses binary files with their type and size', async () => {
    writeFileSync(join(dir, 'img.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), Buffer.alloc(2000)]));
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([1, 2, 0, 3, 4]));
    const png = await read({ path: 'img.png' });
    expect(png).toMatchObject({ isError: true });
    expect(png.content).toMatch(/img.png is a binary file \(PNG image, 2.0 KB\)/);
    expect((await read({ path: 'blob.bin' })).content).toMatch(/binary file \(binary data, 5 B\)/);
  });

  it('suggests similar names on a miss, also when a directory name is wrong', async () => {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'config.ts'), 'x');
    writeFileSync(join(dir, 'src', 'config.test.ts'), 'x');
    writeFileSync(join(dir, 'src', 'unrelated.md'), 'x');
    const res = await read({ path: 'src/confg.ts' });
    expect(res).toMatchObject({ isError: true });
    expect(res.content).toMatch(/file not found: src\/confg.ts. Similar: src\/config.ts/);
    expect(res.content).not.toContain('unrelated');
    const res2 = await read({ path: 'scr/config.ts' });
    expect(res2.content).toMatch(/Similar: src$/);
    expect(similarNames('readme', ['README.md', 'package.json'])).toEqual(['README.md']);
  });

  it('describes a directory instead of reading it, and follows symlinks', async () => {
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'a.txt'), 'hello\n');
    symlinkSync(join(dir, 'd', 'a.txt'), join(dir, 'link.txt'));
    const res = await read({ path: 'd' });
    expect(res.content).toMatch(/d is a directory \(1 entries: a.txt\)/);
    expect((await read({ path: 'link.txt' })).content).toBe('1|hello');
  });

  it('handles empty files, CRLF and a byte-order mark', async () => {
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'crlf.txt'), '\ufeffa\r\nb\r\n');
    expect((await read({ path: 'empty.txt' })).content).toBe('(empty.txt is empty)');
    expect((await read({ path: 'crlf.txt' })).content).toBe('1|a\n2|b');
  });
});
