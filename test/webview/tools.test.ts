// Tool cards, driven by scripted host notifications: a command's output streams into its card and the card ends
// with the exit code and duration; file changes open the diff editor; other tools show arguments and result.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../server/protocol';
import { useWebviewEnv } from './setup';
import { playItem, playTurnEnd, scriptedHost, startScriptedTurn, THREAD_ID, TURN_ID } from './fixtures';

const env = useWebviewEnv();

const command: Item = { id: 'item_cmd', type: 'commandExecution', tool: 'terminal', command: 'npm test', cwd: '/work/space', status: 'inProgress', backend: 'local' };

describe('tool cards (scripted host)', () => {
  it('streams command output into the card and ends with exit code, duration and status', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'run the tests');
    await playItem(h, 'item/started', command);
    const card = page.locator('.card.command');
    await card.waitFor();
    expect(await card.locator('.cmd').textContent()).toBe('npm test');
    expect(await card.locator('.cwd').textContent()).toBe('in /work/space');
    expect(await card.locator('.badge').textContent()).toBe('running');
    expect(await card.getAttribute('aria-busy')).toBe('true');

    for (const line of ['> vitest run\n', ' ✓ adds (2 ms)\n', ' ✗ subtracts\n']) {
      await h.notify('item/commandExecution/outputDelta', { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'item_cmd', delta: line });
    }
    await expect.poll(() => card.locator('.output').textContent()).toBe('> vitest run\n ✓ adds (2 ms)\n ✗ subtracts\n');

    await playItem(h, 'item/completed', { ...command, status: 'failed', exitCode: 1, durationMs: 1234 } as Item);
    await expect.poll(() => card.locator('.badge').textContent()).toBe('failed');
    expect(await card.locator('.exit').textContent()).toBe('exit code 1');
    expect(await card.locator('.duration').textContent()).toBe('1.2 s');
    // The streamed output stays when the completed item does not repeat it.
    expect(await card.locator('.output').textContent()).toContain('✗ subtracts');
    expect(await card.getAttribute('aria-busy')).toBeNull();
    await playTurnEnd(h);
    await page.locator('.turn-footer .usage').waitFor();
    expect(await page.locator('.turn-footer .usage').textContent()).toBe('120 tokens (100 in · 20 out) · $0.0034 · test-model');
  });

  it('lists file changes and opens each in the diff editor; shows generic tools with arguments and result', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'edit files');
    const diff = '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-old\n+new\n';
    await playItem(h, 'item/completed', {
      id: 'item_files',
      type: 'fileChange',
      tool: 'patch',
      status: 'completed',
      durationMs: 40,
      changes: [
        { path: 'src/a.ts', kind: 'update', diff },
        { path: 'src/new.ts', kind: 'add', diff: '+export {};\n' },
      ],
    });
    await playItem(h, 'item/completed', { id: 'item_todo', type: 'toolCall', tool: 'todo', arguments: { todos: [{ id: '1', content: 'write tests' }] }, status: 'completed', result: '1 open task', durationMs: 3 });

    const files = page.locator('.card.files');
    await files.waitFor();
    expect(await files.locator('.file .link').allTextContents()).toEqual(['src/a.ts', 'src/new.ts']);
    expect(await files.locator('.badge.kind-update').textContent()).toBe('update');
    await files.getByRole('button', { name: 'Open diff of src/a.ts' }).click();
    await h.until(() => h.extCalls.some((c) => c.method === 'ext/openDiff'), 'ext/openDiff');
    expect(h.extCalls.find((c) => c.method === 'ext/openDiff')!.params).toEqual({ path: 'src/a.ts', diff, title: 'src/a.ts (update)' });
    await files.getByRole('button', { name: 'src/new.ts', exact: true }).click();
    await h.until(() => h.extCalls.some((c) => c.method === 'ext/openFile'), 'ext/openFile');
    expect(h.extCalls.find((c) => c.method === 'ext/openFile')!.params).toEqual({ path: 'src/new.ts' });

    const todo = page.locator('.card.generic');
    expect(await todo.locator('.tool-name').textContent()).toBe('todo');
    await todo.locator('summary', { hasText: 'Arguments' }).click();
    expect(JSON.parse((await todo.locator('.tool-args pre').textContent())!)).toEqual({ todos: [{ id: '1', content: 'write tests' }] });
    await todo.locator('summary', { hasText: 'Result' }).click();
    expect(await todo.locator('.tool-result pre').textContent()).toBe('1 open task');
    await h.screenshot('tool-cards');
  });

  it('renders the exact text after a synchronous burst of 300 deltas', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'count');
    await playItem(h, 'item/started', { id: 'item_msg', type: 'agentMessage', text: '', status: 'inProgress' });
    const words = Array.from({ length: 300 }, (_, i) => `w${i} `);
    await page.evaluate((ws) => {
      for (const d of ws) {
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'notification', method: 'item/agentMessage/delta', params: { threadId: 'thr_scripted', turnId: 'turn_1', itemId: 'item_msg', delta: d } } }));
      }
    }, words);
    await expect.poll(async () => (await page.locator('.msg.agent p').textContent())?.trim()).toBe(words.join('').trim());
    expect(await page.locator('.msg.agent p').count()).toBe(1);
  });
});
