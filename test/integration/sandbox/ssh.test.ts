// The SSH backend against a real, throwaway OpenSSH server on 127.0.0.1: the shared contract, known_hosts checking
// (unknown, changed, hashed and revoked keys), reconnect after a dropped connection and after a server restart.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshSandbox } from '../../../server/sandbox/ssh';
import type { SshTarget } from '../../../server/sandbox/ssh-connection';
import { createSandboxManager } from '../../../server/sandbox/manager';
import { fingerprint, parseKnownHosts, verifyHostKey, entryMatches } from '../../../server/sandbox/known-hosts';
import { defaultConfig, type HermesConfig } from '../../../server/config/schema';
import { silentLogger } from '../../../server/util/log';
import { startSshd, type Sshd } from '../../support/sshd';
import { contractSuite } from './contract';

const T = { timeoutMs: 15_000 };
let sshd: Sshd | undefined;
let starting: Promise<Sshd> | undefined;
const scratchRoot = mkdtempSync(join(tmpdir(), 'hermes-ssh-scratch-'));
const work = mkdtempSync(join(tmpdir(), 'hermes-ssh-test-'));

const server = () => (starting ??= startSshd().then((s) => (sshd = s)));

function target(over: Partial<SshTarget> = {}): SshTarget {
  const s = sshd!;
  return { host: s.host, port: s.port, username: s.user, keyPath: s.keyPath, knownHostsPath: s.knownHostsPath, ...over };
}

function terminal(over: Partial<HermesConfig['terminal']> = {}): HermesConfig['terminal'] {
  const s = sshd!;
  return {
    ...defaultConfig().terminal,
    backend: 'ssh',
    ssh_host: s.host,
    ssh_port: s.port,
    ssh_user: s.user,
    ssh_key: s.keyPath,
    ssh_known_hosts: s.knownHostsPath,
    ...over,
  };
}

