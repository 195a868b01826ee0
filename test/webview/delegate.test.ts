// delegate_task in the chat: the call's card nests a card per subagent (goal, status, summary once it ended), each
// opening the subagent's own thread.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../server/protocol';
import { useWebviewEnv } from './setup';
import { playItem, scriptedHost, startScriptedTurn } from './fixtures';

const env = useWebviewEnv();

describe('delegate_task card (scripted host)', () => {
  it('shows subagents as nested cards that update as they end and open their threads', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'split the work');
    const call: Item = { id: 'item_deleg', type: 'toolCall', tool: 'delegate_task', arguments: { tasks: [{ goal: 'count files' }, { goal: 'read notes' }] }, status: 'inProgress' };
    await playItem(h, 'item/started', call);
    await playItem(h, 'item/updated', {
      ...call,
      children: [
        { threadId: 'thr_child_a', goal: 'count files', status: 'running' },
        { threadId: 'thr_child_b', goal: 'read notes', status: 'running' },
      ],
    } as Item);
    const kids = page.locator('.card.generic .subagent');
    await expect.poll(() => kids.count()).toBe(2);
    expect(await kids.locator('.badge').allTextContents()).toEqual(['running', 'running']);
    await playItem(h, 'item/completed', {
      ...call,
      status: 'completed',
      children: [
        { threadId: 'thr_child_a', goal: 'count files', status: 'completed', summary: 'There are 3 files.', durationMs: 1500 },
        { threadId: 'thr_child_b', goal: 'read notes', status: 'timeout', summary: 'TIMED OUT: did not finish.' },
      ],
    } as Item);
    await expect.poll(() => kids.locator('.badge').allTextContents()).toEqual(['done', 'timed out']);
    expect(await kids.locator('.subagent-summary').allTextContents()).toEqual(['There are 3 files.', 'TIMED OUT: did not finish.']);
    await page.getByRole('button', { name: 'Open the subagent thread for read notes' }).click();
    await h.until(() => h.requestsSent('thread/read').some((p) => p.threadId === 'thr_child_b'), 'thread/read of the child');
  });
});
