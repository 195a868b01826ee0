// Pure pieces behind the Context view, skills commands, the chat controller and the diff editor.
import { describe, expect, it } from 'vitest';
import { contextNodes, formatChars } from '../../extension/views/context-nodes';
import { selectionPrompt, SkillCatalog, skillPickItems, skillPrompt, type Skill } from '../../extension/skills';
import { ChatController } from '../../extension/chat/controller';
import { WebviewHub } from '../../extension/chat/hub';
import { diffKind, oldContentFromDiff, oldSideOfHunks } from '../../extension/chat/diff-content';
import { createTwoFilesPatch } from 'diff';
import type { ExtensionToWebview } from '../../server/protocol';
import { hostInitOptions } from '../../extension/host/init-options';
import { stub, workspace } from './vscode-stub';

const ctx = {
  workspaceRoot: '/w',
  soulLevel: 'workspace' as const,
  workspaceTrusted: true,
  cwd: '/w',
  maxChars: 20_000,
  files: [
    { kind: 'soul' as const, path: '/w/SOUL.md', relPath: 'SOUL.md', size: 800, truncated: false, keptChars: 800, warnings: [] },
    { kind: 'agents' as const, path: '/w/AGENTS.md', relPath: 'AGENTS.md', size: 25_000, truncated: true, keptChars: 20_000, warnings: [] },
    { kind: 'agents' as const, path: '/w/pkg/AGENTS.md', relPath: 'pkg/AGENTS.md', size: 300, truncated: false, keptChars: 300, warnings: ['possible prompt injection: "ignore previous instructions"'] },
  ],
  warnings: ['.cursorrules is not valid UTF-8'],
};
const mem = {
  files: [
    { target: 'memory' as const, path: '/h/memories/MEMORY.md', enabled: true, entries: ['a', 'b'], chars: 1386, limit: 2200, usage: '63% — 1,386/2,200' },
    { target: 'user' as const, path: '/h/memories/USER.md', enabled: false, entries: [], chars: 0, limit: 1375, usage: '0%' },
  ],
};

describe('Context view nodes', () => {
  it('in Restricted Mode says why the workspace files are not loaded, and the host is told at initialize', () => {
    const [files] = contextNodes({ ...ctx, workspaceTrusted: false, soulLevel: 'hermes-home', files: [], warnings: [] }, null);
    expect(files.children![0]).toMatchObject({ label: 'Workspace not trusted (Restricted Mode)', description: 'its SOUL.md, AGENTS.md and rules are not loaded', icon: 'warning' });
    expect(files.children![1].label).toBe('Identity: your SOUL.md (HERMES_HOME)');
    stub.workspaceTrusted = false;
    expect(hostInitOptions(workspace, '1.90.0', {})).toMatchObject({ workspaceTrusted: false, workspaceFolders: ['/work/ws'] });
    stub.workspaceTrusted = true;
    expect(hostInitOptions(workspace, '1.90.0', {}).workspaceTrusted).toBe(true);
  });

  it('lists each context file with size, truncation and injection warnings, then memory', () => {
    const [files, memory] = contextNodes(ctx, mem);
    expect(files.label).toBe('Context files');
    expect(files.children!.map((n) => [n.label, n.description, n.icon])).toEqual([
      ['Identity: SOUL.md from this workspace', 'SOUL.md', 'warning'],
      ['SOUL.md', '800 chars', 'file'],
      ['AGENTS.md', '25k chars · truncated', 'warning'],
      ['pkg/AGENTS.md', '300 chars · 1 warning(s)', 'warning'],
      ['.cursorrules is not valid UTF-8', undefined, 'warning'],
    ]);
    expect(files.children![2].tooltip).toContain('truncated to 20k chars (limit 20k chars)');
    expect(files.children![3].tooltip).toContain('possible prompt injection');
    expect(files.children![1].path).toBe('/w/SOUL.md');
    expect(memory.children!.map((n) => [n.label, n.description, n.icon])).toEqual([
      ['MEMORY.md', '2 entries · 63% — 1,386/2,200', 'memory'],
      ['USER.md', 'disabled', 'warning'],
    ]);
  });

  it('says when nothing is in effect, and shows a read error', () => {
    expect(contextNodes({ ...ctx, soulLevel: 'default', files: [], warnings: [] }, null)[0].children!.map((n) => n.label)).toEqual([
      'Identity: built-in default',
      'No AGENTS.md or SOUL.md in effect',
    ]);
    expect(contextNodes(null, null, 'host not running')[0]).toMatchObject({ label: 'Could not read the context', description: 'host not running' });
    expect(formatChars(999)).toBe('999 chars');
  });
});

const skill = (name: string, category?: string, extra: Partial<Skill> = {}): Skill => ({
  name, description: `${name} does things`, category, path: `/h/skills/${name}/SKILL.md`, command: `/${name}`, missingEnv: [], setupNeeded: false, ...extra,
});

