// approvals.mode `smart` is not offered: an old config with it loads as manual with a warning naming file and
// line, `config set` refuses it, and the VS Code setting offers exactly the modes the host implements.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, setConfigValue, validateConfig } from '../../../server/config/load';
import { ApprovalsConfig } from '../../../server/config/schema';
import pkg from '../../../package.json';

describe('approvals.mode', () => {
  it("an old config with 'smart' loads as manual and warns with file and line", () => {
    const r = validateConfig('/h/config.yaml', 'model: m\napprovals:\n  timeout: 5\n  mode: smart\n');
    expect(r.config.approvals).toEqual({ mode: 'manual', timeout: 5 });
    expect(r.warnings).toEqual([expect.stringMatching(/^\/h\/config\.yaml:4: approvals\.mode: 'smart' is not supported; using 'manual'/)]);
  });

  it('the implemented modes load without warnings; anything else is an error naming the key', () => {
    for (const mode of ['manual', 'deny', 'off']) expect(validateConfig('c.yaml', `approvals:\n  mode: ${mode}\n`).warnings).toEqual([]);
    expect(validateConfig('c.yaml', 'approvals:\n  mode: false\n').config.approvals.mode).toBe('off');
    expect(() => validateConfig('c.yaml', 'approvals:\n  mode: sometimes\n')).toThrow(/c\.yaml:2: approvals\.mode:/);
  });

  it("config set refuses 'smart' and leaves the file as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-cfg-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'approvals:\n  mode: deny\n');
    expect(() => setConfigValue(file, 'approvals.mode', 'smart')).toThrow(ConfigError);
    expect(() => setConfigValue(file, 'approvals.mode', 'smart')).toThrow(/'smart' is not supported; choose manual/);
    expect(readFileSync(file, 'utf8')).toBe('approvals:\n  mode: deny\n');
    expect(setConfigValue(file, 'approvals.mode', 'manual').config.approvals.mode).toBe('manual');
  });

  it('the VS Code setting offers the same modes as the schema, plus "leave as is"', () => {
    const setting = (pkg as any).contributes.configuration.properties?.['hermes.approvalMode'] ??
      (pkg as any).contributes.configuration.find?.((c: any) => c.properties?.['hermes.approvalMode']).properties['hermes.approvalMode'];
    const modeSchema = (ApprovalsConfig.shape.mode as any).unwrap?.() ?? ApprovalsConfig.shape.mode;
    const options: string[] = modeSchema._zod.def.out?._zod?.def?.entries ? Object.values(modeSchema._zod.def.out._zod.def.entries) : [];
    expect(setting.enum.filter((v: string) => v !== '').sort()).toEqual([...options].sort());
    expect(setting.enum).not.toContain('smart');
    expect(setting.enumDescriptions).toHaveLength(setting.enum.length);
  });
});
