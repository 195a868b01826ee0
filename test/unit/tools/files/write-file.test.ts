import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteFileTool } from '../../../../server/tools/files/write-file';
import { makeCtx, RecordingGate, tempDir } from '../helpers/context';
import { LocalTestManager } from '../helpers/local';
import { TestSandbox, TestSandboxManager } from '../helpers/test-sandbox';

let dir: string;
let sandboxes: LocalTestManager;
let gate: RecordingGate;
beforeEach(() => {
  dir = tempDir();
  sandboxes = new LocalTestManager();
  gate = new RecordingGate();
});
afterEach(() => sandboxes.closeAll());

const tool = () => createWriteFileTool({ sandboxes, approvals: gate });

describe('write_file', () => {
  it('creates a file and its directories after checkWrite, with an add diff', async () => {
    const res = await tool().run({ path: 'a/b/new.txt', content: 'héllo\n' }, makeCtx(dir));
    const abs = join(dir, 'a/b/new.txt');
    expect(readFileSync(abs, 'utf8')).toBe('héllo\n');
    expect(res.content).toBe('Wrote 7 bytes to a/b/new.txt (new file).');
    expect(gate.calls).toEqual([{ kind: 'write', tool: 'write_file', path: abs }]);
    const change = (res.item as { changes: { path: string; kind: string; diff: string }[] }).changes[0]!;
    expect(change).toMatchObject({ path: abs, kind: 'add' });
    expect(change.diff).toContain('--- /dev/null\n+++ b/a/b/new.txt');
    expect(change.diff).toContain('+héllo');
  });

  it('replaces a file, keeps its mode and shows an update diff', async () => {
    const abs = join(dir, 'run.sh');
    writeFileSync(abs, 'echo one\necho two\n');
    chmodSync(abs, 0o755);
    const res = await tool().run({ path: 'run.sh', content: 'echo one\necho three\n' }, makeCtx(dir));
    expect(readFileSync(abs, 'utf8')).toBe('echo one\necho three\n');
    expect(statSync(abs).mode & 0o777).toBe(0o755);
    const change = (res.item as { changes: { kind: string; diff: string }[] }).changes[0]!;
    expect(change.kind).toBe('update');
    expect(change.diff).toContain('-echo two\n+echo three');
  });

  it('writes nothing when the gate refuses', async () => {
    gate.deny = () => true;
    const res = await tool().run({ path: 'secret.txt', content: 'x' }, makeCtx(dir));
    expect(res).toMatchObject({ isError: true, item: { status: 'declined' } });
    expect(existsSync(join(dir, 'secret.txt'))).toBe(false);
  });

  it('declares the path it touches and expands ~ to the sandbox home', async () => {
    expect(tool().paths!({ path: 'x.txt', content: '' }, dir)).toEqual([join(dir, 'x.txt')]);
    // A sandbox whose home is the temp dir, so the test never writes to the real home.
    const homed = new TestSandboxManager((cwd) => new TestSandbox(cwd, cwd));
    await createWriteFileTool({ sandboxes: homed, approvals: gate }).run({ path: '~/home-file.txt', content: 'h' }, makeCtx(dir));
    expect(readFileSync(join(dir, 'home-file.txt'), 'utf8')).toBe('h');
    await homed.closeAll();
  });

  it('refuses to overwrite a directory', async () => {
    const res = await tool().run({ path: '.', content: 'x' }, makeCtx(dir));
    expect(res).toMatchObject({ isError: true });
    expect(res.content).toMatch(/is a directory/);
  });
});
