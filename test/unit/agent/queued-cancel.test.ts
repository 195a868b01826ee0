// Cancelling one queued turn: it leaves the queue without disturbing the others, and takeQueue names what it drops
// (ThreadService ends those turns as interrupted so whoever waits for them hears).
import { describe, expect, it } from 'vitest';
import { RunningTurns } from '../../../server/agent/running-turns';

describe('queued turns', () => {
  it('drops exactly the named queued turn; the rest still run in order', async () => {
    const running = new RunningTurns();
    let finish!: () => void;
    const done = new Promise<any>((r) => (finish = () => r(undefined)));
    running.begin({ threadId: 't', turn: { id: 'a', threadId: 't', status: 'inProgress', startedAt: 1 }, controller: new AbortController(), done, steering: [] });
    const ran: string[] = [];
    for (const id of ['b', 'c', 'd']) running.enqueue('t', id, () => ran.push(id));
    expect(running.dropQueued('t', 'c')).toBe(true);
    expect(running.dropQueued('t', 'c')).toBe(false);
    expect(running.dropQueued('t', 'a')).toBe(false); // running, not queued
    finish();
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toEqual(['b']);
    expect(running.takeQueue('t')).toEqual(['d']);
    expect(running.queuedCount('t')).toBe(0);
  });
});
