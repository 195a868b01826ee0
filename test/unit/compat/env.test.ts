// .env as Hermes users fill it: keys are secrets, the paths/hosts/addresses beside them are not; TERMINAL_* set the
// terminal backend where config.yaml is silent.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecretEnvEntry } from '../../../server/config/env-secrets';
import { loadDotEnv } from '../../../server/config/env';
import { loadConfig, validateConfig } from '../../../server/config/load';
import { withTerminalEnv } from '../../../server/config/terminal-env';
import { redact } from '../../../server/util/redact';

const FIXTURE = resolve(__dirname, '../../fixtures/hermes-home');

describe('.env secrets', () => {
  it('secret by name or by shape; paths, hosts, addresses and ports are not', () => {
    const secret: [string, string][] = [
      ['OPENROUTER_API_KEY', 'sk-or-v1-abcdef0123456789abcdef'],
      ['SUDO_PASSWORD', 'correct horse'],
      ['DB_PWD', '12345678'],
      ['HASS_TOKEN', 'abcdefgh'],
      ['MATRIX_RECOVERY_KEY', 'EsT1 abcd efgh'],
      ['WEBHOOK_SECRET', 'whsec_abc123'],
      ['SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX1234'],
      ['SOME_SETTING', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'], // a known key format under any name
      ['UNNAMED', 'q8Z3kP0vN7xR2mL9tB5wC1yH6'], // long and random-looking
      ['DATABASE_URL', 'postgres://app:s3cret@db.internal:5432/app'],
    ];
    const plain: [string, string][] = [
      ['TERMINAL_CWD', '/home/ada/projects'],
      ['TERMINAL_SSH_HOST', 'build.example.org'],
      ['TERMINAL_SSH_KEY', '~/.ssh/id_ed25519'],
      ['TERMINAL_SSH_PORT', '2222'],
      ['EMAIL_ADDRESS', 'ada@example.org'],
      ['SEARXNG_URL', 'http://localhost:8888'],
      ['PWD', '/home/ada'],
      ['TELEGRAM_ALLOWED_USERS', '551234987,66123'],
      ['TERMINAL_DOCKER_IMAGE', 'nikolaik/python-nodejs:python3.11-nodejs20'],
      ['HERMES_TIMEZONE', 'Europe/Lisbon'],
    ];
    for (const [k, v] of secret) expect(isSecretEnvEntry(k, v), `${k}=${v}`).toBe(true);
    for (const [k, v] of plain) expect(isSecretEnvEntry(k, v), `${k}=${v}`).toBe(false);
  });

  it("the fixture's .env: the keys are masked, the user's own paths and addresses are not", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-env-'));
    copyFileSync(join(FIXTURE, '.env'), join(dir, '.env'));
    const vars = loadDotEnv(join(dir, '.env'));
    const text = `deploy from ${vars.TERMINAL_CWD} on ${vars.TERMINAL_SSH_HOST}, mail ${vars.EMAIL_ADDRESS}; key ${vars.OPENROUTER_API_KEY} bot ${vars.TELEGRAM_BOT_TOKEN}`;
    const out = redact(text);
    expect(out).toContain('deploy from /home/ada/projects on build.example.org, mail ada@example.org;');
    expect(out).not.toContain(vars.OPENROUTER_API_KEY);
    expect(out).not.toContain(vars.TELEGRAM_BOT_TOKEN);
  });
});

describe('TERMINAL_* variables', () => {
  const env = { TERMINAL_ENV: 'ssh', TERMINAL_SSH_HOST: 'build.example.org', TERMINAL_SSH_USER: 'ada', TERMINAL_SSH_PORT: '2222', TERMINAL_SSH_KEY: '~/.ssh/id_ed25519', TERMINAL_TIMEOUT: '300', TERMINAL_CWD: '/srv' };

  it('apply where config.yaml has no such key', () => {
    const l = validateConfig('/h/config.yaml', 'model: m\n');
    const r = withTerminalEnv(l.config, l.terminalKeys, env);
    expect(r.config.terminal).toMatchObject({ backend: 'ssh', ssh_host: 'build.example.org', ssh_user: 'ada', ssh_port: 2222, ssh_key: '~/.ssh/id_ed25519', timeout: 300, cwd: '/srv' });
    expect(l.config.terminal.backend).toBe('local'); // the loaded config itself is untouched
  });

  it("a key written in config.yaml's terminal section wins (Hermes's precedence); the fixture keeps ssh_* open", () => {
    const l = loadConfig(join(FIXTURE, 'config.yaml'));
    const r = withTerminalEnv(l.config, l.terminalKeys, env);
    expect(r.config.terminal.backend).toBe('local'); // backend: local is written
    expect(r.config.terminal.timeout).toBe(180); // timeout: 180 is written
    expect(r.config.terminal.ssh_host).toBe('build.example.org'); // not in Hermes's default config
  });

  it('unusable values are named and ignored; a backend we lack follows terminal.fallback', () => {
    const l = validateConfig('/h/config.yaml', 'terminal:\n  fallback: local\n');
    const r = withTerminalEnv(l.config, l.terminalKeys, { TERMINAL_TIMEOUT: '5m', TERMINAL_ENV: 'modal' });
    expect(r.warnings[0]).toBe('TERMINAL_TIMEOUT=… is not usable for terminal.timeout (expected a number); ignored');
    expect(r.config.terminal.timeout).toBe(180);
    expect(r.config.terminal.backend).toBe('local');
    expect(r.warnings[1]).toMatch(/terminal backend 'modal' is not implemented here.*running commands locally.*\(from TERMINAL_ENV\)/);
  });
});
