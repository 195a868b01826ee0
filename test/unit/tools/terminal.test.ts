import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../server/config/schema';
import { ProcessRegistry } from '../../../server/tools/process-registry';
import { createTerminalTool, exitCodeMeaning, lastProgram } from '../../../server/tools/terminal';
import { makeCtx, RecordingGate, tempDir } from './helpers/context';
import { LocalTestManager } from './helpers/local';

let dir: string;
let sandboxes: LocalTestManager;
let processes: ProcessRegistry;
let gate: RecordingGate;

beforeEach(() => {
  dir = tempDir();
  sandboxes = new LocalTestManager();
  processes = new ProcessRegistry({ killGraceMs: 200 });
  gate = new RecordingGate();
});
afterEach(async () => {
  await processes.stopAll();
  await sandboxes.closeAll();
});

const tool = () => createTerminalTool({ sandboxes, approvals: gate, processes });

describe('terminal (foreground)', () => {
  it('runs a command, streams output and reports the exit code', async () => {
    const ctx = makeCtx(dir);
    const res = await tool().run({ command: 'echo hello; echo oops >&2; (exit 3)' }, ctx);
    expect(res.content).toContain('hello');
    expect(res.content).toContain('oops');
    expect(res.content).toContain('[exit code 3]');
    expect(ctx.outputs.join('')).toContain('hello');
    expect(res.item).toMatchObject({ exitCode: 3 });
    expect(typeof (res.item as { durationMs?: number }).durationMs).toBe('number');
    expect(ctx.updates[0]).toMatchObject({ backend: 'local' });
  });

  it('asks the approval gate before running, with command, cwd, backend and tool', async () => {
    const ctx = makeCtx(dir);
    await tool().run({ command: 'true' }, ctx);
    expect(gate.calls).toEqual([{ kind: 'command', tool: 'terminal', command: 'true', cwd: dir, backend: 'local' }]);
  });

  it('does not run a refused command and marks the item declined', async () => {
    gate.deny = () => true;
    const marker = join(dir, 'ran');
    const res = await tool().run({ command: `touch ${marker}` }, makeCtx(dir));
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/Denied by the user/);
    expect(res.item).toEqual({ status: 'declined' });
    expect(existsSync(marker)).toBe(false);
    expect(sandboxes.sandboxes.get('thread-1')!.execCalls).toEqual([]);
  });

  it('explains benign exit codes', async () => {
    writeFileSync(join(dir, 'f.txt'), 'abc\n');
    const res = await tool().run({ command: 'grep zzz f.txt' }, makeCtx(dir));
    expect(res.content).toContain('[exit code 1: no lines matched (not an error)]');
    expect(exitCodeMeaning('diff a b', 1)).toMatch(/differ/);
    expect(exitCodeMeaning('cat x | sudo rg foo', 1)).toMatch(/no matches/);
    expect(exitCodeMeaning('[ -f x ]', 1)).toMatch(/false/);
    expect(exitCodeMeaning('make', 124)).toMatch(/timed out/);
    expect(exitCodeMeaning('make', 130)).toMatch(/interrupted/);
    expect(exitCodeMeaning('make', 137)).toMatch(/killed/);
    expect(exitCodeMeaning('make', 2)).toBeUndefined();
    expect(lastProgram('FOO=1 env BAR=2 /usr/bin/grep -q x')).toBe('grep');
  });

  it('refuses a foreground timeout above the maximum and points to background', async () => {
    const res = await tool().run({ command: 'true', timeout: 601 }, makeCtx(dir));
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(/exceeds the foreground maximum of 600s/);
    expect(res.content).toMatch(/background: true/);
    expect(gate.calls).toEqual([]);
  });

  it('kills a command at its timeout and says so', async () => {
    const res = await tool().run({ command: 'echo started; sleep 30', timeout: 1 }, makeCtx(dir));
    expect(res.content).toContain('started');
    expect(res.content).toMatch(/timed out after 1s/);
  });

  it('stops when the turn is interrupted', async () => {
    const ctx = makeCtx(dir);
    const run = tool().run({ command: 'echo go; sleep 30' }, ctx);
    setTimeout(() => ctx.abort.abort(), 300);
    const res = await run;
    expect(res.content).toMatch(/interrupted/);
  });

  it('caps long output keeping head and tail', async () => {
    const config = defaultConfig();
    config.terminal.output_max_chars = 2000;
    const res = await tool().run({ command: 'seq 1 20000' }, makeCtx(dir, { config }));
    expect(res.content).toMatch(/^1\n2\n3\n/);
    expect(res.content).toContain('20000');
    expect(res.content).toMatch(/characters omitted; output was 108,894 characters in total/);
    expect((res.item as { output: string }).output.length).toBeLessThanOrEqual(2000);
  });

  it('keeps the working directory between calls and honours workdir', async () => {
    const ctx = makeCtx(dir);
    await tool().run({ command: 'mkdir -p sub && cd sub' }, ctx);
    const res = await tool().run({ command: 'pwd' }, ctx);
    expect(res.content).toContain(join(dir, 'sub'));
    const res2 = await tool().run({ command: 'pwd', workdir: dir }, ctx);
    expect(res2.content.split('\n')[0]).toBe(dir);
    await tool().run({ command: 'pwd', workdir: 'sub' }, ctx);
    expect(gate.calls.at(-1)).toMatchObject({ command: 'pwd', cwd: join(dir, 'sub') });
  });
});

describe('terminal (background)', () => {
  it('checks approval, starts under the registry and returns the process id at once', async () => {
    const ctx = makeCtx(dir);
    const res = await tool().run({ command: 'sleep 0.2; echo done', background: true }, ctx);
    const id = /Started background process (proc_\w+)/.exec(res.content)![1]!;
    expect(ctx.updates).toContainEqual({ processId: id });
    expect(res.item).toEqual({ processId: id });
    expect(gate.calls).toEqual([{ kind: 'command', tool: 'terminal', command: 'sleep 0.2; echo done', cwd: dir, backend: 'local' }]);
    const w = await processes.wait(id, 10_000);
    expect(w.info.exitCode).toBe(0);
    expect(processes.log(id).lines).toEqual(['done']);
  });

  it('does not start a refused background command', async () => {
    gate.deny = () => true;
    const marker = join(dir, 'bg-ran');
    const res = await tool().run({ command: `touch ${marker}`, background: true }, makeCtx(dir));
    expect(res.item).toEqual({ status: 'declined' });
    expect(processes.list()).toEqual([]);
    expect(sandboxes.sandboxes.get('thread-1')!.spawnCalls).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('allows a background timeout above the foreground maximum', async () => {
    const res = await tool().run({ command: 'true', background: true, timeout: 3600 }, makeCtx(dir));
    expect(res.isError).toBeFalsy();
    expect(res.content).toMatch(/Started background process/);
  });
});
