// The local backend when bwrap cannot work on this machine (the probe is stubbed; the shell is real): `auto` runs
// commands unconfined and says so loudly in the first output, `bwrap` refuses to run them.
import { describe, test, expect, vi, afterEach } from 'vitest';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bwrap from '../../../server/sandbox/bwrap';
import * as container from '../../../server/sandbox/container';
import { LocalSandbox } from '../../../server/sandbox/local';
import { defaultConfig } from '../../../server/config/schema';
import { silentLogger } from '../../../server/util/log';

const T = { timeoutMs: 15_000 };
const ws = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-fallback-')));
const make = (sandbox: 'auto' | 'bwrap') =>
  new LocalSandbox({ cwd: ws, terminal: { ...defaultConfig().terminal, sandbox }, log: silentLogger });

describe('local sandbox fallback', () => {
  afterEach(() => vi.restoreAllMocks());

  test('auto on a machine where bwrap cannot work: commands run, and the first output says UNCONFINED', async () => {
    vi.spyOn(bwrap, 'probeBwrap').mockReturnValue({ ok: false, error: 'bwrap not found (install the bubblewrap package)' });
    // Not inside a container (this test machine may have /.dockerenv; in a container the notice is a calm one).
    vi.spyOn(container, 'containerKind').mockReturnValue(null);
    const sb = make('auto');
    try {
      const first = await sb.exec('echo one', T);
      expect(first.output).toMatch(/^\[hermes: OS sandbox unavailable: bwrap not found .*UNCONFINED/);
      expect(first.output).toContain('one');
      expect((await sb.exec('echo two', T)).output).toBe('two\n');
      expect(sb.confinement).toMatchObject({ confined: false, warning: expect.stringMatching(/UNCONFINED/) });
    } finally {
      await sb.close();
    }
  });

  test('terminal.sandbox: bwrap on such a machine refuses to run commands, saying why', async () => {
    vi.spyOn(bwrap, 'probeBwrap').mockReturnValue({ ok: false, error: 'bwrap not found (install the bubblewrap package)' });
    const sb = make('bwrap');
    try {
      await expect(sb.start()).rejects.toThrow(/terminal\.sandbox is "bwrap" but bwrap not found/);
      await expect(sb.exec('true', T)).rejects.toThrow(/bubblewrap/);
    } finally {
      await sb.close();
    }
  });
});
