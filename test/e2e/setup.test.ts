// First run from a shell: `setup` by flags and interactively (in a real terminal), `chat -q` naming the endpoint's
// models when none is configured, and profiles keeping separate homes.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { HOST_ENTRY, runCli, tempHome, writeTestConfig } from '../support/host-process';
import { TmuxTerminal } from '../support/tmux';

let model: ScriptedModelServer;
const terminals: TmuxTerminal[] = [];

beforeAll(async () => {
  model = await ScriptedModelServer.start();
  model.requireKey = 'sk-setup-key-0123456789abcdef';
});
afterAll(async () => {
  await model.close();
});
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
  model.reset();
});

const noKeys = { OPENAI_API_KEY: '', OPENROUTER_API_KEY: '', TEST_MODEL_KEY: '' };

describe('setup', () => {
  it('non-interactive: flags write config.yaml and a 0600 .env, and doctor runs; a missing flag is named', async () => {
    const home = tempHome();
    let r = await runCli(['setup', '--non-interactive', '--provider', 'custom', '--base-url', model.baseURL, '--api-key', 'sk-setup-key-0123456789abcdef'], { HERMES_HOME: home, ...noKeys });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --model.*fallback-model, test-model/);

    r = await runCli(
      ['setup', '--non-interactive', '--provider', 'custom', '--base-url', model.baseURL, '--model', 'test-model', '--backend', 'local', '--telegram-token', '123456:telegram-token-abcdefghijklmnop'],
      { HERMES_HOME: home, ...noKeys },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('✓ model key');
    expect(r.code).toBe(0);
    const cfg = readFileSync(join(home, 'config.yaml'), 'utf8');
    expect(cfg).toMatch(/provider: custom/);
    expect(cfg).toContain(`base_url: ${model.baseURL}`);
    expect(cfg).toMatch(/default: test-model/);
    expect(cfg).toMatch(/backend: local/);
    const env = readFileSync(join(home, '.env'), 'utf8');
    expect(env).toContain('OPENAI_API_KEY=sk-setup-key-0123456789abcdef');
    expect(env).toContain('TELEGRAM_BOT_TOKEN=123456:telegram-token-abcdefghijklmnop');
    expect(statSync(join(home, '.env')).mode & 0o777).toBe(0o600);
    // The key never appears in what setup printed.
    expect(r.stdout).not.toContain('sk-setup-key');

    // The configured home works for a turn.
    model.script({ text: 'configured.' });
    r = await runCli(['chat', '-q', 'hi'], { HERMES_HOME: home, ...noKeys });
    expect(r.stdout).toBe('configured.\n');

    r = await runCli(['setup', '--non-interactive', '--provider', 'nosuch'], { HERMES_HOME: home, ...noKeys });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown provider "nosuch": use one of .*openrouter/);
  }, 120_000);

  it('interactive: picks the provider, hides the key, lists the models to choose from, then runs doctor', async () => {
    const home = tempHome();
    const t = TmuxTerminal.start([process.execPath, HOST_ENTRY, 'setup'], { env: { HERMES_HOME: home, ...noKeys } });
    terminals.push(t);
    await t.waitFor('Which model provider?', 30_000);
    t.type('custom');
    t.keys('Enter');
    await t.waitFor('Base URL');
    t.type(model.baseURL);
    t.keys('Enter');
    await t.waitFor('API key for custom');
    t.type('sk-setup-key-0123456789abcdef');
    t.keys('Enter');
    let s = await t.waitFor('Which model?', 20_000);
    expect(s).not.toContain('sk-setup-key'); // not echoed
    expect(s).toMatch(/\d\) fallback-model/);
    const n = /(\d)\) test-model/.exec(s)![1];
    t.type(n);
    t.keys('Enter');
    await t.waitFor('Where should the agent run commands?');
    t.keys('Enter'); // keeps the default (local)
    await t.waitFor('Connect a chat platform');
    t.keys('Enter'); // no
    s = await t.waitFor('[exited 0]', 60_000, 'setup to finish with doctor passing');
    expect(s).toContain('✓ model key');
    expect(s).toContain('Ready: run `hermes-host chat`.');
    const cfg = readFileSync(join(home, 'config.yaml'), 'utf8');
    expect(cfg).toMatch(/default: test-model/);
    expect(readFileSync(join(home, '.env'), 'utf8')).toContain('OPENAI_API_KEY=sk-setup-key-0123456789abcdef');
  }, 90_000);
});

describe('no model configured', () => {
  it('chat -q and doctor name the models the endpoint lists', async () => {
    const home = tempHome();
    writeTestConfig(home, model.baseURL);
    const cfg = readFileSync(join(home, 'config.yaml'), 'utf8').replace('  default: test-model\n', '');
    writeFileSync(join(home, 'config.yaml'), cfg);
    const before = model.chatRequests().length;
    const r = await runCli(['chat', '-q', 'hello'], { HERMES_HOME: home, TEST_MODEL_KEY: 'sk-setup-key-0123456789abcdef' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no model configured');
    expect(r.stderr).toContain('offers: test-model, fallback-model');
    expect(r.stderr).toContain('hermes-host config set model.default test-model');
    expect(model.chatRequests()).toHaveLength(before);
    // doctor says the same.
    const d = await runCli(['doctor', '--json'], { HERMES_HOME: home, TEST_MODEL_KEY: 'sk-setup-key-0123456789abcdef' });
    const checks = JSON.parse(d.stdout).checks as { name: string; ok: boolean; detail: string }[];
    expect(checks.find((c) => c.name === 'model')).toMatchObject({ ok: false, detail: expect.stringContaining('offers: test-model, fallback-model') });
    expect(d.code).toBe(1);
  }, 60_000);
});

describe('profiles', () => {
  it('--profile and HERMES_PROFILE select HERMES_HOME/profiles/<name>, a home of its own', async () => {
    const root = tempHome();
    writeTestConfig(root, model.baseURL);
    let r = await runCli(['--profile', 'work', 'config', 'set', 'agent.max_iterations', '7'], { HERMES_HOME: root });
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, 'profiles', 'work', 'config.yaml'), 'utf8')).toContain('max_iterations: 7');
    expect(readFileSync(join(root, 'config.yaml'), 'utf8')).not.toContain('max_iterations');
    r = await runCli(['config', 'get', 'agent.max_iterations'], { HERMES_HOME: root, HERMES_PROFILE: 'work' });
    expect(r.stdout.trim()).toBe('7');
    r = await runCli(['config', 'path'], { HERMES_HOME: root, HERMES_PROFILE: 'default' });
    expect(r.stdout.trim()).toBe(join(root, 'config.yaml'));

    // A turn in the profile keeps its sessions, lock and socket there, not in the root home.
    writeTestConfig(join(root, 'profiles', 'work'), model.baseURL);
    model.script({ text: 'from the work profile' });
    r = await runCli(['-p', 'work', 'chat', '-q', 'hi'], { HERMES_HOME: root, TEST_MODEL_KEY: 'sk-setup-key-0123456789abcdef' });
    expect(r.stdout).toBe('from the work profile\n');
    expect(existsSync(join(root, 'profiles', 'work', 'hermes-host.db'))).toBe(true);
    expect(existsSync(join(root, 'profiles', 'work', 'host.lock'))).toBe(true);
    expect(existsSync(join(root, 'hermes-host.db'))).toBe(false);

    r = await runCli(['--profile', '../escape', 'config', 'path'], { HERMES_HOME: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid profile name');
  }, 90_000);
});
