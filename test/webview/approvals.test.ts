// Cards for host→client requests. Approvals (scripted host: the real host has no gated tool yet) answer with each
// decision, by click and by key, and close only on `serverRequest/resolved` — also when another client, the
// VS Code dialog or the timeout settled it. Clarify questions run against the real host; secrets never show.
import { describe, expect, it } from 'vitest';
import { send, useWebviewEnv } from './setup';
import { approvalParams, scriptedHost, startScriptedTurn, THREAD_ID } from './fixtures';

const env = useWebviewEnv();

describe('approval card (scripted host)', () => {
  it('answers with each decision and closes with the outcome the host reports', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'clean and build');
    const labels = { once: 'Allow once', session: 'Allow for this session', always: 'Always allow', deny: 'Deny' } as const;
    const done = { once: 'Allowed once', session: 'Allowed for this session', always: 'Always allowed', deny: 'Denied' } as const;
    for (const decision of ['once', 'session', 'always', 'deny'] as const) {
      const id = `req-${decision}`;
      const answered = h.serverRequest('approval/request', approvalParams(id));
      const card = page.locator(`[data-request="${id}"]`);
      await card.waitFor();
      expect(await card.locator('.cmd').textContent()).toBe('rm -rf build && npm run build');
      expect(await card.locator('.reasons li').allTextContents()).toEqual(['deletes files recursively (rm -rf)']);
      if (decision === 'once') await h.screenshot('approval-pending');
      await card.getByRole('button', { name: new RegExp(`^${labels[decision]}`) }).click();
      expect(await answered).toEqual({ decision });
      // Sent, but still open (buttons disabled) until the host says it is settled.
      await expect.poll(() => card.locator('button[data-decision]').first().isDisabled()).toBe(true);
      await h.notify('serverRequest/resolved', { requestId: id, threadId: THREAD_ID, outcome: 'answered', answeredBy: 'vscode#1', result: { decision } });
      await expect.poll(() => card.locator('.outcome').textContent()).toBe(`${done[decision]} (answered here)`);
      expect(await card.locator('button').count()).toBe(0);
    }
  });

  it('takes keyboard shortcuts when the card has focus', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'go');
    const answered = h.serverRequest('approval/request', approvalParams('req-key'));
    const card = page.locator('[data-request="req-key"]');
    await card.waitFor();
    // A new card takes focus (the composer was empty), so a single key decides.
    await expect.poll(() => card.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await card.getByRole('button', { name: /^Allow for this session/ }).getAttribute('aria-keyshortcuts')).toBe('S');
    await page.keyboard.press('s');
    expect(await answered).toEqual({ decision: 'session' });
  });

  it('closes when the request was settled elsewhere, by timeout, or by the turn ending', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'go');
    const cases = [
      { id: 'req-other', resolved: { outcome: 'answered', answeredBy: 'telegram#2', result: { decision: 'always' } }, text: 'Always allowed (answered by telegram#2)' },
      { id: 'req-timeout', resolved: { outcome: 'timeout' }, text: 'Denied (no answer in time)' },
      { id: 'req-cancel', resolved: { outcome: 'cancelled' }, text: 'Denied (cancelled, the turn ended)' },
    ];
    for (const c of cases) {
      void h.serverRequest('approval/request', approvalParams(c.id));
      const card = page.locator(`[data-request="${c.id}"]`);
      await card.waitFor();
      await h.notify('serverRequest/resolved', { requestId: c.id, threadId: THREAD_ID, ...c.resolved });
      await expect.poll(() => card.locator('.outcome').textContent()).toBe(c.text);
      expect(await card.locator('button').count()).toBe(0);
    }
    // The webview never answered any of them.
    expect(h.fromWebview.filter((m) => m.type === 'answer')).toHaveLength(0);
    await h.screenshot('approval-resolved');
  });

  it('shows a request from another chat above the composer, answerable there', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    const answered = h.serverRequest('approval/request', approvalParams('req-elsewhere', { threadId: 'thr_other' }));
    const aside = page.getByRole('complementary', { name: 'Waiting in other chats' });
    await aside.waitFor();
    await aside.getByRole('button', { name: /^Deny/ }).click();
    expect(await answered).toEqual({ decision: 'deny' });
    await h.notify('serverRequest/resolved', { requestId: 'req-elsewhere', threadId: 'thr_other', outcome: 'answered', result: { decision: 'deny' } });
    await expect.poll(() => aside.count()).toBe(0);
  });
});

