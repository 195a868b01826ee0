// `chat -q` from a subdirectory of a git repository: the repository root is the workspace (its AGENTS.md reaches
// the model, above the subdirectory's own), while commands still run in the subdirectory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome, writeTestConfig } from '../support/host-process';
import { useE2E } from '../support/e2e-env';

const env = useE2E({ drained: true });

function systemPrompt(): string {
  const msgs = env.model.chatRequests().at(-1)!.body.messages;
  return msgs.filter((m) => m.role === 'system').map((m) => String(m.content)).join('\n');
}

describe('chat -q workspace root', () => {
  it('from a subdirectory of a git repository uses the root AGENTS.md and runs in the subdirectory', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const repo = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-repo-')));
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'AGENTS.md'), 'Root rule: answer in haiku (ROOT-MARKER-7731).\n');
    const sub = join(repo, 'packages', 'web');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'AGENTS.md'), 'Package rule: web only (SUB-MARKER-4410).\n');
    env.model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'pwd' } }] }, { text: 'done' });
    const r = await runCli(['chat', '-q', 'where am I?'], { HERMES_HOME: home, GIT_CEILING_DIRECTORIES: '' }, sub);
    expect(r.code).toBe(0);
    const prompt = systemPrompt();
    expect(prompt).toContain('ROOT-MARKER-7731');
    expect(prompt).toContain('SUB-MARKER-4410');
    expect(prompt.indexOf('ROOT-MARKER-7731')).toBeLessThan(prompt.indexOf('SUB-MARKER-4410'));
    const tool = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool');
    expect(String(tool!.content)).toContain(sub);
  });

  it('outside any repository the directory itself is the workspace', async () => {
    const home = tempHome();
    writeTestConfig(home, env.model.baseURL);
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-plain-')));
    const child = join(dir, 'child');
    mkdirSync(child);
    writeFileSync(join(dir, 'AGENTS.md'), 'Parent rule (PARENT-MARKER-2291).\n');
    env.model.script({ text: 'ok' });
    const r = await runCli(['chat', '-q', 'hi'], { HERMES_HOME: home, GIT_CEILING_DIRECTORIES: dir }, child);
    expect(r.code).toBe(0);
    expect(systemPrompt()).not.toContain('PARENT-MARKER-2291');
  });
});
