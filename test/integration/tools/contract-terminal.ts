// The terminal and process tools on one backend: foreground commands (output, exit codes and their meaning, state
// kept between calls, workdir, timeout, interrupt, capped output) and background processes driven through the
// process tool (list, poll, log, wait, write, submit, close, kill) plus the finish notification.
import { afterAll, describe, expect, test } from 'vitest';
import type { FinishedEvent } from '../../../server/tools/process-registry';
import type { ToolResult } from '../../../server/tools/types';
import type { Scene, ToolHarness } from './harness';

const startedId = (res: ToolResult): string => {
  const m = /Started background process (proc_\w+)/.exec(res.content);
  if (!m) throw new Error(`no process id in: ${res.content}`);
  return m[1]!;
};

const NEW = '--- new output ---\n';

/** Polls the process tool until the new output seen so far contains `text` (output arrives asynchronously);
 * returns that output. */
async function pollUntil(h: ToolHarness, s: Scene, id: string, text: string): Promise<string> {
  let seen = '';
  for (let i = 0; i < 300; i++) {
    const poll = (await s.call(h.process, { action: 'poll', process_id: id })).content;
    if (poll.includes(NEW)) seen += poll.slice(poll.indexOf(NEW) + NEW.length);
    if (seen.includes(text)) return seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${id} never printed ${JSON.stringify(text)}; its output:\n${seen}`);
}

/** The log's lines without its header (which repeats the command). */
const logLines = (content: string) => content.split('\n').slice(2);

export function terminalContract(h: () => ToolHarness): void {
  describe('terminal (foreground)', () => {
    afterAll(() => h().releaseThreads());
    test('output, streamed deltas, exit code and the backend on the item', async () => {
      const s = await h().scene('fg-output');
      const res = await s.call(h().terminal, { command: 'echo hello; echo oops >&2; echo "$HERMES_SANDBOX"; (exit 3)' });
      expect(res.content).toBe(`hello\noops\n${h().backend.kind}\n\n[exit code 3]`);
      expect(res.item).toMatchObject({ exitCode: 3, output: `hello\noops\n${h().backend.kind}\n` });
      expect(s.ctx.outputs.join('')).toContain('hello');
      expect(s.ctx.updates[0]).toEqual({ backend: h().backend.kind, cwd: s.dir });
      const id = await s.call(h().terminal, { command: 'id -u' });
      expect(id.content).toBe(`${h().backend.uid}\n\n[exit code 0]`);
    });

    test('non-error exit codes are explained', async () => {
      const s = await h().scene('fg-meaning');
      await s.put('f.txt', 'abc\n');
      expect((await s.call(h().terminal, { command: 'grep zzz f.txt' })).content).toBe(
        '(no output)\n\n[exit code 1: no lines matched (not an error)]',
      );
      expect((await s.call(h().terminal, { command: '[ -f missing.txt ]' })).content).toContain(
        '[exit code 1: the condition is false (not an error)]',
      );
      const nf = await s.call(h().terminal, { command: 'no_such_command_xyz' });
      expect(nf.content).toMatch(/no_such_command_xyz: (command )?not found/);
      expect(nf.content).toContain('[exit code 127: command not found]');
      expect(nf.item).toMatchObject({ exitCode: 127 });
    });

    test('cwd and exported variables persist between calls; workdir moves the shell', async () => {
      const s = await h().scene('fg-state');
      await s.call(h().terminal, { command: 'mkdir -p sub/deeper && cd sub && export HERMES_KEEP=42' });
      expect((await s.call(h().terminal, { command: 'pwd; echo "$HERMES_KEEP"' })).content).toBe(
        `${s.at('sub')}\n42\n\n[exit code 0]`,
      );
      // workdir is relative to the shell's cwd, is what the gate sees, and the shell stays there afterwards.
      const w = await s.call(h().terminal, { command: 'pwd', workdir: 'deeper' });
      expect(w.content.split('\n')[0]).toBe(s.at('sub/deeper'));
      expect(h().gate.calls.at(-1)).toMatchObject({ kind: 'command', command: 'pwd', cwd: s.at('sub/deeper'), backend: h().backend.kind });
      expect((await s.call(h().terminal, { command: 'pwd' })).content.split('\n')[0]).toBe(s.at('sub/deeper'));
      const abs = await s.call(h().terminal, { command: 'pwd', workdir: s.dir });
      expect(abs.content.split('\n')[0]).toBe(s.dir);
      expect(s.sb.cwd()).toBe(s.dir);
    });

    test('pty: true attaches a terminal; by default stdin is not one', async () => {
      const s = await h().scene('fg-pty');
      const probe = 'if [ -t 0 ] && [ -t 1 ]; then echo tty; else echo no-tty; fi';
      expect((await s.call(h().terminal, { command: probe, pty: true })).content).toBe('tty\n\n[exit code 0]');
      expect((await s.call(h().terminal, { command: probe })).content).toBe('no-tty\n\n[exit code 0]');
    });

    test('a command past its timeout is killed, and the shell keeps its state', async () => {
      const s = await h().scene('fg-timeout');
      await s.call(h().terminal, { command: 'export SURVIVES=yes' });
      const res = await s.call(h().terminal, { command: 'echo started; sleep 30', timeout: 1 });
      expect(res.content).toMatch(/^started\n/);
      expect(res.content).toContain('[timed out after 1s and was killed; for long-running commands use background: true]');
      expect((await s.call(h().terminal, { command: 'echo "$SURVIVES"' })).content).toBe('yes\n\n[exit code 0]');
    });

    test('an interrupted turn stops the command', async () => {
      const s = await h().scene('fg-abort');
      const run = s.call(h().terminal, { command: 'echo go; sleep 30' });
      await until(() => s.ctx.outputs.join('').includes('go'), 'first output');
      s.ctx.abort.abort();
      const res = await run;
      expect(res.content).toContain('[interrupted by the user]');
    });

    test('long output is capped, keeping head and tail and the total size', async () => {
      const config = structuredClone(h().config);
      config.terminal.output_max_chars = 2000;
      const s = await h().scene('fg-cap', config);
      const res = await s.call(h().terminal, { command: 'seq 1 20000' });
      expect(res.content).toMatch(/^1\n2\n3\n/);
      expect(res.content).toMatch(/\n19999\n20000\n\n\[exit code 0\]$/);
      expect(res.content).toContain('characters omitted; output was 108,894 characters in total');
      expect((res.item as { output: string }).output.length).toBeLessThanOrEqual(2000);
      // The stream carried everything; only what the model sees is capped.
      expect(s.ctx.outputs.join('').length).toBe(108_894);
    });
  });

  describe('terminal (background) and the process tool', () => {
    afterAll(() => h().releaseThreads());
    test('submit and poll: a process that reads a line and answers', async () => {
      const s = await h().scene('bg-submit');
      const res = await s.call(h().terminal, { command: 'echo ready; read x; echo "got $x"', background: true });
      const id = startedId(res);
      expect(s.ctx.updates).toContainEqual({ processId: id });
      expect((await s.call(h().process, { action: 'list' })).content).toMatch(new RegExp(`^${id}  running  \\d+s  pid \\d+  echo ready`));
      expect(await pollUntil(h(), s, id, 'ready')).toBe('ready\n');
      expect((await s.call(h().process, { action: 'poll', process_id: id })).content).toContain('(no new output)');
      const sent = await s.call(h().process, { action: 'submit', process_id: id, data: 'two' });
      expect(sent.content).toBe(`Sent 4 characters to the stdin of ${id}. Poll to see its response.`);
      const w = await s.call(h().process, { action: 'wait', process_id: id, timeout: 20 });
      expect(w.content).toMatch(new RegExp(`^Process ${id} exited with code 0 after`));
      expect(w.content).toContain('got two');
      expect((await s.call(h().process, { action: 'list' })).content).toMatch(new RegExp(`^${id}  exit 0 `));
      // The gate saw the background command and the submitted line.
      expect(h().gate.calls.filter((c) => c.tool === 'process').at(-1)).toMatchObject({ command: 'two', backend: h().backend.kind, cwd: s.dir });
    });

    test('write without a newline, then close (EOF) ends a reader', async () => {
      const s = await h().scene('bg-close');
      const id = startedId(await s.call(h().terminal, { command: 'cat; echo eof-seen', background: true }));
      await s.call(h().process, { action: 'write', process_id: id, data: 'abc' });
      await s.call(h().process, { action: 'write', process_id: id, data: 'def\n' });
      expect(h().gate.calls.slice(-2).map((c) => c.command)).toEqual(['abc', 'abcdef']);
      expect((await s.call(h().process, { action: 'close', process_id: id })).content).toBe(`Closed the stdin of ${id} (EOF).`);
      const w = await s.call(h().process, { action: 'wait', process_id: id, timeout: 20 });
      expect(w.content).toMatch(/exited with code 0/);
      expect((await s.call(h().process, { action: 'log', process_id: id })).content).toMatch(/\[lines 1-2 of 2\]\nabcdef\neof-seen$/);
    });

    test('log pages by line; wait reports a process still running; kill stops it', async () => {
      const s = await h().scene('bg-log');
      const seq = startedId(await s.call(h().terminal, { command: 'seq 1 500', background: true }));
      expect((await s.call(h().process, { action: 'wait', process_id: seq, timeout: 20 })).content).toMatch(/exited with code 0/);
      const tail = await s.call(h().process, { action: 'log', process_id: seq });
      expect(tail.content).toContain('[lines 301-500 of 500]\n301\n302\n');
      expect(tail.content).toMatch(/\n500$/);
      expect((await s.call(h().process, { action: 'log', process_id: seq, offset: 10, limit: 3 })).content).toMatch(
        /\[lines 10-12 of 500\]\n10\n11\n12$/,
      );

      const sleeper = startedId(await s.call(h().terminal, { command: 'echo sleeping; sleep 30; echo never', background: true }));
      await pollUntil(h(), s, sleeper, 'sleeping');
      const w = await s.call(h().process, { action: 'wait', process_id: sleeper, timeout: 0.3 });
      expect(w.content).toMatch(/still running after 0.3s/);
      const k = await s.call(h().process, { action: 'kill', process_id: sleeper });
      const signal = h().backend.killSignal ? ' \\(SIGTERM\\)' : '';
      expect(k.content).toMatch(new RegExp(`^Process ${sleeper} killed${signal} after \\d+s: echo sleeping`));
      expect(logLines((await s.call(h().process, { action: 'log', process_id: sleeper })).content)).toEqual(['sleeping']);
      const afterKill = await s.call(h().process, { action: 'submit', process_id: sleeper, data: 'x' });
      expect(afterKill).toMatchObject({ isError: true });
      expect(afterKill.content).toMatch(/has already ended/);
    });

    test('a background process starts in workdir with the shell’s exported variables, and its exit is announced', async () => {
      const s = await h().scene('bg-env');
      const events: FinishedEvent[] = [];
      const off = h().processes.onFinished((e) => events.push(e));
      try {
        await s.call(h().terminal, { command: 'mkdir -p job && export JOB_FLAVOUR=plum' });
        const id = startedId(await s.call(h().terminal, { command: 'pwd; echo "$JOB_FLAVOUR"; exit 4', background: true, workdir: 'job' }));
        const w = await s.call(h().process, { action: 'wait', process_id: id, timeout: 20 });
        expect(w.content).toMatch(/exited with code 4/);
        const ev = events.find((e) => e.processId === id);
        expect(ev).toEqual({ processId: id, threadId: s.threadId, command: 'pwd; echo "$JOB_FLAVOUR"; exit 4', exitCode: 4, tail: `${s.at('job')}\nplum` });
      } finally {
        off();
      }
    });

    test('another thread cannot see or drive the process', async () => {
      const s = await h().scene('bg-own');
      const other = await h().scene('bg-other');
      const id = startedId(await s.call(h().terminal, { command: 'sleep 30', background: true }));
      expect((await other.call(h().process, { action: 'list' })).content).toBe('No background processes in this thread.');
      const poke = await other.call(h().process, { action: 'kill', process_id: id });
      expect(poke).toMatchObject({ isError: true });
      expect(poke.content).toContain(`no background process with id ${id}`);
      expect((await s.call(h().process, { action: 'kill', process_id: id })).content).toMatch(/killed/);
    });
  });
}

async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
