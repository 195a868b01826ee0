// The local backend: the shared contract, plus environment scrubbing and the manager.
import { describe, test, expect, afterAll } from 'vitest';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSandbox } from '../../../server/sandbox/local';
import { createSandboxManager } from '../../../server/sandbox/manager';
import { isSecretEnvName, scrubEnv } from '../../../server/sandbox/env-scrub';
import { defaultConfig } from '../../../server/config/schema';
import { silentLogger } from '../../../server/util/log';
import { contractSuite } from './contract';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-local-sb-')));
const T = { timeoutMs: 15_000 };

afterAll(() => rmSync(root, { recursive: true, force: true }));

contractSuite('local', async () => ({
  kind: 'local',
  scratch: join(root, 'scratch'),
  make: async () => {
    const sb = new LocalSandbox({ cwd: root, terminal: defaultConfig().terminal, log: silentLogger });
    await sb.start();
    return sb;
  },
}));

contractSuite('local (POSIX sh)', async () => ({
  kind: 'local',
  scratch: join(root, 'scratch-sh'),
  make: async () => {
    const terminal = { ...defaultConfig().terminal, shell: '/bin/sh' };
    const sb = new LocalSandbox({ cwd: root, terminal, log: silentLogger });
    await sb.start();
    return sb;
  },
}));

describe('local environment scrubbing', () => {
  test('scrubEnv drops secret-looking names unless passed through', () => {
    const env = {
      OPENAI_API_KEY: 'sk-1',
      ANTHROPIC_BASE_URL: 'u',
      GITHUB_TOKEN: 't',
      AWS_REGION: 'r',
      MY_DB_PASSWORD: 'p',
      SESSION_COOKIE: 'c',
      SENTRY_DSN: 'd',
      HERMES_TELEGRAM_BOT: 'x',
      HERMES_HOME: '/h',
      PATH: '/bin',
      LANG: 'C.UTF-8',
      KEEP_TOKEN: 'kept',
    };
    const out = scrubEnv(env, ['KEEP_TOKEN']);
    expect(Object.keys(out).sort()).toEqual(['HERMES_HOME', 'KEEP_TOKEN', 'LANG', 'PATH']);
    expect(isSecretEnvName('SLACK_APP_LEVEL')).toBe(true);
    expect(isSecretEnvName('HOME')).toBe(false);
  });

  test('secrets in the parent environment do not reach the shell or background processes', async () => {
    const parent = {
      ...process.env,
      OPENAI_API_KEY: 'sk-test-should-not-leak',
      HF_TOKEN: 'hf-should-not-leak',
      HERMES_SECRET_THING: 'nope',
      MY_PASSTHROUGH_TOKEN: 'passed-through',
      PLAIN_SETTING: 'plain',
    };
    const terminal = { ...defaultConfig().terminal, env_passthrough: ['MY_PASSTHROUGH_TOKEN'] };
    const sb = new LocalSandbox({ cwd: root, terminal, log: silentLogger, env: parent });
    try {
      const r = await sb.exec('env', T);
      expect(r.output).not.toContain('should-not-leak');
      expect(r.output).not.toContain('OPENAI_API_KEY');
      expect(r.output).not.toContain('HERMES_SECRET_THING');
      expect(r.output).toContain('MY_PASSTHROUGH_TOKEN=passed-through');
      expect(r.output).toContain('PLAIN_SETTING=plain');
      expect(r.output).toContain('HERMES_SANDBOX=local');
      const h = await sb.spawn('env', {});
      let out = '';
      h.onData((s) => (out += s));
      await new Promise((res) => h.onExit(res));
      expect(out).toContain('PLAIN_SETTING=plain');
      expect(out).not.toContain('should-not-leak');
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox manager (local)', () => {
  test('one sandbox per thread, released on request, and a passing check', async () => {
    const cfg = defaultConfig();
    const mgr = createSandboxManager({ config: cfg, hermesHome: root, log: silentLogger });
    const a = await mgr.get('t1', root);
    expect(await mgr.get('t1', root)).toBe(a);
    const b = await mgr.get('t2', '/');
    expect(b).not.toBe(a);
    expect(b.cwd()).toBe('/');
    await a.exec('export ONLY_T1=1', T);
    expect((await b.exec('echo "${ONLY_T1:-no}"', T)).output).toBe('no\n');
    await mgr.release('t1');
    const a2 = await mgr.get('t1', root);
    expect(a2).not.toBe(a);
    expect(await mgr.check()).toMatchObject({ ok: true });
    await mgr.closeAll();
    await expect(a2.exec('true', T)).rejects.toThrow(/closed/);
  });

  test('check reports a shell that cannot start', async () => {
    const cfg = defaultConfig();
    cfg.terminal.shell = '/nonexistent/shell';
    const mgr = createSandboxManager({ config: cfg, hermesHome: root, log: silentLogger });
    const res = await mgr.check();
    expect(res.ok).toBe(false);
    expect(res.message).toMatch(/shell/);
  });
});
