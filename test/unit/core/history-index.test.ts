// A thread's active messages are found through idx_messages_thread (thread_id, active, id), migration 25: the history
// mark taken after every model call reads the index alone, and the history reads only active rows, in order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../server/store';

const plan = (s: ReturnType<typeof openStore>, sql: string) =>
  (s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('t1') as { detail: string }[]).map((r) => r.detail).join('; ');

describe('history index', () => {
  it('answers the history mark from the index and the history in id order without a sort', () => {
    const s = openStore(join(mkdtempSync(join(tmpdir(), 'hermes-hidx-')), 'state.db'));
    s.threads.createThread({ id: 't1', title: 'T', cwd: '/', model: 'm', source: 'test', systemPrompt: '' });
    for (let i = 0; i < 6; i++) {
      s.threads.createTurn(`u${i}`, 't1', 'm');
      s.threads.insertMessage({ threadId: 't1', turnId: `u${i}`, role: 'user', content: `m${i}`, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
    }
    expect(s.threads.rollback('t1', 2)).toHaveLength(2);
    expect(plan(s, 'SELECT MAX(id) AS maxId, COUNT(*) AS count FROM messages WHERE thread_id = ? AND active = 1')).toMatch(/COVERING INDEX idx_messages_thread/);
    expect(plan(s, 'SELECT * FROM messages WHERE thread_id = ? AND active = 1 ORDER BY id')).not.toMatch(/TEMP B-TREE/);
    expect(s.threads.historyMark('t1').count).toBe(4);
    expect(s.threads.modelHistory('t1').map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3']);
    s.close();
  });
});
