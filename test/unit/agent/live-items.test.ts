import { describe, expect, it } from 'vitest';
import { HostEvents } from '../../../server/agent/events';
import { LiveItems } from '../../../server/agent/live-items';
import { RunningTurns } from '../../../server/agent/running-turns';

describe('live items follow a compacted thread', () => {
  it('a running item streamed before compaction is found under the new thread id afterwards', () => {
    const events = new HostEvents();
    const live = new LiveItems(events);
    const running = new RunningTurns();
    running.onMoved((from, to) => live.move(from, to));
    const turn = { id: 'turn-1', threadId: 't1', status: 'inProgress' as const, startedAt: 1 };
    const entry = { threadId: 't1', turn, controller: new AbortController(), done: new Promise<never>(() => {}), steering: [] };
    running.begin(entry);
    events.emit('item/started', { threadId: 't1', turnId: 'turn-1', item: { id: 'i1', turnId: 'turn-1', type: 'agentMessage', text: '', status: 'inProgress' } });
    events.emit('item/agentMessage/delta', { threadId: 't1', turnId: 'turn-1', itemId: 'i1', delta: 'half a reply' });
    running.moved(entry, 't2');
    expect(live.of('t1')).toEqual([]);
    expect(live.of('t2')).toMatchObject([{ id: 'i1', text: 'half a reply' }]);
    expect(running.get('t2')).toBe(entry);
    events.emit('item/agentMessage/delta', { threadId: 't2', turnId: 'turn-1', itemId: 'i1', delta: ', then the rest' });
    expect(live.of('t2')).toMatchObject([{ text: 'half a reply, then the rest' }]);
  });

  it('a queued turn runs when the running one ends, and /stop drops the queue', async () => {
    const running = new RunningTurns();
    let finish!: () => void;
    const done = new Promise<any>((r) => (finish = () => r(undefined)));
    running.begin({ threadId: 't', turn: { id: 'a', threadId: 't', status: 'inProgress', startedAt: 1 }, controller: new AbortController(), done, steering: [] });
    const ran: string[] = [];
    running.enqueue('t', 'b', () => ran.push('b'));
    running.enqueue('t', 'c', () => ran.push('c'));
    expect(running.queuedCount('t')).toBe(2);
    finish();
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toEqual(['b']);
    expect(running.clearQueue('t')).toBe(1);
  });
});
