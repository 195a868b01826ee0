// Host crash handling: backoff between restarts, one notification per failure burst, requests waiting for the
// reconnection, deliberate restarts that are not failures.
import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../extension/host/restart-policy';
import { HostConfigError, HostSupervisor, type HostClient, type HostState } from '../../extension/host/supervisor';

class FakeClient implements HostClient {
  started = false;
  stopped = false;
  readonly notifications = new Map<string, (p: unknown) => void>();
  readonly requests = new Map<string, (p: unknown) => unknown>();
  sent: { method: string; params: unknown }[] = [];
  constructor(
    readonly onClosed: () => void,
    private readonly startResult: 'ok' | Error,
  ) {}
  initializeResult = { hermesHome: '/h' };
  async start() {
    if (this.startResult instanceof Error) throw this.startResult;
    this.started = true;
  }
  async stop() {
    this.stopped = true;
  }
  async sendRequest(method: string, params: unknown) {
    this.sent.push({ method, params });
    return { ok: method };
  }
  async sendNotification() {}
  onNotification(method: string, h: (p: unknown) => void) {
    this.notifications.set(method, h);
    return { dispose() {} };
  }
  onRequest(method: string, h: (p: unknown) => unknown) {
    this.requests.set(method, h);
    return { dispose() {} };
  }
  /** The host process died. */
  crash() {
    this.onClosed();
  }
}

/** Timers the test fires by hand, recording the delays asked for. */
class ManualTimers {
  readonly delays: number[] = [];
  private pending: (() => void)[] = [];
  setTimeout = (fn: () => void, ms: number) => {
    this.delays.push(ms);
    this.pending.push(fn);
    return fn;
  };
  clearTimeout = (h: unknown) => {
    this.pending = this.pending.filter((f) => f !== h);
  };
  async fire() {
    const fns = this.pending;
    this.pending = [];
    for (const f of fns) f();
    await flush();
  }
}
const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(results: ('ok' | Error)[] = [], now = () => 0, factoryError?: Error) {
  const clients: FakeClient[] = [];
  const notices: string[] = [];
  const log: string[] = [];
  const states: HostState[] = [];
  const timers = new ManualTimers();
  const sup = new HostSupervisor(
    async ({ onClosed }) => {
      if (factoryError) throw factoryError;
      const c = new FakeClient(onClosed, results[clients.length] ?? 'ok');
      clients.push(c);
      return c;
    },
    { notifyFailure: (m) => notices.push(m), notifyConfigProblem: (m, setting) => notices.push(`${setting}: ${m}`), log: (m) => log.push(m) },
    new RestartPolicy({ baseMs: 500, maxMs: 4000, maxAttempts: 5, stableMs: 60_000, now }),
    timers,
  );
  sup.onDidChangeState((s) => states.push(s));
  return { sup, clients, notices, log, states, timers };
}

