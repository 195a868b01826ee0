// Editor commands: skills from the quick pick or a key binding's `{ name, args }`, Ask About Selection, creating
// AGENTS.md from the template.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('vscode', () => import('./vscode-stub'));
import { stub } from './vscode-stub';
import { registerCommands, type CommandDeps } from '../../extension/commands';
import { SkillCatalog } from '../../extension/skills';
import { AGENTS_MD_TEMPLATE } from '../../server/context/templates';

const tick = () => new Promise((r) => setTimeout(r, 0));
async function until<T>(fn: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = fn();
    if (v) return v;
    await tick();
  }
  throw new Error('never happened');
}

function setup(root: string) {
  const prompts: string[] = [];
  const refreshed: number[] = [];
  const skills = new SkillCatalog({
    request: async () => ({
      skills: [
        { name: 'code-review', description: 'Reviews code', category: 'software-development', path: '/s', command: '/code-review', missingEnv: [], setupNeeded: false },
        { name: 'commit-message', description: 'Writes commit messages', category: 'git', path: '/s', command: '/commit-message', missingEnv: [], setupNeeded: false },
      ],
      errors: [],
    }),
  });
  const deps = {
    chat: { sendPrompt: async (t: string) => void prompts.push(t), newChat() {} },
    skills,
    refreshContext: () => refreshed.push(1),
    workspaceRoot: () => root,
    currentThread: () => null,
  } as unknown as CommandDeps;
  registerCommands(deps);
  const run = (id: string, ...args: unknown[]) => stub.handlers.get(id)!(...args) as Promise<unknown>;
  return { prompts, refreshed, run };
}

beforeEach(() => stub.reset());

describe('skills as editor commands', () => {
  it('hermes.runSkill with { name, args } (a key binding) runs the slash command without asking', async () => {
    const { prompts, run } = setup('/w');
    await run('hermes.runSkill', { name: 'code-review', args: 'src/a.ts' });
    expect(prompts).toEqual(['/code-review src/a.ts']);
    expect(stub.picks).toHaveLength(0);
  });

  it('Run Skill… picks from the host list, asks for arguments, and sends the command', async () => {
    const { prompts, run } = setup('/w');
    const done = run('hermes.runSkill');
    const pick = await until(() => stub.picks[0]);
    expect((pick.items as { label: string }[]).map((i) => i.label)).toEqual(['commit-message', 'code-review']);
    pick.answer.resolve((pick.items as { label: string }[])[1]);
    const input = await until(() => stub.inputs[0]);
    expect(input.options?.title).toBe('/code-review');
    input.answer.resolve('the last commit');
    await done;
    expect(prompts).toEqual(['/code-review the last commit']);
  });

  it('cancelling the pick or the arguments sends nothing', async () => {
    const { prompts, run } = setup('/w');
    const done = run('hermes.runSkill');
    (await until(() => stub.picks[0])).answer.resolve(undefined);
    await done;
    expect(prompts).toEqual([]);
  });

  it('Ask About Selection sends the question with the selected code and where it is', async () => {
    const { prompts, run } = setup('/w');
    stub.activeTextEditor = {
      selection: { isEmpty: false, start: { line: 9 }, end: { line: 11 } },
      document: { uri: { fsPath: '/work/ws/src/util.ts' }, languageId: 'typescript', getText: (sel?: unknown) => (sel ? 'const a = 1;' : 'whole file') },
    };
    const done = run('hermes.askAboutSelection');
    (await until(() => stub.inputs[0])).answer.resolve('is this right?');
    await done;
    expect(prompts).toEqual(['is this right?\n\nFrom `src/util.ts (lines 10-12)`:\n```typescript\nconst a = 1;\n```']);
  });

  it('Ask About Selection with a skill, on the whole file when nothing is selected', async () => {
    const { prompts, run } = setup('/w');
    stub.activeTextEditor = {
      selection: { isEmpty: true, start: { line: 0 }, end: { line: 0 } },
      document: { uri: { fsPath: '/work/ws/a.py' }, languageId: 'python', getText: () => 'print(1)' },
    };
    const done = run('hermes.askAboutSelectionWithSkill');
    const pick = await until(() => stub.picks[0]);
    expect((pick.items as { label: string }[])[0].label).toContain('No skill');
    pick.answer.resolve((pick.items as { name: string }[]).find((i) => i.name === 'code-review'));
    (await until(() => stub.inputs[0])).answer.resolve('');
    await done;
    expect(prompts).toEqual(['/code-review Explain this code.\n\nFrom `a.py`:\n```python\nprint(1)\n```']);
  });
});

describe('context files', () => {
  it('Create AGENTS.md writes the template in the workspace root, opens it, and keeps an existing file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hermes-cmd-'));
    const { run, refreshed } = setup(root);
    await run('hermes.createAgentsMd');
    expect(readFileSync(join(root, 'AGENTS.md'), 'utf8')).toBe(AGENTS_MD_TEMPLATE);
    expect(stub.shownDocuments[0].uri.fsPath).toBe(join(root, 'AGENTS.md'));
    expect(refreshed).toHaveLength(1);
    writeFileSync(join(root, 'SOUL.md'), 'mine\n');
    await run('hermes.createSoulMd');
    expect(readFileSync(join(root, 'SOUL.md'), 'utf8')).toBe('mine\n');
  });
});
