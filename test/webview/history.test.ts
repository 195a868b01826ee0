// The history view against a real host: list with paging, full-text search, open, rename, archive and delete, each
// checked against what the host then reports.
import { describe, expect, it } from 'vitest';
import type { WebviewHarness } from '../support/webview-harness';
import { useWebviewEnv } from './setup';

const env = useWebviewEnv();

/** A finished one-turn thread, created straight on the host (as another client would). */
async function chat(h: WebviewHarness, text: string, reply: string): Promise<string> {
  env.model.script({ text: reply });
  const { thread } = await h.hostRequest('thread/start', {});
  const { turn } = await h.hostRequest('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] });
  await h.waitForNotification('turn/completed', (p) => p.turn.id === turn.id);
  return thread.id;
}

describe('history (real host)', () => {
  it('lists, searches, opens, renames, archives and deletes chats', async () => {
    const h = await env.openReal();
    const page = h.page;
    const alpha = await chat(h, 'alpha apples question', 'About apples.');
    const beta = await chat(h, 'beta bananas question', 'About bananas: they are yellow.');
    const gamma = await chat(h, 'gamma grapes question', 'About grapes.');

    await page.getByRole('button', { name: 'History' }).click();
    const list = page.getByRole('list', { name: 'Chats' });
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['gamma grapes question', 'beta bananas question', 'alpha apples question']);

    // Search finds a chat by a word in its reply, and opens it.
    await page.getByRole('searchbox', { name: 'Search chats' }).fill('yellow');
    const hits = page.getByRole('list', { name: 'Search results' });
    await expect.poll(() => hits.locator('.hit-open').allTextContents()).toEqual(['beta bananas question']);
    await hits.getByRole('button', { name: 'beta bananas question' }).click();
    await expect.poll(() => page.locator('.transcript').getAttribute('data-thread')).toBe(beta);
    await expect.poll(() => page.locator('.msg.agent p').textContent()).toBe('About bananas: they are yellow.');
    expect(await page.locator('.header .title').textContent()).toBe('beta bananas question');

    // Rename.
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('searchbox', { name: 'Search chats' }).fill('');
    await list.waitFor();
    await page.getByRole('button', { name: 'Rename alpha apples question' }).click();
    const title = page.getByRole('textbox', { name: 'New title for alpha apples question' });
    await title.fill('Apples, renamed');
    await title.press('Enter');
    // Renaming updates the chat, which moves it to the top as in the host's list.
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['Apples, renamed', 'gamma grapes question', 'beta bananas question']);
    expect((await h.hostRequest('thread/read', { threadId: alpha })).thread.title).toBe('Apples, renamed');

    // Archive moves it to the archived list.
    await page.getByRole('button', { name: 'Archive gamma grapes question' }).click();
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['Apples, renamed', 'beta bananas question']);
    await page.getByRole('checkbox', { name: 'Archived' }).check();
    const archived = page.getByRole('list', { name: 'Archived chats' });
    await expect.poll(() => archived.locator('.thread-open').allTextContents()).toEqual(['gamma grapes question']);
    expect((await h.hostRequest('thread/read', { threadId: gamma })).thread.archived).toBe(true);
    await page.getByRole('checkbox', { name: 'Archived' }).uncheck();
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['Apples, renamed', 'beta bananas question']);
    await h.screenshot('history');

    // Delete asks first, then removes it on the host.
    await page.getByRole('button', { name: 'Delete beta bananas question' }).click();
    await page.getByRole('group', { name: 'Delete beta bananas question?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['Apples, renamed']);
    const { threads } = await h.hostRequest('thread/list', {});
    expect(threads.map((t: { id: string }) => t.id)).toEqual([alpha]);
    // It was the chat on screen: the view moved on to a new chat.
    expect(await page.locator('.transcript').count()).toBe(0);
    await page.getByRole('button', { name: 'Back to the chat' }).click();
    expect(await page.locator('.transcript').getAttribute('data-thread')).toBe('');
  });

  it('pages through a long list', async () => {
    const h = await env.openReal();
    const page = h.page;
    for (let i = 0; i < 55; i++) await h.hostRequest('thread/start', { title: `chat ${String(i).padStart(2, '0')}` });
    await page.getByRole('button', { name: 'History' }).click();
    const list = page.getByRole('list', { name: 'Chats' });
    await expect.poll(() => list.locator('.thread').count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => list.locator('.thread').count()).toBe(55);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const titles = await list.locator('.thread-open').allTextContents();
    expect(new Set(titles).size).toBe(55);
  });

  it('shows changes made by another client', async () => {
    const h = await env.openReal();
    const page = h.page;
    await page.getByRole('button', { name: 'History' }).click();
    const list = page.getByRole('list', { name: 'Chats' });
    await page.getByText('No chats yet.').waitFor();
    const { thread } = await h.hostRequest('thread/start', { title: 'from telegram' });
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['from telegram']);
    await h.hostRequest('thread/rename', { threadId: thread.id, title: 'renamed elsewhere' });
    await expect.poll(() => list.locator('.thread-open').allTextContents()).toEqual(['renamed elsewhere']);
    await h.hostRequest('thread/delete', { threadId: thread.id });
    await expect.poll(() => list.locator('.thread').count()).toBe(0);
  });
});
