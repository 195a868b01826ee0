// The pure parts of the local OS sandbox: bwrap argument order, sandbox-denial detection, the fallback when bwrap
// cannot work, and the gate's rules for running a command outside the sandbox.
import { describe, expect, test, vi, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bwrapArgs, type BwrapPolicy } from '../../../server/sandbox/bwrap';
import * as bwrap from '../../../server/sandbox/bwrap';
import * as container from '../../../server/sandbox/container';
import { engineHint } from '../../../server/sandbox/container';
import { checkLocalSandbox } from '../../../server/sandbox/doctor-check';
import { localSandboxNote } from '../../../server/sandbox/sandbox-note';
import { sandboxDenial } from '../../../server/sandbox/denial';
import { resolveConfinement } from '../../../server/sandbox/local';
import { defaultConfig } from '../../../server/config/schema';
import { ApprovalBroker } from '../../../server/approval/gate';
import { ApprovalAudit } from '../../../server/approval/audit';
import { openStore } from '../../../server/store';
import { silentLogger } from '../../../server/util/log';
import { makeCtx } from '../tools/helpers/context';
import type { Confinement } from '../../../server/sandbox/types';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-confine-')));
const home = join(dir, 'home');
const hermesHome = join(home, '.hermes');
mkdirSync(join(home, '.ssh'), { recursive: true });
mkdirSync(join(hermesHome, 'skills', 'mine'), { recursive: true });
writeFileSync(join(home, '.bashrc'), '');
writeFileSync(join(hermesHome, 'config.yaml'), '');
writeFileSync(join(hermesHome, '.env'), 'K=v\n');

const policy = (over: Partial<BwrapPolicy> = {}): BwrapPolicy => ({
  bwrap: '/usr/bin/bwrap',
  home,
  hermesHome,
  workspace: join(dir, 'ws'),
  privateTmp: join(dir, 'ptmp'),
  writable: [],
  network: true,
  ...over,
});

/** Index of the mount op whose destination is `path` (the last one, which is the one that wins). */
function lastMount(args: string[], op: string, path: string): number {
  let at = -1;
  for (let i = 0; i < args.length; i++) if (args[i] === op && (args[i + 2] === path || (op === '--tmpfs' && args[i + 1] === path))) at = i;
  return at;
}

describe('bwrapArgs', () => {
  test('a workspace under /tmp is bound after the private /tmp, and protections come after the workspace', () => {
    const ws = join(dir, 'ws');
    mkdirSync(ws, { recursive: true });
    const a = bwrapArgs(policy({ workspace: ws }));
    expect(a.slice(0, 3)).toEqual(['--ro-bind', '/', '/']);
    const tmp = a.indexOf('/tmp') - 2;
    expect(a[tmp]).toBe('--bind');
    expect(lastMount(a, '--bind', ws)).toBeGreaterThan(tmp);
    expect(lastMount(a, '--ro-bind', join(home, '.bashrc'))).toBeGreaterThan(lastMount(a, '--bind', ws));
    expect(a).toContain('--unshare-pid');
    expect(a).toContain('--die-with-parent');
    expect(a).not.toContain('--unshare-net');
    expect(bwrapArgs(policy({ network: false }))).toContain('--unshare-net');
  });

  test('a workspace that is HOME stays writable but its rc files, ~/.ssh and HERMES_HOME are mounted over it', () => {
    const a = bwrapArgs(policy({ workspace: home }));
    const ws = lastMount(a, '--bind', home);
    expect(lastMount(a, '--ro-bind', join(home, '.bashrc'))).toBeGreaterThan(ws);
    expect(lastMount(a, '--tmpfs', join(home, '.ssh'))).toBeGreaterThan(ws);
    expect(lastMount(a, '--ro-bind', hermesHome)).toBeGreaterThan(ws);
  });

  test('a workspace inside HERMES_HOME is writable again, while config.yaml and .env stay protected', () => {
    const ws = join(hermesHome, 'skills', 'mine');
    const a = bwrapArgs(policy({ workspace: ws }));
    expect(lastMount(a, '--bind', ws)).toBeGreaterThan(lastMount(a, '--ro-bind', hermesHome));
    expect(lastMount(a, '--ro-bind', join(hermesHome, 'config.yaml'))).toBeGreaterThan(-1);
    const env = a.findIndex((x, i) => x === '--ro-bind' && a[i + 1] === '/dev/null' && a[i + 2] === join(hermesHome, '.env'));
    expect(env).toBeGreaterThan(-1);
  });

  test('a workspace that is HERMES_HOME itself still cannot write config.yaml', () => {
    const a = bwrapArgs(policy({ workspace: hermesHome }));
    expect(lastMount(a, '--ro-bind', join(hermesHome, 'config.yaml'))).toBeGreaterThan(lastMount(a, '--bind', hermesHome));
  });
});

