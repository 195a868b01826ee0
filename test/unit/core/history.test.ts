import { describe, expect, it } from 'vitest';
import { toChatMessages } from '../../../server/agent/history';
import type { StoredMessage } from '../../../server/store';

const msg = (p: Partial<StoredMessage>): StoredMessage => ({
  id: 0, threadId: 't', turnId: 'u', role: 'user', content: null, reasoning: null, toolCalls: null,
  toolCallId: null, toolName: null, items: [], createdAt: 0, ...p,
});

describe('history repair', () => {
  it('gives every tool call a result and drops orphaned results', () => {
    const out = toChatMessages('sys', [
      msg({ role: 'user', content: 'go' }),
      msg({ role: 'assistant', toolCalls: [{ id: 'a', name: 'x', arguments: '{}' }, { id: 'b', name: 'y', arguments: '' }] }),
      msg({ role: 'tool', toolCallId: 'a', content: 'done' }),
      msg({ role: 'tool', toolCallId: 'zzz', content: 'orphan' }),
      msg({ role: 'user', content: 'next' }),
    ]);
    expect(out.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'user']);
    expect(out[4]).toMatchObject({ tool_call_id: 'b', content: expect.stringContaining('ended before y') });
    expect((out[2] as any).tool_calls[1].function.arguments).toBe('{}');
  });
});
