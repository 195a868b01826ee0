// The webview ↔ extension bridge: host methods pass through unchanged, ext/* are answered by the extension,
// answers go to the broker, a reloading webview gets hello and the requests still waiting.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('vscode', () => import('./vscode-stub'));
import { stub, Uri } from './vscode-stub';
import { WebviewBridge, toErrorBody, type BridgeDeps } from '../../extension/chat/bridge';
import { WebviewHub } from '../../extension/chat/hub';
import { createExtMethods, DiffDocuments } from '../../extension/chat/ext-methods';
import type { ExtensionToWebview } from '../../server/protocol';

class Memory {
  data = new Map<string, unknown>();
  get<T>(k: string) {
    return this.data.get(k) as T | undefined;
  }
  async update(k: string, v: unknown) {
    if (v === undefined) this.data.delete(k);
    else this.data.set(k, v);
  }
}

function setup(over: Partial<BridgeDeps> = {}) {
  const posted: ExtensionToWebview[] = [];
  const hostCalls: { method: string; params: unknown }[] = [];
  const extCalls: { method: string; params: unknown }[] = [];
  const answers: { requestId: string; result: unknown }[] = [];
  const hub = new WebviewHub(new Memory());
  const host = {
    connected: true,
    hermesHome: '/home/u/.hermes',
    request: async (method: string, params: unknown) => {
      hostCalls.push({ method, params });
      if (method === 'thread/start') return { thread: { id: 'th-new' } };
      if (method === 'thread/read') {
        const err = Object.assign(new Error('thread th-x not found'), { code: -32010, data: { kind: 'ThreadNotFound' } });
        throw err;
      }
      return { echoed: method };
    },
  };
  const deps: BridgeDeps = {
    host,
    ext: async (method, params) => {
      extCalls.push({ method, params });
      return { done: method };
    },
    broker: {
      answerFromWebview: (requestId, result) => {
        answers.push({ requestId, result });
        return true;
      },
      pending: () => [{ method: 'approval/request', params: { requestId: 'r1' } }],
    },
    thread: hub.thread,
    workspaceRoot: () => '/work/ws',
    log: () => {},
    ...over,
  };
  const bridge = new WebviewBridge((m) => posted.push(m), deps);
  hub.add(bridge);
  return { bridge, posted, hostCalls, extCalls, answers, hub };
}

beforeEach(() => stub.reset());

describe('WebviewBridge', () => {
  it('answers ready with hello (connection, HERMES_HOME, workspace, thread) and re-sends pending requests', async () => {
    const { bridge, posted, hub } = setup();
    hub.thread.set('th-1');
    await bridge.receive({ type: 'ready' });
    expect(posted).toEqual([
      { type: 'hello', connected: true, hermesHome: '/home/u/.hermes', workspaceRoot: '/work/ws', threadId: 'th-1' },
      { type: 'serverRequest', method: 'approval/request', params: { requestId: 'r1' } },
    ]);
  });

  it('forwards host methods unchanged and returns the result under the same id', async () => {
    const { bridge, posted, hostCalls, extCalls } = setup();
    await bridge.receive({ type: 'request', id: 7, method: 'thread/list', params: { limit: 5 } });
    expect(hostCalls).toEqual([{ method: 'thread/list', params: { limit: 5 } }]);
    expect(extCalls).toEqual([]);
    expect(posted).toEqual([{ type: 'response', id: 7, result: { echoed: 'thread/list' } }]);
  });

  it('turns host errors into error responses with code and kind', async () => {
    const { bridge, posted } = setup();
    await bridge.receive({ type: 'request', id: 3, method: 'thread/read', params: { threadId: 'th-x' } });
    expect(posted).toEqual([{ type: 'response', id: 3, error: { message: 'thread th-x not found', code: -32010, kind: 'ThreadNotFound' } }]);
  });

  it('answers ext/* itself after validating params; unknown ext methods and bad params are errors', async () => {
    const { bridge, posted, hostCalls, extCalls } = setup();
    await bridge.receive({ type: 'request', id: 1, method: 'ext/copy', params: { text: 'hi' } });
    await bridge.receive({ type: 'request', id: 2, method: 'ext/nope', params: {} });
    await bridge.receive({ type: 'request', id: 3, method: 'ext/openFile', params: { line: 2 } });
    expect(extCalls).toEqual([{ method: 'ext/copy', params: { text: 'hi' } }]);
    expect(hostCalls).toEqual([]);
    expect(posted[0]).toEqual({ type: 'response', id: 1, result: { done: 'ext/copy' } });
    expect(posted[1]).toMatchObject({ type: 'response', id: 2, error: { kind: 'MethodNotFound' } });
    expect(posted[2]).toMatchObject({ type: 'response', id: 3, error: { kind: 'InvalidParams' } });
  });

  it('passes answers to the broker', async () => {
    const { bridge, answers } = setup();
    await bridge.receive({ type: 'answer', requestId: 'r1', result: { decision: 'once' } });
    expect(answers).toEqual([{ requestId: 'r1', result: { decision: 'once' } }]);
  });

  it('ignores malformed messages without answering', async () => {
    const { bridge, posted, hostCalls } = setup();
    await bridge.receive({ type: 'request', id: 'x', method: 5 });
    await bridge.receive('hello');
    expect(posted).toEqual([]);
    expect(hostCalls).toEqual([]);
  });

  it('starts threads in the workspace as a vscode thread, and remembers the thread the chat is on', async () => {
    const { bridge, hostCalls, hub } = setup();
    await bridge.receive({ type: 'request', id: 1, method: 'thread/start', params: {} });
    expect(hostCalls[0]).toEqual({ method: 'thread/start', params: { source: 'vscode', cwd: '/work/ws' } });
    expect(hub.thread.get()).toBe('th-new');
    await bridge.receive({ type: 'request', id: 2, method: 'turn/start', params: { threadId: 'th-2', input: [{ type: 'text', text: 'x' }] } });
    expect(hub.thread.get()).toBe('th-2');
    await bridge.receive({ type: 'request', id: 3, method: 'thread/delete', params: { threadId: 'th-2' } });
    expect(hub.thread.get()).toBeNull();
  });

  it('the hub broadcasts notifications to every webview', () => {
    const a = setup();
    const second = new WebviewBridge((m) => a.posted.push(m), { ...(a.bridge as any).deps });
    a.hub.add(second);
    a.hub.notify('item/agentMessage/delta', { delta: 'hi' });
    expect(a.posted).toEqual([
      { type: 'notification', method: 'item/agentMessage/delta', params: { delta: 'hi' } },
      { type: 'notification', method: 'item/agentMessage/delta', params: { delta: 'hi' } },
    ]);
  });

  it('toErrorBody keeps only message, numeric code and string kind', () => {
    expect(toErrorBody(new Error('boom'))).toEqual({ message: 'boom' });
    expect(toErrorBody('plain')).toEqual({ message: 'plain' });
  });
});

