// The OS sandbox under the local backend, verified from inside commands with real bwrap and a real PTY. HOME and
// HERMES_HOME are temporary directories, so nothing real is touched.
import { describe, test, expect, afterAll, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LocalSandbox } from '../../../server/sandbox/local';
import { sandboxDenial } from '../../../server/sandbox/denial';
import { defaultConfig } from '../../../server/config/schema';
import { silentLogger } from '../../../server/util/log';
import type { ProcessHandle } from '../../../server/sandbox/types';

const T = { timeoutMs: 15_000 };
// Not under /tmp or /var/tmp (private inside the sandbox), nor under the checkout, which CI may clone under /tmp:
// the real user's cache folder is seen by the sandbox as it is on the host.
const cacheDir = join(homedir(), '.cache', 'hermes-host-tests');
mkdirSync(cacheDir, { recursive: true });
const root = realpathSync(mkdtempSync(join(cacheDir, 'bwrap-test-')));
const home = join(root, 'home');
const hermesHome = join(home, '.hermes');
const ws = join(root, 'ws');
const SECRET = 'sk-host-secret-must-not-leak';

beforeAll(() => {
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(hermesHome, { recursive: true });
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(home, '.bashrc'), '# original rc\n');
  writeFileSync(join(home, '.profile'), '# original profile\n');
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = me\n');
  writeFileSync(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA original\n');
  writeFileSync(join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY MATERIAL\n');
  writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_secret_access_key=abc\n');
  writeFileSync(join(hermesHome, 'config.yaml'), 'model: original\n');
  writeFileSync(join(hermesHome, '.env'), `OPENAI_API_KEY=${SECRET}\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function make(over: Partial<ReturnType<typeof defaultConfig>['terminal']> = {}, cwd = ws): LocalSandbox {
  const terminal = { ...defaultConfig().terminal, sandbox: 'bwrap' as const, ...over };
  return new LocalSandbox({
    cwd,
    terminal,
    log: silentLogger,
    hermesHome,
    env: { ...process.env, HOME: home, OPENAI_API_KEY: SECRET },
  });
}

function collect(h: ProcessHandle): Promise<{ out: string; code: number | null }> {
  let out = '';
  h.onData((s) => (out += s));
  return new Promise((r) => h.onExit((code) => r({ out, code })));
}

describe('local OS sandbox (bwrap)', () => {
  let sb: LocalSandbox;
  beforeAll(async () => {
    sb = make();
    await sb.start();
  });
  afterAll(() => sb.close());

  test('the shell is confined and says so', () => {
    expect(sb.confinement.confined).toBe(true);
    expect(sb.description).toMatch(/bwrap/);
    expect(sb.confinement.writable).toContain(ws);
  });

  test('cannot write ~/.bashrc or ~/.profile; the files are unchanged on the host', async () => {
    const r = await sb.exec('echo "rm -rf ~" >> ~/.bashrc', T);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/Read-only file system/);
    const r2 = await sb.exec(`printf x > ${home}/.profile`, T);
    expect(r2.exitCode).not.toBe(0);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# original rc\n');
    expect(readFileSync(join(home, '.profile'), 'utf8')).toBe('# original profile\n');
    // …and the detection names it as the sandbox's doing.
    expect(sandboxDenial(r.output, r.exitCode, { confinement: sb.confinement, home, cwd: ws })).toMatch(/read-only/);
  });

  test('cannot write HERMES_HOME/config.yaml; HERMES_HOME/.env is hidden', async () => {
    const r = await sb.exec(`echo 'approvals: {mode: off}' >> ${hermesHome}/config.yaml`, T);
    expect(r.exitCode).not.toBe(0);
    expect(readFileSync(join(hermesHome, 'config.yaml'), 'utf8')).toBe('model: original\n');
    const env = await sb.exec(`cat ${hermesHome}/.env; base64 ${hermesHome}/.env`, T);
    expect(env.output).not.toContain(SECRET);
    expect(env.output).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    expect(env.exitCode).not.toBe(0);
  });

  test('~/.ssh and ~/.aws are hidden: authorized_keys cannot be written, keys cannot be read', async () => {
    const w = await sb.exec('echo "ssh-rsa evil" >> ~/.ssh/authorized_keys', T);
    expect(w.exitCode).not.toBe(0);
    expect(readFileSync(join(home, '.ssh', 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA original\n');
    const n = await sb.exec('ls -A ~/.ssh | wc -l', T);
    expect(n.output.trim()).toBe('0');
    const r = await sb.exec('cat ~/.ssh/id_rsa ~/.aws/credentials', T);
    expect(r.output).not.toContain('PRIVATE KEY');
    expect(r.output).not.toContain('aws_secret');
    expect(sandboxDenial(r.output, r.exitCode, { confinement: sb.confinement, home, cwd: ws })).toMatch(/protects .*\.ssh/);
  });

  test('~/.gitconfig is read-only, not hidden (git keeps working)', async () => {
    const r = await sb.exec('git config --global user.name; git config --global core.hooksPath /tmp/evil', T);
    expect(r.output).toContain('me');
    expect(r.exitCode).not.toBe(0);
    expect(readFileSync(join(home, '.gitconfig'), 'utf8')).not.toContain('hooksPath');
  });

  test("the host's /proc is out of reach: own PID namespace, no host environ, no secret in $PPID's", async () => {
    const r = await sb.exec(
      `cat /proc/${process.pid}/environ >/dev/null 2>&1 && echo HOST-ENVIRON-READ; ls /proc | grep -c '^[0-9]'; tr '\\0' '\\n' < /proc/$PPID/environ; env`,
      T,
    );
    expect(r.output).not.toContain('HOST-ENVIRON-READ');
    expect(r.output).not.toContain(SECRET);
    const pids = Number(r.output.split('\n').find((l) => /^\d+$/.test(l.trim())));
    expect(pids).toBeLessThan(20);
  });

  test('no capabilities inside, even when the host runs as root: / cannot be remounted read-write', async () => {
    const r = await sb.exec("grep CapEff /proc/self/status; mount -o remount,rw / 2>&1; touch /usr/hermes-probe 2>&1", T);
    expect(r.output).toMatch(/CapEff:\s+0+\n/);
    expect(existsSync('/usr/hermes-probe')).toBe(false);
  });

  test('CAN write the workspace (seen on the host) and a private /tmp (not the host /tmp)', async () => {
    const name = `hermes-private-${process.pid}`;
    const r = await sb.exec(`echo built > out.txt && mkdir -p sub && echo t > /tmp/${name} && cat /tmp/${name}`, T);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('t');
    expect(readFileSync(join(ws, 'out.txt'), 'utf8')).toBe('built\n');
    expect(existsSync(join('/tmp', name))).toBe(false);
  });

  test('background processes are confined too, and can write the workspace', async () => {
    const h = await sb.spawn('echo bg >> ~/.bashrc; echo "rc=$?"; echo bg > bg.txt; cat /proc/1/cmdline | tr "\\0" " "', {});
    const { out, code } = await collect(h);
    expect(out).toMatch(/Read-only file system/);
    expect(out).toMatch(/rc=1/);
    expect(code).toBe(0);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# original rc\n');
    expect(readFileSync(join(ws, 'bg.txt'), 'utf8')).toBe('bg\n');
    expect(out).toContain('bwrap');
  });

  test('job control still works inside (^C on a timeout stops only the command, the shell lives on)', async () => {
    await sb.exec('export KEEP=kept', T);
    const r = await sb.exec('sleep 30', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect((await sb.exec('echo $KEEP', T)).output).toBe('kept\n');
  });

  test('execOutside runs one command unconfined with the shell\'s exports, and the shell stays confined', async () => {
    const target = join(root, 'outside.txt');
    await sb.exec('export FROM_SHELL=yes', T);
    const r = await sb.execOutside(`echo "$FROM_SHELL" > ${target}`, { ...T, workdir: ws });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('yes\n');
    const again = await sb.exec(`echo no > ${join(root, 'outside2.txt')}`, T);
    expect(again.exitCode).not.toBe(0);
    expect(existsSync(join(root, 'outside2.txt'))).toBe(false);
  });
  test('nothing a confined command prepares runs outside: the export file is data; PATH, BASH_ENV, LD_* stay behind', async () => {
    const marker = join(root, 'pwned');
    const evil = `#!/bin/sh\ntouch ${marker}\n`;
    await sb.exec(
      `printf '${evil}' > ${ws}/evil.sh && chmod +x ${ws}/evil.sh && mkdir -p ${ws}/bin && cp ${ws}/evil.sh ${ws}/bin/ls && ` +
        `export BASH_ENV=${ws}/evil.sh ENV=${ws}/evil.sh PATH=${ws}/bin:$PATH KEEP_ME=kept`,
      T,
    );
    // A background process rewrites the shell's export file as shell code after the shell saved it.
    const h = await sb.spawn(`sleep 0.2; for f in /tmp/hermes-sh.*/env; do printf 'touch ${marker}\\n' >> "$f"; done; echo rewritten`, {});
    expect((await collect(h)).out).toContain('rewritten');
    const r = await sb.execOutside('ls / >/dev/null; echo "$KEEP_ME ${BASH_ENV:-no-bash-env}"', { ...T, workdir: ws });
    expect(r.output).toContain('kept no-bash-env');
    expect(existsSync(marker)).toBe(false);
    await sb.exec('export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; unset BASH_ENV ENV', T);
  });
});

