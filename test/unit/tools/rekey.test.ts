// Context compression moves a running thread to a new id; its shell, background processes and session approvals
// must follow it (the wiring listens for thread/compacted and re-keys all three).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandboxManager } from '../../../server/sandbox';
import { ProcessRegistry } from '../../../server/tools/process-registry';
import { defaultConfig } from '../../../server/config/schema';
import { silentLogger } from '../../../server/util/log';

const home = mkdtempSync(join(tmpdir(), 'hermes-rekey-'));
const manager = createSandboxManager({ config: defaultConfig(), hermesHome: home, log: silentLogger });
afterAll(() => manager.closeAll());

describe('re-keying a thread', () => {
  it('keeps the same persistent shell (cwd and exports) and the background processes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hermes-rekey-ws-'));
    const sb = await manager.get('old', cwd);
    await sb.exec('mkdir -p sub && cd sub && export MARK=kept', { timeoutMs: 10_000 });
    const reg = new ProcessRegistry();
    const p = await reg.start(sb, { threadId: 'old', command: 'sleep 30', cwd });
    manager.rekey('old', 'new');
    reg.rekey('old', 'new');
    const same = await manager.get('new', cwd);
    expect(same).toBe(sb);
    const r = await same.exec('pwd; echo $MARK', { timeoutMs: 10_000 });
    expect(r.output).toContain(join(cwd, 'sub'));
    expect(r.output).toContain('kept');
    expect(reg.list('new').map((x) => x.id)).toEqual([p.id]);
    expect(reg.list('old')).toEqual([]);
    await reg.stopAll();
  });
});