describe('ext/* methods (VS Code side)', () => {
  const root = mkdtempSync(join(tmpdir(), 'hermes-ext-'));
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'a.ts'), 'one\nTWO\nthree\n');
  const diff = '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n';

  it('ext/openDiff opens vscode.diff with the old content rebuilt from the diff, read-only', async () => {
    const docs = new DiffDocuments();
    const ext = createExtMethods(docs, () => root);
    await ext('ext/openDiff', { path: 'src/a.ts', diff });
    const call = stub.commands[0];
    expect(call.command).toBe('vscode.diff');
    const [before, after, title] = call.args as [Uri, Uri, string];
    expect(before.scheme).toBe('hermes-diff');
    expect(docs.provideTextDocumentContent(before as any)).toBe('one\ntwo\nthree\n');
    expect(after.fsPath).toBe(join(root, 'src', 'a.ts'));
    expect(title).toBe('a.ts (Hermes change)');
  });

  it('ext/openDiff of a file that no longer exists shows both sides from the diff', async () => {
    const docs = new DiffDocuments();
    const ext = createExtMethods(docs, () => root);
    await ext('ext/openDiff', { path: 'gone.txt', diff: '--- /dev/null\n+++ b/gone.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n' });
    const [before, after] = stub.commands[0].args as [Uri, Uri];
    expect(docs.provideTextDocumentContent(before as any)).toBe('');
    expect(docs.provideTextDocumentContent(after as any)).toBe('hello\nworld');
  });

  it('ext/openFile opens the file at the 1-based line', async () => {
    const ext = createExtMethods(new DiffDocuments(), () => root);
    await ext('ext/openFile', { path: 'src/a.ts', line: 2 });
    expect(stub.shownDocuments[0].uri.fsPath).toBe(join(root, 'src', 'a.ts'));
    expect((stub.shownDocuments[0].options as { selection: { startLine: number } }).selection.startLine).toBe(1);
  });

  it('ext/workspaceFiles excludes node_modules and ranks matches', async () => {
    stub.files = ['src/server/main.ts', 'src/domain.ts', 'src/main.ts', 'README.md', 'src/m/a/i/n.ts'];
    const ext = createExtMethods(new DiffDocuments(), () => stub.workspaceRoot);
    const r = (await ext('ext/workspaceFiles', { query: 'main.ts', limit: 3 })) as { files: string[] };
    expect(stub.findFilesCalls[0].exclude).toContain('**/node_modules/**');
    // exact basename (shorter path first), then basename substring; fuzzy matches come last and are cut by the limit
    expect(r.files).toEqual(['src/main.ts', 'src/server/main.ts', 'src/domain.ts']);
  });

  it('ext/copy writes the clipboard; ext/command runs only Hermes commands and opening settings', async () => {
    const ext = createExtMethods(new DiffDocuments(), () => root);
    await ext('ext/copy', { text: 'copied' });
    expect(stub.clipboard).toBe('copied');
    await ext('ext/command', { command: 'hermes.setApiKey' });
    await ext('ext/command', { command: 'workbench.action.openSettings', args: ['hermes'] });
    await expect(ext('ext/command', { command: 'workbench.action.terminal.sendSequence', args: [{ text: 'rm -rf ~\n' }] })).rejects.toThrow(/not allowed/);
    expect(stub.commands.map((c) => c.command)).toEqual(['hermes.setApiKey', 'workbench.action.openSettings']);
  });
});
