// The Sandbox contract, run against every backend (local.test.ts, docker.test.ts, ssh.test.ts call it with their
// own setup, so the three backends run in parallel workers). Everything here goes through the public Sandbox API.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import type { ExecOptions, ProcessHandle, Sandbox } from '../../../server/sandbox/types';
import { fsErrorCode } from '../../../server/sandbox/errors';

export interface ContractSetup {
  kind: Sandbox['kind'];
  /** A fresh sandbox. */
  make(): Promise<Sandbox>;
  /** A writable directory inside the sandbox, unique to this run. */
  scratch: string;
}

const T: ExecOptions = { timeoutMs: 15_000 };

function collect(h: ProcessHandle) {
  let out = '';
  const listeners: (() => void)[] = [];
  h.onData((s) => {
    out += s;
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal?: string }>((r) => h.onExit((code, signal) => r({ code, signal })));
  return {
    text: () => out,
    exited,
    /** Resolves once the output contains `s` (fails the test after 15 s). */
    waitFor: (s: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => out.includes(s) && resolve();
        listeners.push(check);
        check();
        setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(s)}; got ${JSON.stringify(out)}`)), 15_000);
      }),
  };
}

export function contractSuite(name: string, setup: () => Promise<ContractSetup>, teardown?: () => Promise<void>) {
  describe(`sandbox contract: ${name}`, () => {
    let env: ContractSetup;
    let sb: Sandbox;
    let dir: string;

    beforeAll(async () => {
      env = await setup();
      sb = await env.make();
      dir = env.scratch;
      const r = await sb.exec(`mkdir -p '${dir}' && cd '${dir}'`, T);
      expect(r.exitCode).toBe(0);
    });

    afterAll(async () => {
      await sb?.close();
      await teardown?.();
    });

    test('kind, description, home and the sandbox marker variable', async () => {
      expect(sb.kind).toBe(env.kind);
      expect(sb.description.length).toBeGreaterThan(0);
      expect(sb.home().startsWith('/')).toBe(true);
      const r = await sb.exec('echo "$HERMES_SANDBOX"', T);
      expect(r.output).toBe(`${env.kind}\n`);
    });

    test('exec returns output and exit codes', async () => {
      const ok = await sb.exec('echo hello', T);
      expect(ok).toMatchObject({ output: 'hello\n', exitCode: 0, timedOut: false, interrupted: false });
      expect((await sb.exec('false', T)).exitCode).toBe(1);
      expect((await sb.exec("sh -c 'exit 7'", T)).exitCode).toBe(7);
      const err = await sb.exec('echo out; echo err >&2; exit 3', T);
      expect(err.output).toContain('out\n');
      expect(err.output).toContain('err\n');
      expect(err.exitCode).toBe(3);
    });

    test('cwd, exported and plain variables persist between calls', async () => {
      const a = await sb.exec(`mkdir -p '${dir}/p1' && cd '${dir}/p1' && export HERMES_T=42 && PLAIN=7`, T);
      expect(a.cwd).toBe(`${dir}/p1`);
      expect(sb.cwd()).toBe(`${dir}/p1`);
      const b = await sb.exec('echo "$HERMES_T $PLAIN"; pwd', T);
      expect(b.output).toBe(`42 7\n${dir}/p1\n`);
      const c = await sb.exec(`cd '${dir}'`, T);
      expect(c.cwd).toBe(dir);
    });

    test('workdir changes directory first and the change persists', async () => {
      await sb.exec(`mkdir -p '${dir}/wd'`, T);
      const r = await sb.exec('pwd', { ...T, workdir: `${dir}/wd` });
      expect(r.output).toBe(`${dir}/wd\n`);
      expect(r.cwd).toBe(`${dir}/wd`);
      const rel = await sb.exec('pwd', { ...T, workdir: '..' });
      expect(rel.output).toBe(`${dir}\n`);
      const bad = await sb.exec('echo never', { ...T, workdir: `${dir}/missing` });
      expect(bad.exitCode).not.toBe(0);
      expect(bad.output).not.toContain('never');
      expect(sb.cwd()).toBe(dir);
    });

    test('a sourced activate script (venv-like) keeps PATH, variables and functions', async () => {
      await sb.writeFile(
        `${dir}/venv/bin/activate`,
        [
          `VIRTUAL_ENV='${dir}/venv'`,
          'export VIRTUAL_ENV',
          '_OLD_PATH="$PATH"',
          'PATH="$VIRTUAL_ENV/bin:$PATH"',
          'export PATH',
          'deactivate() { PATH="$_OLD_PATH"; export PATH; unset VIRTUAL_ENV; unset -f deactivate; }',
          '',
        ].join('\n'),
      );
      await sb.writeFile(`${dir}/venv/bin/fakepy`, '#!/bin/sh\necho "fake python from $VIRTUAL_ENV"\n', { mode: 0o755 });
      expect((await sb.exec('. venv/bin/activate', T)).exitCode).toBe(0);
      const r = await sb.exec('fakepy', T);
      expect(r.output).toBe(`fake python from ${dir}/venv\n`);
      const d = await sb.exec('deactivate; command -v fakepy || echo gone', T);
      expect(d.output).toBe('gone\n');
    });

    test('output without a trailing newline, multi-line commands and heredocs', async () => {
      expect((await sb.exec('printf abc', T)).output).toBe('abc');
      expect((await sb.exec("printf '<<herm'", T)).output).toBe('<<herm');
      expect((await sb.exec('echo one\necho two', T)).output).toBe('one\ntwo\n');
      const h = await sb.exec("cat <<'EOF'\nline 1\n  'quoted' \"x\" $HOME \\ %s\nEOF", T);
      expect(h.output).toBe("line 1\n  'quoted' \"x\" $HOME \\ %s\n");
      const long = 'y'.repeat(20_000);
      expect((await sb.exec(`echo ${long} | wc -c`, T)).output.trim()).toBe('20001');
      const syntax = await sb.exec('if then fi', T);
      expect(syntax.exitCode).not.toBe(0);
      expect((await sb.exec('echo after-syntax-error', T)).output).toBe('after-syntax-error\n');
    });

    test('marker-like output is kept as output', async () => {
      const fake = '<<hermes:0123456789abcdef:E0\\037/x<<hermes:0123456789abcdef:.';
      const r = await sb.exec(`printf '${fake}'; echo; echo after`, T);
      expect(r.output).toBe('<<hermes:0123456789abcdef:E0\x1f/x<<hermes:0123456789abcdef:.\nafter\n');
      expect(r.exitCode).toBe(0);
      expect(r.cwd).toBe(dir);
    });

    test('UTF-8 across chunk boundaries and large output', async () => {
      const r = await sb.exec("yes 'é€😀' | head -n 20000", T);
      expect(r.output).toBe('é€😀\n'.repeat(20000));
      const chunks: string[] = [];
      const big = await sb.exec("head -c 300000 /dev/zero | tr '\\000' x", { ...T, onOutput: (c) => chunks.push(c) });
      expect(big.output).toBe('x'.repeat(300000));
      expect(chunks.join('')).toBe(big.output);
    });

    test('without pty: stdin is /dev/null and stdout is no tty; with pty: a terminal', async () => {
      const r = await sb.exec('[ -t 0 ] || echo stdin-not-tty; [ -t 1 ] || echo stdout-not-tty; cat; echo done', T);
      expect(r.output).toBe('stdin-not-tty\nstdout-not-tty\ndone\n');
      const p = await sb.exec('[ -t 1 ] && echo stdout-is-tty', { ...T, pty: true });
      expect(p.output).toBe('stdout-is-tty\n');
      expect((await sb.exec('echo back', T)).output).toBe('back\n');
    });

    test('a timeout kills the command and the shell stays usable with its state', async () => {
      await sb.exec('export KEEP_ME=still-here', T);
      const r = await sb.exec('echo before; sleep 30; echo after', { timeoutMs: 1500 });
      expect(r.timedOut).toBe(true);
      expect(r.output).toContain('before');
      expect(r.output).not.toContain('after');
      const loop = await sb.exec('while true; do sleep 1; done; echo after-loop', { timeoutMs: 500 });
      expect(loop.timedOut).toBe(true);
      expect(loop.output).not.toContain('after-loop');
      const next = await sb.exec('echo "$KEEP_ME"; pwd', T);
      expect(next.output).toBe(`still-here\n${dir}\n`);
    });

    test('abort interrupts the running command (also one that ignores SIGINT)', async () => {
      for (const cmd of ['echo started; sleep 30; echo not-reached', `sh -c 'trap "" INT; echo started; sleep 30; echo not-reached'`]) {
        const ac = new AbortController();
        const r = await sb.exec(cmd, {
          ...T,
          signal: ac.signal,
          onOutput: (c) => c.includes('started') && ac.abort(),
        });
        expect(r.interrupted).toBe(true);
        expect(r.timedOut).toBe(false);
        expect(r.output).toContain('started');
        expect(r.output).not.toContain('not-reached');
        expect((await sb.exec('echo usable', T)).output).toBe('usable\n');
      }
      const pre = new AbortController();
      pre.abort();
      const skipped = await sb.exec('echo should-not-run', { ...T, signal: pre.signal });
      expect(skipped.interrupted).toBe(true);
      expect(skipped.output).not.toContain('should-not-run');
    });

    test('a shell that ignores SIGINT while looping is killed and replaced', async () => {
      const ac = new AbortController();
      const r = await sb.exec("trap '' INT; echo looping; while :; do :; done", {
        ...T,
        signal: ac.signal,
        onOutput: (c) => c.includes('looping') && ac.abort(),
      });
      expect(r.interrupted).toBe(true);
      expect(r.output).toContain('shell was killed');
      const n = await sb.exec('echo replaced', T);
      expect(n.output).toContain('new shell');
      expect(n.output).toMatch(/replaced\n$/);
      await sb.exec(`cd '${dir}'`, T);
    });

    test('commands are serialised', async () => {
      const [a, b, c] = await Promise.all([
        sb.exec('sleep 0.3; echo A', T),
        sb.exec('echo B', T),
        sb.exec('cd / && echo C', T),
      ]);
      expect([a.output, b.output, c.output]).toEqual(['A\n', 'B\n', 'C\n']);
      expect(a.cwd).toBe(dir);
      expect(c.cwd).toBe('/');
      await sb.exec(`cd '${dir}'`, T);
    });

    test('spawn: output, write, closeStdin, exit code, pid', async () => {
      const h = await sb.spawn('echo ready; read line; echo "got:$line"; cat; exit 5', {});
      const c = collect(h);
      expect(typeof h.pid).toBe('number');
      await c.waitFor('ready');
      h.write('hello\n');
      await c.waitFor('got:hello');
      h.write('more\n');
      await c.waitFor('more');
      h.closeStdin();
      expect((await c.exited).code).toBe(5);
      expect(c.text()).toBe('ready\ngot:hello\nmore\n');
    });

    test('spawn: kill ends the process tree; env and cwd come from the shell', async () => {
      const h = await sb.spawn('echo up; sleep 60; echo not-reached', {});
      const c = collect(h);
      await c.waitFor('up');
      h.kill();
      const ex = await c.exited;
      expect(ex.code === 0).toBe(false);
      expect(c.text()).not.toContain('not-reached');
      await sb.exec(`export SPAWN_SEES=yes; mkdir -p '${dir}/sp'`, T);
      const e = await sb.spawn('echo "$SPAWN_SEES"; pwd', { workdir: 'sp' });
      const ce = collect(e);
      expect((await ce.exited).code).toBe(0);
      expect(ce.text()).toBe(`yes\n${dir}/sp\n`);
    });

    test('spawn with a pty sees a terminal', async () => {
      const h = await sb.spawn('[ -t 1 ] && echo is-tty', { pty: true });
      const c = collect(h);
      expect((await c.exited).code).toBe(0);
      expect(c.text()).toContain('is-tty');
    });

    test('file operations: write/read (binary), stat, readdir, mkdir, remove, realpath', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await sb.writeFile(`${dir}/fs/deep/bin.dat`, bytes);
      expect((await sb.readFile(`${dir}/fs/deep/bin.dat`)).equals(bytes)).toBe(true);
      await sb.writeFile('fs/text.txt', 'héllo\n');
      expect((await sb.readFile(`${dir}/fs/text.txt`)).toString()).toBe('héllo\n');
      const st = await sb.stat(`${dir}/fs/deep/bin.dat`);
      expect(st).toMatchObject({ type: 'file', size: 256 });
      expect(st!.mtimeMs).toBeGreaterThan(0);
      expect((await sb.stat(`${dir}/fs/deep`))!.type).toBe('dir');
      expect(await sb.stat(`${dir}/fs/missing`)).toBeNull();
      await sb.exec(`ln -s text.txt '${dir}/fs/link'`, T);
      expect((await sb.stat(`${dir}/fs/link`))!.type).toBe('symlink');
      expect(await sb.realpath(`${dir}/fs/link`)).toBe(`${dir}/fs/text.txt`);
      expect(await sb.realpath('fs/deep/../text.txt')).toBe(`${dir}/fs/text.txt`);
      const names = (await sb.readdir(`${dir}/fs`)).sort((a, b) => a.name.localeCompare(b.name));
      expect(names).toEqual([
        { name: 'deep', type: 'dir' },
        { name: 'link', type: 'symlink' },
        { name: 'text.txt', type: 'file' },
      ]);
      await sb.mkdir(`${dir}/fs/a/b/c`, { recursive: true });
      await sb.mkdir(`${dir}/fs/a/b/c`, { recursive: true });
      await expect(sb.mkdir(`${dir}/fs/a`)).rejects.toSatisfy((e) => fsErrorCode(e) === 'EEXIST');
      await expect(sb.mkdir(`${dir}/fs/x/y`)).rejects.toSatisfy((e) => fsErrorCode(e) === 'ENOENT');
      await expect(sb.readFile(`${dir}/fs/nope`)).rejects.toSatisfy((e) => fsErrorCode(e) === 'ENOENT');
      await expect(sb.readFile(`${dir}/fs/deep`)).rejects.toSatisfy((e) => fsErrorCode(e) === 'EISDIR');
      await expect(sb.readdir(`${dir}/fs/nope`)).rejects.toSatisfy((e) => fsErrorCode(e) === 'ENOENT');
      await expect(sb.realpath(`${dir}/fs/nope`)).rejects.toSatisfy((e) => fsErrorCode(e) === 'ENOENT');
      await sb.remove(`${dir}/fs/a`);
      expect(await sb.stat(`${dir}/fs/a`)).toBeNull();
      await sb.remove(`${dir}/fs/never-existed`);
      await expect(sb.remove('/')).rejects.toThrow(/refusing/);
    });

    test('writeFile keeps an existing mode, applies an explicit one, and writes through symlinks', async () => {
      await sb.writeFile(`${dir}/m/run.sh`, '#!/bin/sh\necho v1\n', { mode: 0o755 });
      expect((await sb.stat(`${dir}/m/run.sh`))!.mode).toBe(0o755);
      await sb.writeFile(`${dir}/m/run.sh`, '#!/bin/sh\necho v2\n');
      expect((await sb.stat(`${dir}/m/run.sh`))!.mode).toBe(0o755);
      expect((await sb.exec(`'${dir}/m/run.sh'`, T)).output).toBe('v2\n');
      await sb.exec(`ln -sf run.sh '${dir}/m/alias'`, T);
      await sb.writeFile(`${dir}/m/alias`, '#!/bin/sh\necho v3\n');
      expect((await sb.stat(`${dir}/m/alias`))!.type).toBe('symlink');
      expect((await sb.readFile(`${dir}/m/run.sh`)).toString()).toContain('v3');
      const left = (await sb.readdir(`${dir}/m`)).map((e) => e.name).sort();
      expect(left).toEqual(['alias', 'run.sh']);
    });

    test('a shell that exits is restarted on the next exec, with a note', async () => {
      await sb.exec(`cd '${dir}' && export GONE=1`, T);
      const r = await sb.exec('echo bye; exit 3', T);
      expect(r.exitCode).toBe(3);
      expect(r.output).toContain('bye');
      expect(r.output).toContain('the next command starts a new shell');
      const n = await sb.exec('echo "${GONE:-unset}"; pwd', T);
      expect(n.output).toContain('new shell');
      expect(n.output).toMatch(new RegExp(`unset\\n${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
      expect(n.exitCode).toBe(0);
      const killed = await sb.exec('kill -9 $$', T);
      expect(killed.output).toContain('new shell');
      expect((await sb.exec('echo alive', T)).output).toContain('alive\n');
    });
  });
}