describe('sandboxDenial', () => {
  const c: Confinement = {
    confined: true,
    writable: ['/w', '/tmp'],
    protected: [join(home, '.ssh'), join(home, '.bashrc'), hermesHome],
    network: false,
  };
  const ctx = { confinement: c, home, cwd: '/w' };

  test('read-only file system anywhere is the sandbox', () => {
    expect(sandboxDenial('bash: /etc/hosts: Read-only file system\n', 1, ctx)).toMatch(/keeps \/etc\/hosts read-only/);
    expect(sandboxDenial("touch: cannot touch '../x': Read-only file system\n", 1, ctx)).toMatch(/read-only/);
    expect(sandboxDenial('Error: EROFS: read-only file system, open \'/opt/a\'\n', 1, ctx)).toMatch(/read-only/);
  });

  test('denied or missing only counts on a protected path (~ forms included)', () => {
    expect(sandboxDenial('cat: ~/.ssh/id_rsa: No such file or directory\n', 1, ctx)).toMatch(/protects .*\.ssh\/id_rsa/);
    expect(sandboxDenial(`cat: ${hermesHome}/.env: Permission denied\n`, 1, ctx)).toMatch(/protects/);
    expect(sandboxDenial('cat: /w/missing.txt: No such file or directory\n', 1, ctx)).toBeUndefined();
    expect(sandboxDenial('bash: /root/x: Permission denied\n', 1, ctx)).toBeUndefined();
  });

  test('no network counts only when the sandbox has none', () => {
    expect(sandboxDenial('curl: (6) Could not resolve host: example.com\n', 6, ctx)).toMatch(/no network/);
    expect(sandboxDenial('curl: (6) Could not resolve host: example.com\n', 6, { ...ctx, confinement: { ...c, network: true } })).toBeUndefined();
  });

  test('success, a kill, or an unconfined shell are never escalations', () => {
    expect(sandboxDenial('Read-only file system\n', 0, ctx)).toBeUndefined();
    expect(sandboxDenial('Read-only file system\n', null, ctx)).toBeUndefined();
    expect(sandboxDenial('Read-only file system\n', 1, { ...ctx, confinement: { ...c, confined: false } })).toBeUndefined();
  });
});

describe('resolveConfinement', () => {
  afterEach(() => vi.restoreAllMocks());

  test('auto without a working bwrap runs unconfined with a loud warning; bwrap refuses; off is silent', () => {
    vi.spyOn(bwrap, 'probeBwrap').mockReturnValue({ ok: false, error: 'bwrap not found (install the bubblewrap package)' });
    vi.spyOn(container, 'containerKind').mockReturnValue(null);
    const t = defaultConfig().terminal;
    const auto = resolveConfinement({ terminal: { ...t, sandbox: 'auto' }, cwd: dir });
    expect(auto.policy).toBeUndefined();
    expect(auto.warning).toMatch(/bwrap not found .*UNCONFINED.*terminal\.sandbox: off/);
    const strict = resolveConfinement({ terminal: { ...t, sandbox: 'bwrap' }, cwd: dir });
    expect(strict.error).toMatch(/terminal\.sandbox is "bwrap" but bwrap not found/);
    expect(resolveConfinement({ terminal: { ...t, sandbox: 'off' }, cwd: dir })).toEqual({});
  });

  test('inside a container, auto without bwrap runs commands in the container with a plain notice (doctor, prompt), not a warning', () => {
    vi.spyOn(bwrap, 'probeBwrap').mockReturnValue({ ok: false, error: 'bwrap not found (install the bubblewrap package)' });
    vi.spyOn(container, 'containerKind').mockReturnValue('docker');
    const t = defaultConfig().terminal;
    const auto = resolveConfinement({ terminal: { ...t, sandbox: 'auto' }, cwd: dir });
    expect(auto).toEqual({ notice: 'running in a docker container: commands run directly in the container, which is their sandbox (no bubblewrap: bwrap not found)' });
    const doctor = checkLocalSandbox({ ...defaultConfig(), terminal: { ...t, sandbox: 'auto' } }, dir, hermesHome);
    expect(doctor).toEqual({ ok: true, advisory: true, detail: auto.notice });
    expect(localSandboxNote({ ...t, sandbox: 'auto' }, dir, hermesHome)).toBe(`Working directory: ${dir}\nCommands run directly in this container: it is the isolation boundary, with no OS sandbox inside it.`);
    // Asking for bwrap explicitly still refuses, container or not.
    expect(resolveConfinement({ terminal: { ...t, sandbox: 'bwrap' }, cwd: dir }).error).toMatch(/terminal\.sandbox is "bwrap" but bwrap not found/);
  });
});