describe('skills', () => {
  it('runs as its slash command', () => {
    expect(skillPrompt('code-review')).toBe('/code-review');
    expect(skillPrompt('/code-review', '  src/a.ts ')).toBe('/code-review src/a.ts');
  });

  it('asks about a selection with the code fenced and located', () => {
    const p = selectionPrompt({ relPath: 'src/a.ts', languageId: 'typescript', text: 'const x = 1;', lines: [3, 4] }, 'why?', 'code-review');
    expect(p).toBe('/code-review why?\n\nFrom `src/a.ts (lines 3-4)`:\n```typescript\nconst x = 1;\n```');
    const whole = selectionPrompt({ relPath: 'README.md', languageId: 'markdown', text: 'a\n```js\nx\n```' }, '');
    expect(whole.startsWith('Explain this code.\n\nFrom `README.md`:\n````markdown\n')).toBe(true);
  });

  it('quick pick items: sorted by category, with setup needs', () => {
    const items = skillPickItems([skill('b', 'git'), skill('a', 'devops', { setupNeeded: true, missingEnv: ['GITHUB_TOKEN'] }), skill('c')]);
    expect(items.map((i) => [i.label, i.description])).toEqual([
      ['c', undefined],
      ['a', 'devops · needs GITHUB_TOKEN'],
      ['b', 'git'],
    ]);
  });

  it('the catalog caches skills/list until skills/changed', async () => {
    let calls = 0;
    const cat = new SkillCatalog({ request: async () => ({ skills: [skill(`s${++calls}`)], errors: [] }) });
    expect((await cat.list())[0].name).toBe('s1');
    expect((await cat.list())[0].name).toBe('s1');
    cat.invalidate();
    expect((await cat.list())[0].name).toBe('s2');
  });
});

class Memory {
  data = new Map<string, unknown>();
  get<T>(k: string) {
    return this.data.get(k) as T | undefined;
  }
  async update(k: string, v: unknown) {
    this.data.set(k, v);
  }
}

describe('ChatController', () => {
  function setup(known?: string, missing = false) {
    const calls: string[] = [];
    const posted: ExtensionToWebview[] = [];
    const hub = new WebviewHub(new Memory());
    if (known) hub.thread.set(known);
    hub.add({ send: (m: ExtensionToWebview) => posted.push(m), hello() {} } as any);
    const host = {
      request: async (method: string, params: any) => {
        calls.push(`${method} ${JSON.stringify(params)}`);
        if (method === 'thread/resume' && missing) throw Object.assign(new Error('gone'), { data: { kind: 'ThreadNotFound' } });
        if (method === 'thread/start') return { thread: { id: 'th-new' } };
        return {};
      },
    };
    let revealed = 0;
    const chat = new ChatController(host, hub, async () => void revealed++, () => '/w');
    return { chat, calls, posted, hub, revealed: () => revealed };
  }

  it('sends into the thread the chat shows, switching the views to it first', async () => {
    const s = setup('th-1');
    expect(await s.chat.sendPrompt('/greet Ada')).toBe('th-1');
    expect(s.calls).toEqual(['thread/resume {"threadId":"th-1"}', 'turn/start {"threadId":"th-1","input":[{"type":"text","text":"/greet Ada"}]}']);
    expect(s.posted).toEqual([{ type: 'command', command: 'openThread', threadId: 'th-1' }]);
    expect(s.revealed()).toBe(1);
  });

  it('starts a thread in the workspace when there is none, or the remembered one is gone', async () => {
    for (const s of [setup(), setup('th-old', true)]) {
      expect(await s.chat.sendPrompt('hi')).toBe('th-new');
      expect(s.calls.filter((c) => c.startsWith('thread/start'))).toEqual(['thread/start {"source":"vscode","cwd":"/w"}']);
      expect(s.hub.thread.get()).toBe('th-new');
    }
  });

  it('new chat forgets the thread and tells the views', () => {
    const s = setup('th-1');
    s.chat.newChat();
    expect(s.hub.thread.get()).toBeNull();
    expect(s.posted).toEqual([{ type: 'command', command: 'newChat' }]);
  });
});

describe('diff content', () => {
  const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const after = before.replace('line 5\n', 'line five\n').replace('line 25\n', '');
  const patch = createTwoFilesPatch('a/f.txt', 'b/f.txt', before, after, '', '', { context: 3 });

  it('rebuilds the old file by reversing the patch onto the current one', () => {
    expect(oldContentFromDiff(patch, after)).toBe(before);
  });

  it('falls back to the hunks when the file changed since', () => {
    const old = oldContentFromDiff(patch, 'something else entirely\n');
    expect(old).toBe(oldSideOfHunks(patch));
    expect(old).toContain('⋯ 1 unchanged line(s) not shown ⋯');
    expect(old).toContain('line 5');
    expect(old).not.toContain('line five');
  });

  it('knows added and deleted files', () => {
    expect(diffKind('--- /dev/null\n+++ b/x\n')).toBe('add');
    expect(diffKind('--- a/x\n+++ /dev/null\n')).toBe('delete');
    expect(diffKind(patch)).toBe('update');
    expect(oldContentFromDiff('--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+x\n', 'x\n', 'add')).toBe('');
  });
});
