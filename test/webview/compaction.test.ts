// Context compaction seen from the chat: the host continues the thread under a new id; the view follows it and
// shows where earlier turns were summarised.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../server/protocol';
import { useWebviewEnv } from './setup';
import { scriptedHost, startScriptedTurn, thread, turn, THREAD_ID, TURN_ID } from './fixtures';

const env = useWebviewEnv();
const NEW_ID = 'thr_compacted';

describe('context compaction', () => {
  it('follows thread/compacted to the new thread and renders the summary marker', async () => {
    const summaryItem: Item = {
      id: 'item_summary',
      turnId: TURN_ID,
      type: 'contextCompaction',
      summary: '## Goal\n- port the parser\n## Todo\n- [ ] run the tests',
      parentThreadId: THREAD_ID,
      method: 'model',
    };
    const user: Item = { id: `user_${TURN_ID}`, turnId: TURN_ID, type: 'userMessage', content: [{ type: 'text', text: 'port it' }] };
    const handlers = {
      ...scriptedHost(),
      'thread/read': (p: { threadId: string }) =>
        p.threadId === NEW_ID
          ? { thread: thread({ id: NEW_ID, parentId: THREAD_ID, parentKind: 'compression', status: 'active' }), turns: [turn({ threadId: NEW_ID })], items: [user, summaryItem] }
          : { thread: thread(), turns: [], items: [] },
    };
    const h = await env.open({ handlers });
    await startScriptedTurn(h, 'port it');
    await h.notify('thread/started', { thread: thread({ id: NEW_ID, parentId: THREAD_ID, parentKind: 'compression', status: 'active' }) });
    await h.notify('thread/compacted', { threadId: THREAD_ID, thread: thread({ id: NEW_ID, parentId: THREAD_ID, parentKind: 'compression' }), turnId: TURN_ID, summaryChars: 60, method: 'model', tokensBefore: 9000, tokensAfter: 2000 });
    await h.until(() => h.requestsSent('thread/read').some((p: any) => p.threadId === NEW_ID), 'thread/read of the new thread');
    const marker = h.page.locator('details.compaction');
    await marker.waitFor();
    expect(await marker.locator('summary').textContent()).toBe('Earlier messages were summarised to free context');
    // The rest of the turn arrives under the new id and lands in the view.
    await h.notify('item/completed', { threadId: NEW_ID, turnId: TURN_ID, item: { id: 'item_reply', turnId: TURN_ID, type: 'agentMessage', text: 'Continuing after the summary.', status: 'completed' } });
    await h.page.getByText('Continuing after the summary.').waitFor();
    // Stop now goes to the new thread id.
    await h.page.getByRole('button', { name: /stop/i }).click();
    await h.until(() => h.requestsSent('turn/interrupt').some((p: any) => p.threadId === NEW_ID), 'turn/interrupt on the new thread');
  });
});
