// Settings: agent settings changed in VS Code are written to the host's config.yaml with config/write; connection
// settings reconnect; how the host is launched.
import { describe, expect, it } from 'vitest';
import { applySettingsChange, configWritesFor, HOST_SETTINGS } from '../../extension/settings';
import { planLaunch } from '../../extension/host/launch';

function run(changed: string[], values: Record<string, unknown>, failKey?: string) {
  const writes: { key: string; value: unknown }[] = [];
  const applied: string[] = [];
  const failed: string[] = [];
  let restarts = 0;
  const done = applySettingsChange((s) => changed.includes(s), {
    get: (s) => values[s],
    write: async (key, value) => {
      writes.push({ key, value });
      if (key === failKey) throw new Error('approvals.mode: invalid enum value');
      return {};
    },
    restart: () => {
      restarts++;
    },
    applied: (w) => applied.push(w.setting),
    failed: (w, e) => failed.push(`${w.setting}: ${e.message}`),
  });
  return done.then(() => ({ writes, applied, failed, restarts }));
}

describe('settings → config/write', () => {
  it('maps every agent setting to its config.yaml key', () => {
    expect(HOST_SETTINGS).toEqual({
      provider: 'model.provider',
      baseUrl: 'model.base_url',
      model: 'model.default',
      terminalBackend: 'terminal.backend',
      approvalMode: 'approvals.mode',
    });
  });

  it('writes only the settings that changed, trimmed', async () => {
    const r = await run(['model', 'baseUrl'], { model: ' gpt-4.1-mini ', baseUrl: 'http://127.0.0.1:11434/v1', provider: 'openai' });
    expect(r.writes).toEqual([
      { key: 'model.base_url', value: 'http://127.0.0.1:11434/v1' },
      { key: 'model.default', value: 'gpt-4.1-mini' },
    ]);
    expect(r.applied.sort()).toEqual(['baseUrl', 'model']);
    expect(r.restarts).toBe(0);
  });

  it('a cleared setting leaves the host value alone', async () => {
    expect(configWritesFor((s) => s === 'model', () => '')).toEqual([]);
    expect((await run(['terminalBackend'], { terminalBackend: undefined })).writes).toEqual([]);
  });

  it('reports a value the host refuses', async () => {
    const r = await run(['approvalMode'], { approvalMode: 'sometimes' }, 'approvals.mode');
    expect(r.failed).toEqual(['approvalMode: approvals.mode: invalid enum value']);
  });

  it('node path, attach socket and HERMES_HOME reconnect instead of writing', async () => {
    for (const s of ['nodePath', 'host.attach', 'hermesHome']) {
      const r = await run([s, 'model'], { model: 'x' });
      expect(r.restarts).toBe(1);
      expect(r.writes).toEqual([]);
    }
  });
});

describe('planLaunch', () => {
  const env = { HOME: '/home/u', PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1' };

  it('spawns the bundled host with `node` by default, as plain Node', () => {
    const l = planLaunch({ nodePath: '', attach: '', hermesHome: '' }, '/ext/dist/server/main.js', env, '/work/ws');
    expect(l).toMatchObject({ kind: 'spawn', command: 'node', args: ['/ext/dist/server/main.js'], cwd: '/work/ws' });
    if (l.kind !== 'spawn') throw new Error('spawn expected');
    expect(l.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(l.env.HERMES_HOME).toBeUndefined();
  });

  it('uses hermes.nodePath and hermes.hermesHome (with ~)', () => {
    const l = planLaunch({ nodePath: '/opt/node20/bin/node', attach: '', hermesHome: '~/hermes-work' }, '/m.js', env);
    expect(l).toMatchObject({ kind: 'spawn', command: '/opt/node20/bin/node', env: { HERMES_HOME: '/home/u/hermes-work' } });
  });

  it('attaches to a socket instead of spawning', () => {
    expect(planLaunch({ nodePath: 'node', attach: '~/.hermes/host.sock', hermesHome: '/x' }, '/m.js', env)).toEqual({
      kind: 'attach',
      socketPath: '/home/u/.hermes/host.sock',
    });
  });
});

describe('preferRunningHost', () => {
  it('attaches to the socket of a host that owns the same HERMES_HOME, and spawns when none answers', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createServer } = await import('node:net');
    const { preferRunningHost } = await import('../../extension/host/launch');
    const home = mkdtempSync(join(tmpdir(), 'hermes-ext-home-'));
    const spawn = { kind: 'spawn' as const, command: 'node', args: ['/m.js'], env: { HERMES_HOME: home } };
    expect(await preferRunningHost(spawn)).toBe(spawn);
    const sock = join(home, 'custom.sock');
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(sock, r));
    writeFileSync(join(home, 'host.owner.json'), JSON.stringify({ pid: 1, socket: sock }));
    try {
      expect(await preferRunningHost(spawn)).toEqual({ kind: 'attach', socketPath: sock });
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await preferRunningHost(spawn)).toBe(spawn);
  });
});

