// config.yaml as the Hermes agent writes it: its whole default config loads, Hermes's value spellings are accepted
// and mapped, names that mean nothing anywhere are refused with file/line/key, and `config set` keeps the rest of
// the file byte for byte.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, setConfigValue, validateConfig } from '../../../server/config/load';

const FIXTURE = resolve(__dirname, '../../fixtures/hermes-home/config.yaml');
const load = (yaml: string) => validateConfig('/h/config.yaml', yaml);
const problems = (yaml: string) => {
  try {
    load(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the config to be refused');
};

describe('a Hermes config.yaml', () => {
  it("loads Hermes's whole default config without a single warning, with its values mapped", () => {
    const l = loadConfig(FIXTURE);
    expect(l.warnings).toEqual([]);
    expect(l.notes).toHaveLength(1);
    expect(l.notes[0]).toMatch(/Hermes agent setting\(s\) have no effect in hermes-host; they are kept unchanged/);
    const c = l.config;
    expect(c.logging.level).toBe('info');
    expect(c.web.backend).toBe('auto');
    expect(c.toolsets).toEqual(['hermes-cli']);
    expect(c.agent.max_iterations).toBe(90); // agent.max_turns
    expect(c.terminal.backend).toBe('local');
    expect(c.context_file_max_chars).toBe(20_000);
    expect(c.model).toMatchObject({ default: 'anthropic/claude-sonnet-4', provider: 'auto', base_url: 'https://openrouter.ai/api/v1' });
  });

  it('accepts the log levels, blanks and nulls Hermes writes', () => {
    for (const [lvl, want] of [['INFO', 'info'], ['DEBUG', 'debug'], ['WARNING', 'warn'], ['Error', 'error'], ['CRITICAL', 'error'], ['', 'info']]) {
      expect(load(`logging:\n  level: ${JSON.stringify(lvl)}\n`).config.logging.level).toBe(want);
    }
    const c = load(
      "web:\n  backend: ''\ncontext_file_max_chars: null\ntoolsets:\ncommand_allowlist: null\nmodel: ''\nterminal:\n  backend: ''\n  cwd: null\nagent:\n  disabled_toolsets: null\n",
    ).config;
    expect(c.web.backend).toBe('auto');
    expect(c.context_file_max_chars).toBe(20_000);
    expect(c.toolsets).toEqual([]);
    expect(c.command_allowlist).toEqual([]);
    expect(c.terminal).toMatchObject({ backend: 'local', cwd: '' });
    expect(load('web:\n  backend: ddgs\n').config.web.backend).toBe('duckduckgo');
    expect(load('web:\n  backend: brave-free\n').config.web.backend).toBe('brave');
    const exa = load('web:\n  backend: exa\n');
    expect(exa.config.web.backend).toBe('auto');
    expect(exa.warnings.join('\n')).toMatch(/config.yaml:2: web.backend: web backend 'exa' is not implemented here/);
  });

  it("accepts every provider Hermes names, and its aliases; OAuth-only ones load with a warning", () => {
    for (const p of ['nous', 'anthropic', 'copilot', 'gemini', 'lmstudio', 'zai', 'openrouter', 'openai', 'custom', 'auto', 'ollama', 'vllm', 'llamacpp', 'llama.cpp', 'glm', 'claude', 'deepseek', 'custom:my-box']) {
      const l = load(`model:\n  default: m\n  provider: ${p}\n`);
      expect(l.warnings, p).toEqual([]);
    }
    const codex = load('model:\n  default: m\n  provider: openai-codex\n');
    expect(codex.warnings.join('\n')).toMatch(/config.yaml:3: model.provider: provider 'openai-codex' signs in with OAuth.*turns will fail until model.provider is one of: auto, openrouter/);
    const bad = problems('model:\n  default: m\n  provider: openruoter\n');
    expect(bad).toEqual([{ line: 3, key: 'model.provider', message: expect.stringMatching(/unknown provider 'openruoter'; known providers: auto, openrouter, openai/) }]);
  });

  it('loads every terminal backend Hermes has; one not implemented here warns, and falls back only when told', () => {
    for (const b of ['modal', 'daytona', 'singularity', 'managed_modal']) {
      const l = load(`terminal:\n  backend: ${b}\n`);
      expect(l.config.terminal.backend).toBe(b);
      expect(l.warnings.join('\n')).toMatch(new RegExp(`terminal backend '${b}' is not implemented here \\(implemented: local, docker, ssh\\); commands will be refused`));
    }
    const fb = load('terminal:\n  backend: modal\n  fallback: local\n');
    expect(fb.config.terminal.backend).toBe('local');
    expect(fb.warnings.join('\n')).toMatch(/running commands locally because terminal.fallback is local/);
    expect(problems('terminal:\n  backend: kubernetes\n')[0]).toMatchObject({ line: 2, key: 'terminal.backend' });
  });

  it("refuses an unknown toolset with its file, line and key, naming the known ones", () => {
    const p = problems('toolsets:\n  - hermes-cli\n  - codeing\n');
    expect(p).toEqual([{ line: 3, key: 'toolsets.1', message: expect.stringMatching(/unknown toolset 'codeing'; known toolsets: all, web, search/) }]);
    expect(p[0].message).toContain('hermes-cli');
    expect(problems('agent:\n  disabled_toolsets: [nope]\n')[0]).toMatchObject({ key: 'agent.disabled_toolsets.0' });
    // plugin platforms get hermes-<name>; MCP servers' toolsets are mcp-<server>
    expect(load('toolsets: [hermes-irc, mcp-github, coding, safe, debugging, hermes-telegram]\n').warnings).toEqual([]);
  });

  it('max_turns is the budget unless max_iterations is written too', () => {
    expect(load('agent:\n  max_turns: 7\n').config.agent.max_iterations).toBe(7);
    expect(load('agent:\n  max_turns: 7\n  max_iterations: 9\n').config.agent.max_iterations).toBe(9);
    expect(load('').config.agent.max_iterations).toBe(60);
  });

  it("Hermes's gateway settings: top level and per-platform blocks map to ours, and ours win", () => {
    const gw = (yaml: string) => load(yaml).config.gateway;
    expect(gw('group_sessions_per_user: false\n').group_sessions_per_user).toBe(false);
    expect(gw('group_sessions_per_user: false\ngateway:\n  group_sessions_per_user: true\n').group_sessions_per_user).toBe(true);
    // Top level: only 'ignore' overrides (Hermes reads its default 'pair' there as no setting).
    expect(gw('unauthorized_dm_behavior: IGNORE\n').unauthorized_dm_behavior).toBe('ignore');
    expect(gw('unauthorized_dm_behavior: pair\n').unauthorized_dm_behavior).toBeUndefined();
    expect(gw('unauthorized_dm_behavior: maybe\n').unauthorized_dm_behavior).toBeUndefined();
    expect(gw('gateway:\n  unauthorized_dm_behavior: pair\n').unauthorized_dm_behavior).toBe('pair');
    // Per platform, in any of Hermes's three places, and dm_policy.
    expect(gw('telegram:\n  unauthorized_dm_behavior: pair\n').telegram.unauthorized_dm_behavior).toBe('pair');
    expect(gw('platforms:\n  discord:\n    dm_policy: allowlist\n').discord.unauthorized_dm_behavior).toBe('ignore');
    expect(gw('gateway:\n  platforms:\n    slack:\n      dm_policy: pairing\n').slack.unauthorized_dm_behavior).toBe('pair');
    expect(gw('slack:\n  unauthorized_dm_behavior: pair\ngateway:\n  slack:\n    unauthorized_dm_behavior: ignore\n').slack.unauthorized_dm_behavior).toBe('ignore');
    expect(gw('slack:\n  require_mention: false\n').slack.require_mention).toBe(false);
    expect(gw('telegram:\n  require_mention: false\n').telegram.require_mention).toBe(false);
    expect(gw('discord:\n  require_mention: false\ngateway:\n  discord:\n    require_mention: true\n').discord.require_mention).toBe(true);
    expect(gw('discord:\n  free_response_channels: 123\n').discord.free_response_chats).toEqual(['123']);
    expect(gw('discord:\n  auto_thread: false\n').discord.auto_thread).toBe(false);
    expect(gw('discord:\n  auto_thread: false\ngateway:\n  discord:\n    auto_thread: true\n').discord.auto_thread).toBe(true);
    expect(gw('telegram:\n  allowed_chats: "-1, -2"\n').telegram.allowed_chats).toEqual(['-1', '-2']);
    expect(gw('discord:\n  allowed_channels: [10, "11"]\n  ignored_channels: "12"\n').discord).toMatchObject({ allowed_chats: ['10', '11'], ignored_chats: ['12'] });
    expect(gw('slack:\n  allowed_channels: C1\ngateway:\n  slack:\n    allowed_chats: [C2]\n').slack.allowed_chats).toEqual(['C2']);
    expect(load('slack:\n  require_mention: false\ndiscord:\n  dm_policy: pairing\n').warnings).toEqual([]);
  });

  it('keys neither Hermes nor we know still warn (typos)', () => {
    expect(load('agent:\n  max_turn: 5\n').warnings).toEqual(['/h/config.yaml:2: agent.max_turn: unknown setting (kept, not used)']);
  });

  it('config set on the Hermes config changes only that line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-cfg-'));
    const path = join(dir, 'config.yaml');
    copyFileSync(FIXTURE, path);
    const before = readFileSync(path, 'utf8').split('\n');
    setConfigValue(path, 'agent.max_turns', '40');
    setConfigValue(path, 'model.default', 'openai/gpt-4.1-mini');
    const after = readFileSync(path, 'utf8').split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((l, i) => (l === after[i] ? [] : [[l, after[i]]]));
    expect(changed).toEqual([
      ['  default: anthropic/claude-sonnet-4', '  default: openai/gpt-4.1-mini'],
      ['  max_turns: 90', '  max_turns: 40'],
    ]);
    expect(loadConfig(path).config.agent.max_iterations).toBe(40);
    writeFileSync(path, readFileSync(FIXTURE)); // leave nothing odd behind
  });
});

