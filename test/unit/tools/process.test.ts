import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProcessTool } from '../../../server/tools/process';
import { ProcessRegistry, type FinishedEvent } from '../../../server/tools/process-registry';
import { makeCtx, RecordingGate, tempDir } from './helpers/context';
import { RecordingLocalSandbox } from './helpers/local';

let dir: string;
let sandbox: RecordingLocalSandbox;
let registry: ProcessRegistry;
let gate: RecordingGate;

beforeEach(() => {
  dir = tempDir();
  sandbox = new RecordingLocalSandbox(dir);
  registry = new ProcessRegistry({ killGraceMs: 200 });
  gate = new RecordingGate();
});
afterEach(async () => {
  await registry.stopAll();
  await sandbox.close();
});

const start = (command: string, threadId = 'thread-1') => registry.start(sandbox, { threadId, command, cwd: dir });

/** Polls until `pred` holds (output arrives asynchronously); fails after a generous bound. */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ProcessRegistry', () => {
  it('polls only new output and reports the exit', async () => {
    const p = await start('echo one; read x; echo "got $x"');
    await until(() => registry.get(p.id)!.outputChars >= 4, 'first line');
    expect(registry.poll(p.id).output).toBe('one\n');
    expect(registry.poll(p.id).output).toBe('');
    registry.write(p.id, 'two\n');
    const w = await registry.wait(p.id, 10_000);
    expect(w.timedOut).toBe(false);
    expect(w.info).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(registry.poll(p.id).output).toBe('got two\n');
  });

  it('pages the log by line (1-based offset, default last lines)', async () => {
    const p = await start('seq 1 500');
    await registry.wait(p.id, 10_000);
    const tail = registry.log(p.id);
    expect(tail.lines.length).toBe(200);
    expect(tail.lines[0]).toBe('301');
    expect(tail.firstLine).toBe(301);
    expect(tail.totalLines).toBe(500);
    const page = registry.log(p.id, { offset: 10, limit: 3 });
    expect(page.lines).toEqual(['10', '11', '12']);
  });

  it('keeps a rolling buffer and says what was dropped', async () => {
    const small = new ProcessRegistry({ bufferChars: 1000 });
    const p = await small.start(sandbox, { threadId: 't', command: 'seq 1 5000', cwd: dir });
    await small.wait(p.id, 10_000);
    const poll = small.poll(p.id);
    expect(poll.output.length).toBe(1000);
    expect(poll.output.endsWith('4999\n5000\n')).toBe(true);
    expect(poll.missedChars).toBe(small.get(p.id)!.outputChars - 1000);
    expect(small.log(p.id).truncatedBefore).toBe(true);
  });

  it('wait returns on timeout and on abort without killing', async () => {
    const p = await start('sleep 30');
    const w = await registry.wait(p.id, 100);
    expect(w.timedOut).toBe(true);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const w2 = await registry.wait(p.id, 60_000, ac.signal);
    expect(w2.aborted).toBe(true);
    expect(registry.get(p.id)!.status).toBe('running');
    const k = await registry.kill(p.id);
    expect(k.status).toBe('killed');
  });

  it('kill escalates to SIGKILL when SIGTERM is ignored', async () => {
    const p = await start(`trap '' TERM; echo ready; while :; do sleep 0.05; done`);
    await until(() => registry.get(p.id)!.outputChars > 0, 'trap set');
    const k = await registry.kill(p.id);
    expect(k.status).toBe('killed');
    expect(k.endedAt).toBeDefined();
  });

  it('close sends EOF', async () => {
    const p = await start('cat; echo eof-seen');
    registry.write(p.id, 'abc\n');
    registry.closeStdin(p.id);
    const w = await registry.wait(p.id, 10_000);
    expect(w.info.exitCode).toBe(0);
    expect(registry.poll(p.id).output).toBe('abc\neof-seen\n');
  });

  it('notifies onFinished with thread, command, exit code and tail', async () => {
    const events: FinishedEvent[] = [];
    const off = registry.onFinished((e) => events.push(e));
    const p = await start('echo a; echo b; exit 4');
    await registry.wait(p.id, 10_000);
    expect(events).toEqual([{ processId: p.id, threadId: 'thread-1', command: 'echo a; echo b; exit 4', exitCode: 4, tail: 'a\nb' }]);
    off();
  });

  it('tracks at most maxTracked processes, pruning finished ones least recently used first', async () => {
    const reg = new ProcessRegistry({ maxTracked: 2 });
    const a = await reg.start(sandbox, { threadId: 't', command: 'true', cwd: dir });
    const b = await reg.start(sandbox, { threadId: 't', command: 'true', cwd: dir });
    await reg.wait(a.id, 10_000);
    await reg.wait(b.id, 10_000);
    reg.poll(a.id); // a used more recently than b
    const c = await reg.start(sandbox, { threadId: 't', command: 'sleep 30', cwd: dir });
    expect(reg.list().map((p) => p.id).sort()).toEqual([a.id, c.id].sort());
    const d = await reg.start(sandbox, { threadId: 't', command: 'sleep 30', cwd: dir });
    expect(reg.list().map((p) => p.id).sort()).toEqual([c.id, d.id].sort());
    await expect(reg.start(sandbox, { threadId: 't', command: 'true', cwd: dir })).rejects.toThrow(/too many background processes/);
    await reg.stopAll();
    expect(reg.list().every((p) => p.status !== 'running')).toBe(true);
  });

  it('forgets finished processes after the TTL', async () => {
    let now = 1_000_000;
    const reg = new ProcessRegistry({ finishedTtlMs: 1000, now: () => now });
    const p = await reg.start(sandbox, { threadId: 't', command: 'true', cwd: dir });
    await reg.wait(p.id, 10_000);
    expect(reg.list()).toHaveLength(1);
    now += 1001;
    expect(reg.list()).toHaveLength(0);
  });

  it('hides other threads’ processes', async () => {
    const p = await start('sleep 30', 'other-thread');
    expect(registry.list('thread-1')).toEqual([]);
    expect(() => registry.poll(p.id, 'thread-1')).toThrow(/no background process/);
  });
});