describe('profiles (hermes.profile / HERMES_PROFILE)', () => {
  const env = { HOME: '/home/u', PATH: '/usr/bin' };
  const home = (l: ReturnType<typeof planLaunch>) => (l.kind === 'spawn' ? l.env.HERMES_HOME : undefined);

  it('selects HERMES_HOME/profiles/<name> from the setting, else HERMES_PROFILE; `default` and empty are the root home', () => {
    expect(home(planLaunch({ nodePath: '', attach: '', hermesHome: '', profile: 'work' }, '/m.js', env))).toBe('/home/u/.hermes/profiles/work');
    expect(home(planLaunch({ nodePath: '', attach: '', hermesHome: '~/hh/', profile: 'work' }, '/m.js', env))).toBe('/home/u/hh/profiles/work');
    expect(home(planLaunch({ nodePath: '', attach: '', hermesHome: '', profile: '' }, '/m.js', { ...env, HERMES_HOME: '/srv/h', HERMES_PROFILE: 'ops' }))).toBe('/srv/h/profiles/ops');
    // The setting wins over the environment.
    expect(home(planLaunch({ nodePath: '', attach: '', hermesHome: '', profile: 'mine' }, '/m.js', { ...env, HERMES_PROFILE: 'ops' }))).toBe('/home/u/.hermes/profiles/mine');
    expect(home(planLaunch({ nodePath: '', attach: '', hermesHome: '/x', profile: 'default' }, '/m.js', env))).toBe('/x');
    // The spawned host gets the resolved home and no HERMES_PROFILE (it would nest the profile a second time).
    const l = planLaunch({ nodePath: '', attach: '', hermesHome: '', profile: '' }, '/m.js', { ...env, HERMES_PROFILE: 'ops' });
    expect(l.kind === 'spawn' && 'HERMES_PROFILE' in l.env).toBe(false);
  });

  it('resolves exactly as the CLI does (one helper), and refuses names that walk out of profiles/', async () => {
    const { applyProfile } = await import('../../server/config/home');
    const { ProfileError } = await import('../../server/protocol/profile');
    for (const [profile, e] of [
      ['work', { HERMES_HOME: '/srv/h' }],
      ['a.b_c-1', { HERMES_HOME: '/srv/h/' }],
      ['default', { HERMES_HOME: '/srv/h' }],
      ['', { HERMES_HOME: '/srv/h', HERMES_PROFILE: 'fromenv' }],
    ] as const) {
      const cli = applyProfile(profile || undefined, { ...e });
      const ext = home(planLaunch({ nodePath: '', attach: '', hermesHome: '', profile }, '/m.js', { HOME: '/home/u', ...e }));
      expect(ext?.replace(/\/+$/, '')).toBe(cli.replace(/\/+$/, ''));
    }
    for (const bad of ['..', '../x', 'a/b', '.hidden']) {
      expect(() => planLaunch({ nodePath: '', attach: '', hermesHome: '', profile: bad }, '/m.js', env)).toThrow(ProfileError);
      expect(() => applyProfile(bad, { HERMES_HOME: '/h' })).toThrow(/invalid profile name/);
    }
  });
});

describe('preferRunningHost with a profile', () => {
  it('finds the owner of HERMES_HOME/profiles/<name> (not the root home\'s) before spawning', async () => {
    const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createServer } = await import('node:net');
    const { preferRunningHost } = await import('../../extension/host/launch');
    const root = mkdtempSync(join(tmpdir(), 'hermes-ext-root-'));
    const work = join(root, 'profiles', 'work');
    mkdirSync(work, { recursive: true });
    const sock = join(work, 'host.sock');
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(sock, r));
    writeFileSync(join(work, 'host.owner.json'), JSON.stringify({ pid: 1, socket: sock }));
    try {
      const plan = (profile: string) => planLaunch({ nodePath: '', attach: '', hermesHome: root, profile }, '/m.js', { HOME: '/home/u' });
      expect(await preferRunningHost(plan('work'))).toEqual({ kind: 'attach', socketPath: sock });
      // The root home has no owner: without the profile the extension would spawn.
      expect((await preferRunningHost(plan(''))).kind).toBe('spawn');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