describe('secret card (scripted host)', () => {
  it('sends the typed value to the host and never shows it', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    await startScriptedTurn(h, 'set up the skill');
    const secret = 'sk-very-secret-value-123';
    const answered = h.serverRequest('secret/request', { requestId: 'sec-1', threadId: THREAD_ID, name: 'WEATHER_API_KEY', prompt: 'API key for the weather skill', skill: 'weather' });
    const card = page.locator('[data-request="sec-1"]');
    await card.waitFor();
    const input = card.getByLabel('WEATHER_API_KEY');
    expect(await input.getAttribute('type')).toBe('password');
    await input.fill(secret);
    await card.getByRole('button', { name: 'Save' }).click();
    expect(await answered).toEqual({ value: secret });
    // Even if a host echoes the answer back, it does not land in the page.
    await h.notify('serverRequest/resolved', { requestId: 'sec-1', threadId: THREAD_ID, outcome: 'answered', answeredBy: 'vscode#1', result: { value: secret } });
    await expect.poll(() => card.locator('.outcome').textContent()).toBe('Saved (answered here)');
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    expect(html).not.toContain(secret);
    const state = await page.evaluate(() => sessionStorage.getItem('__hermesWebviewState') ?? '');
    expect(state).not.toContain(secret);
  });
});

/** A real-host turn whose model asks a clarifying question; resolves once the card is on screen. */
async function clarifyCard(args: { question: string; choices?: string[] }, reply: string) {
  env.model.script({ toolCalls: [{ name: 'clarify', arguments: args }] }, { text: reply });
  const h = await env.openReal();
  await send(h.page, 'start');
  const card = h.page.locator('.card.clarify');
  await card.waitFor();
  return { h, page: h.page, card };
}

describe('clarify card (real host)', () => {
  it('answers a question with a suggested choice and the turn goes on', async () => {
    const { page, card } = await clarifyCard({ question: 'Which colour?', choices: ['red', 'blue'] }, 'Blue it is.');
    expect(await card.locator('.question').textContent()).toBe('Which colour?');
    await card.getByRole('button', { name: 'blue' }).click();
    await page.locator('.msg.agent[data-status="completed"]', { hasText: 'Blue it is.' }).waitFor();
    expect(await card.locator('.outcome').textContent()).toBe('Answered “blue” (answered here)');
    const toolMsg = env.model.chatRequests().at(-1)!.body.messages.find((m) => m.role === 'tool')!;
    expect(String(toolMsg.content)).toContain('blue');
  });

  it('takes a free-text answer', async () => {
    const { page, card } = await clarifyCard({ question: 'Name the file?' }, 'Using notes.md.');
    await card.getByLabel('Your answer').fill('notes.md');
    await card.getByLabel('Your answer').press('Enter');
    await page.locator('.msg.agent', { hasText: 'Using notes.md.' }).waitFor();
    await expect.poll(() => card.locator('.outcome').textContent()).toBe('Answered “notes.md” (answered here)');
  });

  it('closes when the extension (its dialog) answered first', async () => {
    const { h, card } = await clarifyCard({ question: 'Proceed?', choices: ['yes', 'no'] }, 'Not proceeding.');
    const requestId = (await card.getAttribute('data-request'))!;
    h.answerFromExtension(requestId, { answer: 'no' });
    await expect.poll(() => card.locator('.outcome').textContent()).toMatch(/^Answered “no” \(answered by vscode#/);
    expect(await card.locator('button').count()).toBe(0);
    expect(h.fromWebview.filter((m) => m.type === 'answer')).toHaveLength(0);
  });
});