describe('config set keeps the rest of the file', () => {
  const copy = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hermes-cfg-')), 'config.yaml');
    copyFileSync(FIXTURE, path);
    return path;
  };
  const diff = (a: string, b: string) => {
    const x = a.split('\n');
    const y = b.split('\n');
    return { removed: x.filter((l) => !y.includes(l)), added: y.filter((l) => !x.includes(l)) };
  };

  it('adds a new key as one line under its section, in the section\'s indentation', () => {
    const path = copy();
    const before = readFileSync(path, 'utf8');
    setConfigValue(path, 'terminal.fallback', 'local');
    expect(diff(before, readFileSync(path, 'utf8'))).toEqual({ removed: [], added: ['  fallback: local'] });
    expect(loadConfig(path).config.terminal.fallback).toBe('local');
  });

  it('an "always" approval appends to command_allowlist in the style the file uses', async () => {
    const { appendConfigList } = await import('../../../server/config/load');
    const path = copy();
    const before = readFileSync(path, 'utf8');
    appendConfigList(path, 'command_allowlist', 'recursive delete');
    expect(diff(before, readFileSync(path, 'utf8'))).toEqual({ removed: [], added: ['- recursive delete'] });
    expect(loadConfig(path).config.command_allowlist).toEqual(['git reset --hard (destroys uncommitted changes)', 'npm *', 'recursive delete']);
  });

  it('replaces a scalar in place and nests a new mapping under its section', () => {
    const path = copy();
    const before = readFileSync(path, 'utf8');
    setConfigValue(path, 'approvals.timeout', '30');
    setConfigValue(path, 'model.fallback', '{model: m2}');
    const d = diff(before, readFileSync(path, 'utf8'));
    expect(d.removed).toEqual(['  timeout: 60']);
    expect(d.added.sort()).toEqual(['    model: m2', '  fallback:', '  timeout: 30']);
    expect(loadConfig(path).config.model.fallback).toMatchObject({ model: 'm2' });
  });
});
