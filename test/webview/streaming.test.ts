// The webview against a real host: a reply streams in as rendered markdown, ends correct, and the turn's usage,
// reasoning and failures show up the way the host reports them.
import { describe, expect, it } from 'vitest';
import { send, useWebviewEnv } from './setup';

const env = useWebviewEnv();

describe('streaming replies (real host)', () => {
  it('renders markdown while the reply streams and ends with the complete, highlighted reply', async () => {
    env.model.script({
      text: ['# Plan\n\nThis is **bold** and ', 'a list:\n\n- one\n- two\n\n```ts\nconst x', ' = 1;\n```\n\nDone.'],
      chunkDelayMs: 400,
      usage: { prompt: 42, completion: 7, cost: 0.0012 },
    });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'make a plan');

    // Mid-stream: the first block is already rendered markdown while the message is still in progress.
    await page.locator('.msg.agent[data-status="inProgress"] strong', { hasText: 'bold' }).waitFor();
    expect(await page.locator('.msg.agent[data-status="inProgress"] h1').textContent()).toBe('Plan');
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Working…');

    const done = page.locator('.msg.agent[data-status="completed"]');
    await done.waitFor();
    expect(await done.locator('h1').textContent()).toBe('Plan');
    expect(await done.locator('li').allTextContents()).toEqual(['one', 'two']);
    expect(await done.locator('code.language-ts').textContent()).toBe('const x = 1;');
    expect(await done.locator('code.language-ts .hljs-keyword').first().textContent()).toBe('const');
    expect(await done.locator('p').last().textContent()).toBe('Done.');
    // The user's message is shown as the host recorded it.
    expect(await page.locator('.msg.user').textContent()).toBe('make a plan');

    // Per-turn usage from turn/completed, and the thread total in the header.
    const usage = page.locator('.turn-footer .usage');
    await usage.waitFor();
    expect(await usage.textContent()).toContain('49 tokens (42 in · 7 out) · $0.0012 · test-model');
    await expect.poll(() => page.locator('.thread-usage').textContent()).toContain('49 tokens');
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('');

    // Copy button on the code block asks the extension to copy the code.
    await done.getByRole('button', { name: 'Copy code' }).click();
    await h.until(() => h.extCalls.some((c) => c.method === 'ext/copy'), 'ext/copy');
    expect(h.extCalls.find((c) => c.method === 'ext/copy')!.params).toEqual({ text: 'const x = 1;' });
    await h.screenshot('streaming');
  });

  it('keeps reasoning collapsed and shows a failed turn plainly', async () => {
    env.model.script({ reasoning: ['Let me ', 'think.'], text: 'Thought about it.' }, { kind: 'status', status: 400, message: 'context length exceeded' });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'think');
    await page.locator('.msg.agent[data-status="completed"]').waitFor();
    const details = page.locator('details.reasoning');
    expect(await details.getAttribute('open')).toBeNull();
    expect(await details.locator('summary').textContent()).toBe('Reasoning');
    expect(await details.locator('.reasoning-text').textContent()).toBe('Let me think.');

    await send(page, 'again');
    const err = page.locator('.turn-footer.failed .turn-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/The turn failed:.*context length exceeded/);
    // The composer is usable again after the failure.
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(1);
  });

  it('stops a running turn with Escape', async () => {
    env.model.script({ text: Array.from({ length: 100 }, (_, i) => `w${i} `), chunkDelayMs: 30 });
    const h = await env.openReal();
    const page = h.page;
    await send(page, 'long answer');
    await page.locator('.msg.agent[data-status="inProgress"]', { hasText: 'w3' }).waitFor();
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(1);
    await page.getByRole('textbox', { name: 'Message' }).press('Escape');
    await page.locator('.turn-footer.interrupted').waitFor();
    expect(h.requestsSent('turn/interrupt')).toHaveLength(1);
    expect(await page.locator('.msg.agent').getAttribute('data-status')).toBe('interrupted');
    expect(await page.locator('.msg.agent .msg-ended').textContent()).toBe('Stopped');
  });
});