describe('local OS sandbox: workspace, network and extra paths', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((s) => s.end('hello\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  const connect = () => `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;

  test('network off: a 127.0.0.1 listener on the host is unreachable', async () => {
    const sb = make({ sandbox_network: false });
    try {
      const r = await sb.exec(connect(), T);
      expect(r.exitCode).not.toBe(0);
      expect(r.output).not.toContain('hello');
      expect(sb.confinement.network).toBe(false);
    } finally {
      await sb.close();
    }
  });

  test('network on (the default): the listener answers', async () => {
    const sb = make();
    try {
      const r = await sb.exec(connect(), T);
      expect(r.output).toContain('hello');
    } finally {
      await sb.close();
    }
  });

  test('a workspace that is HOME itself keeps rc files, ~/.ssh and HERMES_HOME protected', async () => {
    const sb = make({}, home);
    try {
      const r = await sb.exec('echo ok > notes.txt && cat notes.txt; echo x >> .bashrc; echo x >> .ssh/authorized_keys; echo x >> .hermes/config.yaml', T);
      expect(r.output).toContain('ok');
      expect(readFileSync(join(home, 'notes.txt'), 'utf8')).toBe('ok\n');
      expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# original rc\n');
      expect(readFileSync(join(home, '.ssh', 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA original\n');
      expect(readFileSync(join(hermesHome, 'config.yaml'), 'utf8')).toBe('model: original\n');
    } finally {
      await sb.close();
    }
  });

  test('terminal.sandbox_writable adds writable paths; others outside the workspace stay read-only', async () => {
    const extra = join(root, 'extra');
    const other = join(root, 'other');
    mkdirSync(extra, { recursive: true });
    mkdirSync(other, { recursive: true });
    const sb = make({ sandbox_writable: [extra] });
    try {
      const r = await sb.exec(`echo e > ${extra}/e.txt; echo o > ${other}/o.txt`, T);
      expect(readFileSync(join(extra, 'e.txt'), 'utf8')).toBe('e\n');
      expect(existsSync(join(other, 'o.txt'))).toBe(false);
      expect(r.output).toMatch(/Read-only file system/);
    } finally {
      await sb.close();
    }
  });

  test("the host's own socket and the user's runtime dir cannot be reached; a socket in the workspace can", async () => {
    const hostSock = join(hermesHome, 'host.sock');
    const wsSock = join(ws, 'app.sock');
    const serve = () => createServer((c) => c.on('error', () => undefined).end('hi\n'));
    const servers = [serve(), serve()];
    await new Promise<void>((r) => servers[0]!.listen(hostSock, () => r()));
    await new Promise<void>((r) => servers[1]!.listen(wsSock, () => r()));
    const sb = make();
    try {
      const probe = (p: string) =>
        `${process.execPath} -e "require('net').connect(process.argv[1]).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log('ERR '+e.code);process.exit(1)})" ${p}`;
      const host = await sb.exec(probe(hostSock), T);
      expect(host.output).not.toContain('CONNECTED');
      const own = await sb.exec(probe(wsSock), T);
      expect(own.output).toContain('CONNECTED');
    } finally {
      await sb.close();
      for (const srv of servers) srv.close();
    }
  });

  test('POSIX sh inside the sandbox reports its own exit status when it exits', async () => {
    const sb = make({ shell: '/bin/sh' });
    try {
      const r = await sb.exec('echo bye; exit 3', T);
      expect(r.exitCode).toBe(3);
      expect((await sb.exec('echo back', T)).output).toContain('back');
    } finally {
      await sb.close();
    }
  });

  test('terminal.sandbox: off runs unconfined', async () => {
    const sb = make({ sandbox: 'off' });
    try {
      const target = join(root, 'unconfined.txt');
      const r = await sb.exec(`echo u > ${target}`, T);
      expect(r.exitCode).toBe(0);
      expect(sb.confinement.confined).toBe(false);
      expect(readFileSync(target, 'utf8')).toBe('u\n');
    } finally {
      await sb.close();
    }
  });

});
