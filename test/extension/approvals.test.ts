// Host→client requests answered from the IDE prompt and the webview card: first answer wins, stale dialogs do
// nothing when clicked, and a host restart leaves no dialog acting on a request that no longer exists.
import { beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('vscode', () => import('./vscode-stub'));
import { stub } from './vscode-stub';
import { ServerRequestBroker } from '../../extension/requests/broker';
import { approvalMessage, createPromptUi, lateAnswerMessage } from '../../extension/requests/prompts';
import { SecretRedactor } from '../../extension/host/redact';
import type { ExtensionToWebview, ServerRequestParams } from '../../server/protocol';

const tick = () => new Promise((r) => setTimeout(r, 0));

function approval(id = 'req-1', extra: Partial<ServerRequestParams<'approval/request'>> = {}): ServerRequestParams<'approval/request'> {
  return {
    requestId: id,
    threadId: 'th-1',
    turnId: 'tu-1',
    itemId: 'it-1',
    kind: 'command',
    tool: 'terminal',
    command: 'rm -rf build',
    cwd: '/work/ws',
    reasons: ['recursive delete'],
    choices: ['once', 'session', 'always', 'deny'],
    ...extra,
  };
}

function setup() {
  const posted: ExtensionToWebview[] = [];
  const redactor = new SecretRedactor();
  const broker = new ServerRequestBroker(createPromptUi(redactor), (m) => posted.push(m));
  return { broker, posted, redactor };
}

type Settled = { value?: unknown; error?: Error };
function track(p: Promise<unknown>): Settled {
  const s: Settled = {};
  p.then(
    (v) => (s.value = v),
    (e) => (s.error = e),
  );
  return s;
}

beforeEach(() => stub.reset());

describe('approval dialog and webview card', () => {
  it('shows a modal dialog with command, cwd and reasons and forwards the same request to the webview', () => {
    const { broker, posted } = setup();
    void broker.handle('approval/request', approval());
    const d = stub.dialogs[0];
    expect(d.kind).toBe('warning');
    expect(d.options?.modal).toBe(true);
    expect(d.options?.detail).toContain('rm -rf build');
    expect(d.options?.detail).toContain('/work/ws');
    expect(d.options?.detail).toContain('recursive delete');
    expect(d.items).toEqual(['Allow once', 'Allow for this session', 'Always allow', 'Deny']);
    expect(posted).toEqual([{ type: 'serverRequest', method: 'approval/request', params: approval() }]);
    expect(broker.waitingFor('approval/request')).toBe(1);
  });

  it('offers only the choices the host allows', () => {
    const { broker } = setup();
    void broker.handle('approval/request', approval('r', { choices: ['once', 'deny'] }));
    expect(stub.dialogs[0].items).toEqual(['Allow once', 'Deny']);
  });

  it('the dialog answers first: its decision is the reply and a later webview answer is refused', async () => {
    const { broker } = setup();
    const reply = track(broker.handle('approval/request', approval()));
    stub.dialogs[0].answer.resolve('Allow for this session');
    await tick();
    expect(reply.value).toEqual({ decision: 'session' });
    expect(broker.answerFromWebview('req-1', { decision: 'deny' })).toBe(false);
    expect(broker.waitingFor()).toBe(0);
  });

  it('the webview answers first: the reply is its answer and the dialog click later is a no-op with a notice', async () => {
    const { broker } = setup();
    const reply = track(broker.handle('approval/request', approval()));
    expect(broker.answerFromWebview('req-1', { decision: 'deny' })).toBe(true);
    await tick();
    expect(reply.value).toEqual({ decision: 'deny' });
    // The host tells every client the request is resolved; the dialog is still on screen.
    broker.resolved({ requestId: 'req-1', outcome: 'answered', answeredBy: 'vscode#1', result: { decision: 'deny' } });
    stub.dialogs[0].answer.resolve('Allow once');
    await tick();
    expect(reply.value).toEqual({ decision: 'deny' });
    const notice = stub.dialogs.find((d) => d.kind === 'info');
    expect(notice?.message).toMatch(/already answered with "Deny" in the chat view; your answer was not applied/);
  });

  it('answered elsewhere (another client): the pending reply is dropped, the webview is told by the host, the click does nothing', async () => {
    const { broker } = setup();
    const reply = track(broker.handle('approval/request', approval()));
    broker.resolved({ requestId: 'req-1', outcome: 'answered', answeredBy: 'telegram#3', result: { decision: 'once' } });
    await tick();
    expect(reply.error?.message).toMatch(/resolved elsewhere/);
    expect(broker.waitingFor()).toBe(0);
    stub.dialogs[0].answer.resolve('Deny');
    await tick();
    expect(stub.dialogs.filter((d) => d.kind === 'info').map((d) => d.message)).toEqual([
      'Hermes: this approval was already answered with "Allow once" in telegram#3; your answer was not applied.',
    ]);
  });

  it('a timed-out request says so when its dialog is clicked', async () => {
    const { broker } = setup();
    void broker.handle('approval/request', approval()).catch(() => {});
    broker.resolved({ requestId: 'req-1', outcome: 'timeout' });
    stub.dialogs[0].answer.resolve('Allow once');
    await tick();
    expect(stub.dialogs.at(-1)?.message).toMatch(/timed out before you answered/);
  });

  it('closing the dialog without a choice gives no answer: the webview still can', async () => {
    const { broker } = setup();
    const reply = track(broker.handle('approval/request', approval()));
    stub.dialogs[0].answer.resolve(undefined);
    await tick();
    expect(reply.value).toBeUndefined();
    expect(reply.error).toBeUndefined();
    expect(broker.waitingFor()).toBe(1);
    expect(broker.answerFromWebview('req-1', { decision: 'once' })).toBe(true);
    await tick();
    expect(reply.value).toEqual({ decision: 'once' });
    expect(stub.dialogs.filter((d) => d.kind === 'info')).toHaveLength(0);
  });

  it('refuses an invalid webview answer and keeps waiting', async () => {
    const { broker } = setup();
    const reply = track(broker.handle('approval/request', approval()));
    expect(broker.answerFromWebview('req-1', { decision: 'maybe' })).toBe(false);
    expect(broker.answerFromWebview('nope', { decision: 'once' })).toBe(false);
    await tick();
    expect(reply.value).toBeUndefined();
    expect(broker.waitingFor()).toBe(1);
  });

  it('lists pending requests for a webview that reloads, and tells listeners when the count changes', async () => {
    const { broker } = setup();
    const counts: number[] = [];
    broker.onDidChange(() => counts.push(broker.waitingFor('approval/request')));
    void broker.handle('approval/request', approval('a'));
    void broker.handle('approval/request', approval('b'));
    expect(broker.pending().map((p) => p.params.requestId)).toEqual(['a', 'b']);
    broker.answerFromWebview('a', { decision: 'once' });
    expect(counts).toEqual([1, 2, 1]);
  });
});

describe('host restart', () => {
  it('closes the webview cards and keeps the open dialog for the re-sent request, without a second dialog', async () => {
    const { broker, posted } = setup();
    const first = track(broker.handle('approval/request', approval()));
    broker.connectionLost();
    await tick();
    expect(first.error?.message).toMatch(/lost its connection/);
    expect(posted.at(-1)).toEqual({
      type: 'notification',
      method: 'serverRequest/resolved',
      params: { requestId: 'req-1', threadId: 'th-1', outcome: 'cancelled' },
    });
    expect(broker.waitingFor()).toBe(0);
    // The surviving host re-sends its pending request on attach.
    const again = track(broker.handle('approval/request', approval()));
    expect(stub.dialogs.filter((d) => d.options?.modal)).toHaveLength(1);
    expect(posted.at(-1)).toMatchObject({ type: 'serverRequest', method: 'approval/request' });
    stub.dialogs[0].answer.resolve('Always allow');
    await tick();
    expect(again.value).toEqual({ decision: 'always' });
  });

  it('a dialog whose request never came back says the host no longer waits', async () => {
    const { broker } = setup();
    void broker.handle('approval/request', approval()).catch(() => {});
    broker.connectionLost();
    stub.dialogs[0].answer.resolve('Allow once');
    await tick();
    expect(stub.dialogs.at(-1)?.message).toMatch(/host restarted and no longer waits for this approval/);
  });
});

describe('clarify and secret prompts', () => {
  it('clarify with choices uses a quick pick that closes when the webview answers', async () => {
    const { broker } = setup();
    const reply = track(
      broker.handle('clarify/request', { requestId: 'c1', threadId: 't', turnId: 'u', itemId: 'i', question: 'Which DB?', choices: ['sqlite', 'postgres'] }),
    );
    const qp = stub.quickInputs[0];
    expect(qp.kind).toBe('quickPick');
    expect(qp.visible).toBe(true);
    expect(qp.items.map((i) => i.label)).toEqual(['sqlite', 'postgres']);
    expect(broker.answerFromWebview('c1', { answer: 'postgres' })).toBe(true);
    await tick();
    expect(reply.value).toEqual({ answer: 'postgres' });
    expect(qp.visible).toBe(false);
  });

  it('clarify answered in the quick pick, including a typed answer', async () => {
    const { broker } = setup();
    const reply = track(broker.handle('clarify/request', { requestId: 'c2', threadId: 't', turnId: 'u', itemId: 'i', question: 'Name?', choices: ['a'] }));
    stub.quickInputs[0].accept('something else');
    await tick();
    expect(reply.value).toEqual({ answer: 'something else' });
  });

  it('clarify without choices uses an input box, closed when resolved elsewhere', async () => {
    const { broker } = setup();
    void broker.handle('clarify/request', { requestId: 'c3', threadId: 't', turnId: 'u', itemId: 'i', question: 'Why?' }).catch(() => {});
    const box = stub.quickInputs[0];
    expect(box.kind).toBe('inputBox');
    broker.resolved({ requestId: 'c3', outcome: 'answered', answeredBy: 'slack#2' });
    expect(box.visible).toBe(false);
    await tick();
    expect(stub.dialogs).toHaveLength(0); // a closed prompt needs no "already answered" notice
  });

  it('a secret is asked in a password box and registered for redaction before it is sent', async () => {
    const { broker, redactor } = setup();
    const reply = track(broker.handle('secret/request', { requestId: 's1', name: 'TAVILY_API_KEY', prompt: 'Tavily key', skill: 'research' }));
    const box = stub.quickInputs[0];
    expect(box.password).toBe(true);
    expect(box.title).toContain('TAVILY_API_KEY');
    box.accept('tvly-very-secret-value');
    await tick();
    expect(reply.value).toEqual({ value: 'tvly-very-secret-value' });
    expect(redactor.redact('trace: {"value":"x"} and tvly-very-secret-value')).not.toContain('tvly-very-secret-value');
  });
});

describe('messages', () => {
  it('describes file writes and tools', () => {
    expect(approvalMessage(approval('x', { kind: 'fileWrite', command: undefined, path: '/etc/hosts' })).message).toBe('Hermes wants to write a file');
    expect(approvalMessage(approval('x', { kind: 'tool', tool: 'browser' })).message).toBe('Hermes wants to use browser');
    expect(lateAnswerMessage({ method: 'clarify/request', params: {}, reason: 'resolved', outcome: 'cancelled' })).toMatch(/question was cancelled/);
  });
});
