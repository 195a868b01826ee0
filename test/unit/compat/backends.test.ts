// A terminal backend Hermes has and this host does not: the host still starts, and running a command (or doctor)
// says which backends exist and how to fall back, instead of failing obscurely.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../server/config/load';
import { checkBackend, createSandboxManager } from '../../../server/sandbox/manager';
import { createLogger } from '../../../server/util/log';

const log = createLogger({ stderr: false, level: 'error' });

describe('terminal backends not implemented here', () => {
  it('doctor and the first command name the implemented backends and terminal.fallback', async () => {
    const config = validateConfig('/h/config.yaml', 'terminal:\n  backend: daytona\n').config;
    const check = await checkBackend(config, process.env, log);
    expect(check).toEqual({
      ok: false,
      message: "terminal.backend 'daytona' is not implemented here (implemented: local, docker, ssh); set terminal.backend to one of those, or terminal.fallback: local to run commands on this machine instead",
    });
    const mgr = createSandboxManager({ config, hermesHome: '/tmp', log });
    await expect(mgr.get('t1', '/tmp')).rejects.toThrow(/terminal.backend 'daytona' is not implemented here/);
  });
});