describe('process tool', () => {
  const tool = () => createProcessTool({ processes: registry, approvals: gate });

  it('lists, polls, logs, waits and kills', async () => {
    const ctx = makeCtx(dir);
    const p = await start('echo hi; sleep 30');
    await until(() => registry.get(p.id)!.outputChars > 0, 'output');
    expect((await tool().run({ action: 'list' }, ctx)).content).toContain(`${p.id}  running`);
    const poll = await tool().run({ action: 'poll', process_id: p.id }, ctx);
    expect(poll.content).toMatch(/running/);
    expect(poll.content).toContain('--- new output ---\nhi');
    expect((await tool().run({ action: 'poll', process_id: p.id }, ctx)).content).toContain('(no new output)');
    expect((await tool().run({ action: 'log', process_id: p.id }, ctx)).content).toContain('[lines 1-1 of 1]\nhi');
    const wait = await tool().run({ action: 'wait', process_id: p.id, timeout: 0.1 }, ctx);
    expect(wait.content).toMatch(/still running after 0.1s/);
    const kill = await tool().run({ action: 'kill', process_id: p.id }, ctx);
    expect(kill.content).toMatch(/killed/);
  });

  it('reports unknown ids and missing arguments as errors', async () => {
    const ctx = makeCtx(dir);
    const r1 = await tool().run({ action: 'poll', process_id: 'proc_nope' }, ctx);
    expect(r1).toMatchObject({ isError: true });
    expect(r1.content).toMatch(/no background process with id proc_nope/);
    expect((await tool().run({ action: 'poll' }, ctx)).content).toMatch(/process_id is required/);
    const p = await start('cat');
    expect((await tool().run({ action: 'write', process_id: p.id }, ctx)).content).toMatch(/data is required/);
  });

  it('write and submit go through the approval gate with the whole pending line', async () => {
    const ctx = makeCtx(dir);
    const p = await start('cat');
    await tool().run({ action: 'write', process_id: p.id, data: 'rm -rf ' }, ctx);
    await tool().run({ action: 'submit', process_id: p.id, data: '/tmp/x' }, ctx);
    expect(gate.calls).toEqual([
      { kind: 'command', tool: 'process', command: 'rm -rf ', cwd: dir, backend: 'local' },
      { kind: 'command', tool: 'process', command: 'rm -rf /tmp/x', cwd: dir, backend: 'local' },
    ]);
    await until(() => registry.get(p.id)!.outputChars >= 14, 'echo from cat');
    expect(registry.poll(p.id).output).toBe('rm -rf /tmp/x\n');
  });

  it('a refused write never reaches the process', async () => {
    gate.deny = (c) => c.command?.includes('danger') ?? false;
    const ctx = makeCtx(dir);
    const p = await start('cat');
    const res = await tool().run({ action: 'submit', process_id: p.id, data: 'danger' }, ctx);
    expect(res).toMatchObject({ isError: true, item: { status: 'declined' } });
    await tool().run({ action: 'submit', process_id: p.id, data: 'fine' }, ctx);
    await tool().run({ action: 'close', process_id: p.id }, ctx);
    await registry.wait(p.id, 10_000);
    expect(registry.log(p.id).lines).toEqual(['fine']);
  });

  it('wait is cut short by the turn signal', async () => {
    const ctx = makeCtx(dir);
    const p = await start('sleep 30');
    setTimeout(() => ctx.abort.abort(), 50);
    const res = await tool().run({ action: 'wait', process_id: p.id, timeout: 600 }, ctx);
    expect(res.content).toMatch(/wait interrupted; the process keeps running/);
  });
});