describe('engineHint (docker backend, engine unreachable)', () => {
  test('a socket that exists adds nothing; a missing one in a container says to mount it; outside, to start Docker', () => {
    expect(engineHint('/var/run/docker.sock', () => true, 'docker')).toBe('');
    const inContainer = engineHint('/var/run/docker.sock', () => false, 'docker');
    expect(inContainer).toContain('/var/run/docker.sock does not exist in this container');
    expect(inContainer).toContain('-v /var/run/docker.sock:/var/run/docker.sock');
    expect(inContainer).toContain('terminal.backend: local');
    expect(engineHint('/run/user/1000/docker.sock', () => false, null)).toBe(
      ' — no socket at /run/user/1000/docker.sock: is Docker installed and running? (terminal.docker_socket or DOCKER_HOST name another one)',
    );
  });
});

describe('ApprovalBroker.checkEscalation', () => {
  const store = openStore(join(dir, 'state.db'));
  const broker = (mode: 'manual' | 'off' | 'deny') => {
    const config = defaultConfig();
    config.approvals.mode = mode;
    return new ApprovalBroker({ config: () => config, hermesHome, audit: new ApprovalAudit(store.db), persistAllowlist: () => {}, log: silentLogger });
  };
  const req = { command: 'echo hi > /opt/x', cwd: '/w', backend: 'local', tool: 'terminal', reason: 'the sandbox keeps /opt/x read-only' };

  test('approvals.mode off or deny refuses without asking: the sandbox is not switched off by a policy mode', async () => {
    for (const mode of ['off', 'deny'] as const) {
      // The turn's policy carries the mode (the gate reads it there, not from config).
      const config = defaultConfig();
      config.approvals.mode = mode;
      const ctx = makeCtx('/w', { config });
      const ask = vi.fn();
      ctx.clients.request = ask as never;
      const r = await broker(mode).checkEscalation(ctx, req);
      expect(r.allowed).toBe(false);
      expect(ask).not.toHaveBeenCalled();
    }
  });

  test('asks with exactly what will be allowed; "session" covers only the same command in the same cwd', async () => {
    const b = broker('manual');
    const ctx = makeCtx('/w');
    const asked: any[] = [];
    ctx.clients.request = (async (_m: string, p: any) => {
      asked.push(p);
      return { ok: true, result: { decision: 'session' }, answeredBy: 'test' };
    }) as never;
    expect((await b.checkEscalation(ctx, req)).allowed).toBe(true);
    expect(asked[0]).toMatchObject({
      choices: ['once', 'session', 'deny'],
      escalation: { outsideSandbox: true, summary: 'run once OUTSIDE the sandbox: echo hi > /opt/x in /w' },
    });
    expect((await b.checkEscalation(ctx, req)).allowed).toBe(true);
    expect(asked).toHaveLength(1);
    await b.checkEscalation(ctx, { ...req, cwd: '/other' });
    expect(asked).toHaveLength(2);
    // Another thread does not inherit it.
    await b.checkEscalation(makeCtx('/w', { threadId: 'thread-2' }), req).catch(() => undefined);
    const other = makeCtx('/w', { threadId: 'thread-2' });
    other.clients.request = (async () => ({ ok: true, result: { decision: 'deny' }, answeredBy: 'test' })) as never;
    expect((await b.checkEscalation(other, req)).allowed).toBe(false);
  });

  test('a hard-line command is refused outside the sandbox too', async () => {
    const ctx = makeCtx('/w');
    const ask = vi.fn();
    ctx.clients.request = ask as never;
    const r = await broker('manual').checkEscalation(ctx, { ...req, command: 'rm -rf /' });
    expect(r).toMatchObject({ allowed: false, decision: 'blocked' });
    expect(ask).not.toHaveBeenCalled();
  });
});

describe('parseExports / safeExports', () => {
  test("bash's declare -x with \"…\" and $'…' values, dash's export with '…' splices", async () => {
    const { parseExports } = await import('../../../server/sandbox/export-parse');
    const text =
      'declare -x A="x\\"y\\$z\\`w\\\\v"\n' +
      "declare -x B=$'one\\ntwo\\t\\x41\\101'\n" +
      'declare -x EMPTY=""\n' +
      'declare -x NOVALUE\n' +
      "export C='it'\"'\"'s\nthree'\n" +
      'rm -rf ~\n' +
      'declare -x D="multi\nline"\n';
    expect(parseExports(text)).toEqual({ A: 'x"y$z`w\\v', B: 'one\ntwo\tAA', EMPTY: '', C: "it's\nthree", D: 'multi\nline' });
  });

  test('variables that load code or change the search path never go outside', async () => {
    const { safeExports } = await import('../../../server/sandbox/export-parse');
    expect(
      Object.keys(safeExports({ VIRTUAL_ENV: '/w/.venv', PATH: '/w/bin', LD_PRELOAD: '/w/x.so', BASH_ENV: '/w/x', BASH_FUNC_ls: 'x', NODE_OPTIONS: '-r /w/x', GIT_SSH_COMMAND: 'x', FOO: 'bar' })),
    ).toEqual(['VIRTUAL_ENV', 'FOO']);
  });
});
