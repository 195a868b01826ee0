// Host messages for the scripted tests: protocol-shaped threads, turns and items, and a tiny scripted host that
// answers thread/turn requests so the webview can send, while the test plays the notifications.
import type { Item, Thread, Turn } from '../../server/protocol';
import type { WebviewHarness } from '../support/webview-harness';

export const THREAD_ID = 'thr_scripted';
export const TURN_ID = 'turn_1';

export function thread(over: Partial<Thread> = {}): Thread {
  return {
    id: THREAD_ID,
    title: 'Scripted chat',
    cwd: '/work/space',
    model: 'test-model',
    source: 'vscode',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    archived: false,
    status: 'idle',
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    turnCount: 0,
    ...over,
  };
}

export function turn(over: Partial<Turn> = {}): Turn {
  return { id: TURN_ID, threadId: THREAD_ID, status: 'inProgress', startedAt: 1_700_000_000_000, ...over };
}

/** Handlers for a host that accepts a new thread and a turn, and reads back `items`. */
export function scriptedHost(items: Item[] = [], turns: Turn[] = []) {
  return {
    'thread/start': () => ({ thread: thread() }),
    'thread/read': () => ({ thread: thread(), turns, items }),
    'turn/start': () => ({ turn: turn() }),
    'turn/interrupt': () => ({ interrupted: true, turnId: TURN_ID }),
  };
}

/** Plays the start of a turn for `text` as the host announces it. */
export async function playTurnStart(h: WebviewHarness, text: string, turnId = TURN_ID): Promise<void> {
  await h.notify('turn/started', { threadId: THREAD_ID, turn: turn({ id: turnId }) });
  const user: Item = { id: `user_${turnId}`, turnId, type: 'userMessage', content: [{ type: 'text', text }] };
  await h.notify('item/started', { threadId: THREAD_ID, turnId, item: user });
  await h.notify('item/completed', { threadId: THREAD_ID, turnId, item: user });
}

export async function playItem(h: WebviewHarness, method: 'item/started' | 'item/updated' | 'item/completed', item: Item, turnId = TURN_ID): Promise<void> {
  await h.notify(method, { threadId: THREAD_ID, turnId, item: { ...item, turnId } });
}

export async function playTurnEnd(h: WebviewHarness, over: Partial<Turn> = {}): Promise<void> {
  const usage = { promptTokens: 100, completionTokens: 20, totalTokens: 120, costUsd: 0.0034 };
  await h.notify('turn/completed', { threadId: THREAD_ID, turn: turn({ status: 'completed', usage, model: 'test-model', completedAt: 1_700_000_001_000, ...over }) });
}

/** Starts a scripted chat: the webview sends a prompt and the host has announced the turn. */
export async function startScriptedTurn(h: WebviewHarness, text: string): Promise<void> {
  const box = h.page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await h.until(() => h.requestsSent('turn/start').length > 0, 'turn/start');
  await playTurnStart(h, text);
}

export function approvalParams(requestId: string, over: Record<string, unknown> = {}) {
  return {
    requestId,
    threadId: THREAD_ID,
    turnId: TURN_ID,
    itemId: 'item_cmd',
    kind: 'command',
    tool: 'terminal',
    command: 'rm -rf build && npm run build',
    cwd: '/work/space',
    reasons: ['deletes files recursively (rm -rf)'],
    choices: ['once', 'session', 'always', 'deny'],
    expiresAt: Date.now() + 60_000,
    ...over,
  };
}
