// Driving code-server's workbench with playwright-core: run commands from the palette, find the chat webview's
// frame, answer modal dialogs, read notifications.
import type { Frame, Page } from 'playwright-core';
import { untilOk } from '../support/until';

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The status bar is among the last parts to render; commands typed earlier can be lost.
  await page.waitForSelector('.statusbar', { timeout: 30_000 });
}

/** Waits for a status bar entry contributed by an extension (its id is the element id). */
export async function waitForStatusItem(page: Page, id: string, timeoutMs = 60_000): Promise<string> {
  const item = page.locator(`[id="${id}"]`);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return item.innerText();
}

/**
 * Opens the command palette and runs the command labelled `title` ("Category: Title"). The palette computes its
 * entries when it opens, so a command contributed by an extension that was still loading is retried once more.
 */
export async function runCommand(page: Page, title: string, attempts = 3): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  const row = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
  for (let i = 1; ; i++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    // The palette's matcher finds "Hermes: Open Chat" from "Open Chat" but not from the full label.
    await input.fill(`>${title.includes(': ') ? title.slice(title.indexOf(': ') + 2) : title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
      return;
    } catch {
      if (i >= attempts) {
        throw new Error(`command "${title}" is not in the palette (value ${JSON.stringify(await input.inputValue())}; rows: ${(await rows.allInnerTexts()).join(' | ')})`);
      }
    }
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Picks a quick pick entry by its label (the quick pick must be open). */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** Types into an open input box and accepts. */
export async function answerInputBox(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await input.press('Enter');
}

/** The frame (webviews are nested iframes) that holds `selector`. */
export async function findFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      try {
        if (await f.$(selector)) return f;
      } catch {
        // frame navigated or detached meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame with ${selector} after ${timeoutMs} ms (frames: ${page.frames().map((f) => f.url().slice(0, 80)).join(', ')})`);
    await page.waitForTimeout(250);
  }
}

/** The open modal dialog: its message and detail, and a way to click one of its buttons. */
export async function modalDialog(page: Page, timeoutMs = 30_000) {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  return {
    text: async () => (await box.innerText()).trim(),
    buttons: async () => (await box.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()),
    click: async (label: string) => {
      await box.locator('.monaco-button', { hasText: label }).first().click();
      await box.waitFor({ state: 'hidden', timeout: 10_000 });
    },
  };
}

export async function notifications(page: Page): Promise<string[]> {
  return (await page.locator('.notification-list-item-message').allInnerTexts()).map((t) => t.trim());
}

/** Polls `fn` until it returns a truthy value (a throw counts as not yet). */
export const until = <T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> => untilOk(what, fn, timeoutMs, 200);
