// The webview holds no conversation state of its own: reloaded (hidden and shown again) or opened fresh (a new
// panel), it rebuilds the chat from the host; only UI state (the draft) comes from `vscode.getState()`.
import { describe, expect, it } from 'vitest';
import { send, useWebviewEnv } from './setup';
import { approvalParams, scriptedHost, startScriptedTurn } from './fixtures';

const env = useWebviewEnv();

describe('reload (real host)', () => {
  it('restores the thread from the host and the draft from the UI state', async () => {
    env.model.script({ text: 'First answer.' });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'first question');
    await page.locator('.msg.agent[data-status="completed"]').waitFor();
    const threadId = await page.locator('.transcript').getAttribute('data-thread');
    await page.getByRole('textbox', { name: 'Message' }).fill('an unsent draft');

    await h.reload();
    await expect.poll(() => page.locator('.transcript[data-state="ready"]').getAttribute('data-thread')).toBe(threadId);
    expect(await page.locator('.msg.user').textContent()).toBe('first question');
    expect(await page.locator('.msg.agent p').textContent()).toBe('First answer.');
    expect(await page.locator('.turn-footer .usage').textContent()).toContain('15 tokens');
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('an unsent draft');
    expect(h.requestsSent('thread/read')).toEqual([{ threadId }]);

    // A new panel has no saved state: the extension's `hello` names the thread.
    await h.freshPage();
    const fresh = h.page;
    await expect.poll(() => fresh.locator('.transcript[data-state="ready"]').getAttribute('data-thread')).toBe(threadId);
    expect(await fresh.locator('.msg.agent p').textContent()).toBe('First answer.');
    expect(await fresh.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
  });

  it('picks up a reply that is still streaming and ends with the full text', async () => {
    env.model.script({ text: Array.from({ length: 60 }, (_, i) => `w${i} `), chunkDelayMs: 40 });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'long');
    await page.locator('.msg.agent[data-status="inProgress"]', { hasText: 'w5' }).waitFor();
    await h.reload();
    await page.locator('.msg.agent[data-status="completed"]').waitFor({ timeout: 15_000 });
    const expected = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    expect((await page.locator('.msg.agent p').textContent())?.trim()).toBe(expected);
    expect(await page.locator('.msg.user').count()).toBe(1);
  });

  it('starts a new chat after the user chose one, even though the extension remembers the old thread', async () => {
    env.model.script({ text: 'Old answer.' });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'old question');
    await page.locator('.msg.agent[data-status="completed"]').waitFor();
    await page.getByRole('button', { name: 'New chat' }).click();
    await h.reload();
    await page.locator('.transcript[data-state="ready"]').waitFor();
    expect(await page.locator('.transcript').getAttribute('data-thread')).toBe('');
    expect(await page.locator('.msg').count()).toBe(0);
  });
});

describe('reload with a pending request (scripted host)', () => {
  it('shows the request again after a reload and can still answer it', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'build');
    const answered = h.serverRequest('approval/request', approvalParams('req-reload'));
    await page.locator('[data-request="req-reload"]').waitFor();
    await h.reload();
    const card = page.locator('[data-request="req-reload"]');
    await card.waitFor();
    await card.getByRole('button', { name: /^Allow once/ }).click();
    expect(await answered).toEqual({ decision: 'once' });
  });
});