afterAll(async () => {
  await sshd?.stop();
  rmSync(scratchRoot, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

contractSuite('ssh', async () => {
  await server();
  return {
    kind: 'ssh',
    scratch: join(scratchRoot, 'contract'),
    make: () => SshSandbox.create({ terminal: terminal(), log: silentLogger }),
  };
});

describe('ssh host key checking', () => {
  beforeAll(server);

  const hostKeyBlob = () => Buffer.from(sshd!.hostPublicKey.split(' ')[1]!, 'base64');

  test('an unknown host is refused, naming host and fingerprint', async () => {
    const empty = join(work, 'empty_known_hosts');
    writeFileSync(empty, '# nothing here\n');
    const err = await SshSandbox.create({ terminal: terminal(), target: target({ knownHostsPath: empty }), log: silentLogger }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`[127.0.0.1]:${sshd!.port} is not a known host`);
    expect((err as Error).message).toContain(fingerprint(hostKeyBlob()));
  });

  test('a changed host key is refused', async () => {
    const other = join(work, 'otherkey');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const kh = join(work, 'changed_known_hosts');
    const otherPub = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(kh, `[127.0.0.1]:${sshd!.port} ${otherPub}\n`);
    const err = await SshSandbox.create({ terminal: terminal(), target: target({ knownHostsPath: kh }), log: silentLogger }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/host key of \[127\.0\.0\.1\]:\d+ has changed/);
    expect((err as Error).message).toContain(fingerprint(hostKeyBlob()));
  });

  test('a hashed known_hosts entry (ssh-keygen -H) is accepted', async () => {
    const kh = join(work, 'hashed_known_hosts');
    copyFileSync(sshd!.knownHostsPath, kh);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', kh]);
    const text = readFileSync(kh, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    expect(text).not.toContain('127.0.0.1');
    const sb = await SshSandbox.create({ terminal: terminal(), target: target({ knownHostsPath: kh }), log: silentLogger });
    try {
      expect((await sb.exec('echo hashed-ok', T)).output).toBe('hashed-ok\n');
    } finally {
      await sb.close();
    }
  });

  test('parsing: patterns, ports, negation, markers', () => {
    const key = hostKeyBlob();
    const b64 = key.toString('base64');
    const entries = parseKnownHosts(
      [
        '# comment',
        `host-a,*.example.com,!bad.example.com ssh-ed25519 ${b64}`,
        `[host-b]:2222 ssh-ed25519 ${b64} comment here`,
        `@revoked host-c ssh-ed25519 ${b64}`,
        `host-c ssh-ed25519 ${b64}`,
        `@cert-authority *.ca ssh-ed25519 ${b64}`,
        'garbage',
      ].join('\n'),
      'kh',
    );
    expect(entries).toHaveLength(5);
    expect(entryMatches(entries[0]!, 'host-a', 22)).toBe(true);
    expect(entryMatches(entries[0]!, 'x.example.com', 22)).toBe(true);
    expect(entryMatches(entries[0]!, 'bad.example.com', 22)).toBe(false);
    expect(entryMatches(entries[0]!, 'host-a', 2222)).toBe(false);
    expect(entryMatches(entries[1]!, 'host-b', 2222)).toBe(true);
    expect(entryMatches(entries[1]!, 'host-b', 22)).toBe(false);
    expect(verifyHostKey(entries, 'host-a', 22, key, 'kh')).toEqual({ ok: true });
    expect(verifyHostKey(entries, 'host-c', 22, key, 'kh')).toMatchObject({ ok: false, reason: expect.stringContaining('@revoked') });
    expect(verifyHostKey(entries, 'y.ca', 22, key, 'kh')).toMatchObject({ ok: false, reason: expect.stringContaining('not a known host') });
  });
});

describe('ssh reconnect', () => {
  let sb: SshSandbox;
  beforeAll(async () => {
    await server();
    sb = await SshSandbox.create({ terminal: terminal(), log: silentLogger });
  });
  afterAll(async () => sb?.close());

  test('a dropped connection is re-established by the next call', async () => {
    await sb.exec(`mkdir -p '${scratchRoot}/re' && cd '${scratchRoot}/re' && export LOST=1`, T);
    await sshd!.dropConnections();
    // The first call may still meet the dying shell (the drop is noticed when the socket closes); it says so.
    const first = await sb.exec('true', T);
    const r = await sb.exec('echo "${LOST:-reset}"; pwd', T);
    expect(first.output + r.output).toContain('new shell');
    expect(r.output).toMatch(new RegExp(`reset\\n${scratchRoot}/re\\n$`));
    await sb.writeFile(`${scratchRoot}/re/after-drop.txt`, 'sftp ok');
    expect((await sb.readFile(`${scratchRoot}/re/after-drop.txt`)).toString()).toBe('sftp ok');
  });

  test('a server restart is survived: calls fail while it is down, then work again', async () => {
    await sshd!.kill();
    const down = await sb.exec('echo while-down', T).then(
      (r) => r.output,
      (e: Error) => e.message,
    );
    expect(down).not.toContain('while-down\n');
    await sshd!.restart();
    const r = await sb.exec('echo back-up', T);
    expect(r.output).toContain('back-up\n');
    expect(r.exitCode).toBe(0);
    expect(await sb.stat(`${scratchRoot}/re/after-drop.txt`)).toMatchObject({ type: 'file', size: 7 });
  });

  test('manager check() connects, verifies the host key and runs a command', async () => {
    const cfg = defaultConfig();
    cfg.terminal = terminal();
    const mgr = createSandboxManager({ config: cfg, hermesHome: work, log: silentLogger });
    expect(await mgr.check()).toMatchObject({ ok: true, message: expect.stringContaining('host key verified') });
    cfg.terminal = terminal({ ssh_known_hosts: join(work, 'missing_known_hosts') });
    expect(await mgr.check()).toMatchObject({ ok: false, message: expect.stringContaining('known_hosts file') });
  });
});
