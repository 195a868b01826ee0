import { describe, expect, it } from 'vitest';
import { ClientHub } from '../../../server/rpc/hub';
import { HostEvents } from '../../../server/agent/events';
import type { Surface } from '../../../server/surfaces/surface';
import type { AnyServerNotification, ServerRequestMethod } from '../../../server/protocol';
import { createLogger } from '../../../server/util/log';

const log = createLogger({ stderr: false, level: 'error' });

interface FakeSurface extends Surface {
  got: AnyServerNotification[];
  asked: { method: string; params: any }[];
  answer?: (p: any) => Promise<unknown>;
}

function surface(id: string, caps: ServerRequestMethod[] = [], answer?: (p: any) => Promise<unknown>): FakeSurface {
  const s: FakeSurface = {
    id,
    kind: 'editor',
    label: `${id}#1`,
    got: [],
    asked: [],
    answer,
    ready: () => true,
    canAnswer: (m) => caps.includes(m),
    notify: (n) => s.got.push(n),
    request: (method, params) => {
      s.asked.push({ method, params });
      return s.answer ? s.answer(params) : new Promise(() => {});
    },
  };
  return s;
}

const approval = (threadId: string) => ({
  threadId,
  turnId: 'turn-1',
  itemId: 'item-1',
  kind: 'command' as const,
  tool: 'terminal',
  command: 'rm -rf build',
  reasons: ['recursive delete'],
  choices: ['once', 'deny'] as ('once' | 'deny')[],
});

function setup() {
  const events = new HostEvents();
  const hub = new ClientHub(events, log);
  return { events, hub };
}

describe('ClientHub routing', () => {
  it('streams a thread only to the surfaces following it; lifecycle goes to everyone', () => {
    const { events, hub } = setup();
    const a = surface('a');
    const b = surface('b');
    const watcher = surface('w');
    for (const s of [a, b, watcher]) hub.add(s);
    hub.subscribe('a', { threadId: 't1' });
    hub.subscribe('b', { threadId: 't2' });
    hub.subscribe('w', { all: true });
    events.emit('item/agentMessage/delta', { threadId: 't1', turnId: 'x', itemId: 'i', delta: 'hello' });
    events.emit('turn/completed', { threadId: 't1', turn: { id: 'x', threadId: 't1', status: 'completed', startedAt: 1 } });
    expect(a.got.map((n) => n.method)).toEqual(['item/agentMessage/delta', 'turn/completed']);
    expect(b.got.map((n) => n.method)).toEqual(['turn/completed']);
    expect(watcher.got.map((n) => n.method)).toEqual(['item/agentMessage/delta', 'turn/completed']);
  });

  it('asks only the origin and the surfaces following that thread, and only those able to answer', async () => {
    const { hub } = setup();
    const origin = surface('origin', ['approval/request'], async () => ({ decision: 'once' }));
    const other = surface('other', ['approval/request']);
    const follower = surface('follower', []);
    const watcher = surface('watcher', ['approval/request']);
    for (const s of [origin, other, follower, watcher]) hub.add(s);
    hub.subscribe('other', { threadId: 't2' });
    hub.subscribe('follower', { threadId: 't1' });
    hub.subscribe('watcher', { all: true });
    const r = await hub.request('approval/request', approval('t1'), { timeoutMs: 5000, routing: { answerers: 'thread', origin: 'origin' } });
    expect(r).toMatchObject({ ok: true, answeredBy: 'origin#1' });
    expect(other.asked).toHaveLength(0);
    expect(follower.asked).toHaveLength(0); // follows the thread but cannot answer approvals
    expect(watcher.asked).toHaveLength(0); // follows every stream, answers for none
  });

  it('with nobody able to answer, ends at once with noAnswerer', async () => {
    const { hub, events } = setup();
    const cli = surface('cli', []);
    hub.add(cli);
    const resolved: unknown[] = [];
    events.on((n) => n.method === 'serverRequest/resolved' && resolved.push(n.params));
    const r = await hub.request('approval/request', approval('t1'), { timeoutMs: 60_000, routing: { answerers: 'thread', origin: 'cli' } });
    expect(r).toEqual({ ok: false, reason: 'noAnswerer' });
    expect(resolved).toMatchObject([{ outcome: 'noAnswerer', threadId: 't1' }]);
  });

  it('ignores an answer that does not fit the protocol and takes a later valid one', async () => {
    const { hub } = setup();
    let n = 0;
    const flaky = surface('flaky', ['approval/request'], async () => (n++ === 0 ? { decision: 'maybe' } : new Promise(() => {})));
    const good = surface('good', ['approval/request']);
    let answerGood!: (v: unknown) => void;
    good.answer = () => new Promise((r) => (answerGood = r));
    hub.add(flaky);
    hub.add(good);
    hub.subscribe('good', { threadId: 't1' });
    const pending = hub.request('approval/request', approval('t1'), { timeoutMs: 5000, routing: { answerers: 'thread', origin: 'flaky' } });
    await new Promise((r) => setTimeout(r, 10));
    answerGood({ decision: 'deny' });
    expect(await pending).toMatchObject({ ok: true, result: { decision: 'deny' }, answeredBy: 'good#1' });
  });

  it('a surface that subscribes while a request waits receives it; compaction moves subscriptions and requests', async () => {
    const { hub } = setup();
    const origin = surface('origin', []);
    const phone = surface('phone', ['approval/request'], async () => ({ decision: 'once' }));
    hub.add(origin);
    hub.add(phone);
    const late = surface('late', ['approval/request']);
    hub.add(late);
    hub.subscribe('late', { threadId: 't1' }); // someone eligible, so the request waits
    const pending = hub.request('approval/request', approval('t1'), { timeoutMs: 5000, routing: { answerers: 'thread', origin: 'origin' } });
    hub.moveThread('t1', 't1b');
    expect(hub.follows('late', 't1b')).toBe(true);
    hub.subscribe('phone', { threadId: 't1b' });
    expect(await pending).toMatchObject({ ok: true, answeredBy: 'phone#1' });
  });

  it('answerers "origin" keeps followers out', async () => {
    const { hub } = setup();
    const origin = surface('origin', ['approval/request']);
    const follower = surface('follower', ['approval/request'], async () => ({ decision: 'once' }));
    hub.add(origin);
    hub.add(follower);
    hub.subscribe('follower', { threadId: 't1' });
    const r = hub.request('approval/request', approval('t1'), { timeoutMs: 50, routing: { answerers: 'origin', origin: 'origin' } });
    expect(await r).toEqual({ ok: false, reason: 'timeout' });
    expect(follower.asked).toHaveLength(0);
  });
});