describe('RestartPolicy', () => {
  it('doubles the delay up to the cap, notifies on the first failure only, and gives up after maxAttempts', () => {
    const p = new RestartPolicy({ baseMs: 500, maxMs: 4000, maxAttempts: 5, now: () => 0 });
    const ds = Array.from({ length: 6 }, () => p.failed());
    expect(ds.map((d) => d.delayMs)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(ds.map((d) => d.notify)).toEqual([true, false, false, false, false, false]);
    expect(ds.map((d) => d.giveUp)).toEqual([false, false, false, false, false, true]);
  });

  it('a connection that stayed up long enough starts a new burst', () => {
    let t = 0;
    const p = new RestartPolicy({ baseMs: 100, stableMs: 1000, now: () => t });
    p.failed();
    p.connected();
    t = 500;
    expect(p.failed()).toMatchObject({ notify: false, delayMs: 200 }); // crashed again soon: same burst
    p.connected();
    t = 5000;
    expect(p.failed()).toMatchObject({ notify: true, delayMs: 100, attempt: 1 });
  });
});

describe('HostSupervisor', () => {
  it('a start that needs a setting changed is reported once with the setting and not retried', async () => {
    const { sup, notices, states, timers } = setup([], () => 0, new HostConfigError('no Node.js was found at "node"', 'hermes.nodePath'));
    sup.start();
    await flush();
    expect(states).toEqual(['starting', 'failed']);
    expect(notices).toEqual(['hermes.nodePath: no Node.js was found at "node"']);
    expect(timers.delays).toEqual([]);
    await expect(sup.request('thread/list', {})).rejects.toThrow(/not running \(failed\)/);
  });

  it('starts, installs the handlers on the client and answers requests', async () => {
    const { sup, clients, states } = setup();
    const seen: unknown[] = [];
    sup.onNotification('turn/started', (p) => seen.push(p));
    sup.onRequest('approval/request', () => ({ decision: 'deny' }));
    sup.start();
    await flush();
    expect(states).toEqual(['starting', 'running']);
    expect(sup.info).toEqual({ hermesHome: '/h' });
    clients[0].notifications.get('turn/started')!({ threadId: 't' });
    expect(seen).toEqual([{ threadId: 't' }]);
    expect(await clients[0].requests.get('approval/request')!({})).toEqual({ decision: 'deny' });
    expect(await sup.request('thread/list', {})).toEqual({ ok: 'thread/list' });
  });

  it('a crash restarts with backoff, notifies once per burst, and re-installs handlers on the new client', async () => {
    const { sup, clients, notices, timers, states } = setup();
    const seen: unknown[] = [];
    sup.onNotification('item/started', (p) => seen.push(p));
    sup.start();
    await flush();
    clients[0].crash();
    clients[0].crash(); // the close handler may fire twice; one failure
    expect(states.at(-1)).toBe('restarting');
    expect(timers.delays).toEqual([500]);
    await timers.fire();
    expect(clients).toHaveLength(2);
    expect(sup.state).toBe('running');
    clients[1].crash();
    await timers.fire();
    clients[2].crash();
    await timers.fire();
    expect(timers.delays).toEqual([500, 1000, 2000]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/Hermes host stopped .* Restarting it/);
    clients[3].notifications.get('item/started')!({ id: 'x' });
    expect(seen).toEqual([{ id: 'x' }]);
  });

  it('a failing start counts as a failure too, and requests wait for the reconnection', async () => {
    const { sup, clients, timers, notices } = setup([new Error('spawn node ENOENT'), 'ok']);
    sup.start();
    await flush();
    expect(sup.state).toBe('restarting');
    expect(notices[0]).toContain('spawn node ENOENT');
    const pending = sup.request('thread/list', {});
    await timers.fire();
    expect(await pending).toEqual({ ok: 'thread/list' });
    expect(clients[1].sent).toEqual([{ method: 'thread/list', params: {} }]);
  });

  it('gives up after too many failures in a row and fails requests with a clear error', async () => {
    const fail = new Error('exit 2');
    const { sup, timers, notices, log } = setup([fail, fail, fail, fail, fail, fail, fail]);
    sup.start();
    await flush();
    for (let i = 0; i < 5; i++) await timers.fire();
    expect(sup.state).toBe('failed');
    expect(notices).toHaveLength(1);
    expect(log.at(-1)).toMatch(/not restarting until "Hermes: Restart Host"/);
    await expect(sup.request('thread/list', {})).rejects.toThrow(/not running \(failed\)/);
  });

  it('a deliberate restart stops the old client without a notification and starts a fresh burst', async () => {
    const { sup, clients, notices, timers } = setup();
    sup.start();
    await flush();
    await sup.restart();
    expect(clients[0].stopped).toBe(true);
    clients[0].crash(); // the old connection closing is expected
    expect(notices).toHaveLength(0);
    expect(timers.delays).toEqual([]);
    expect(sup.state).toBe('running');
    expect(clients).toHaveLength(2);
  });

  it('stop() ends the connection and makes requests fail at once', async () => {
    const { sup, clients } = setup();
    sup.start();
    await flush();
    await sup.stop();
    expect(clients[0].stopped).toBe(true);
    expect(sup.state).toBe('stopped');
    await expect(sup.request('x', {})).rejects.toThrow(/stopped/);
  });
});
