// Shared setup for the webview browser tests: one Chromium per file, one harness per test, closed after it.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, WebviewHarness, type HarnessOptions } from '../support/webview-harness';
import { ScriptedModelServer } from '../support/model-server';

export interface Env {
  browser: Browser;
  model: ScriptedModelServer;
  /** Opens a harness; closed automatically after the test. */
  open(opts?: Omit<HarnessOptions, 'browser'>): Promise<WebviewHarness>;
  /** Opens a harness bridged to a real host backed by the scripted model. */
  openReal(opts?: Omit<HarnessOptions, 'browser' | 'modelBaseURL'>): Promise<WebviewHarness>;
}

export function useWebviewEnv(): Env {
  const env = {} as Env;
  const open: WebviewHarness[] = [];
  beforeAll(async () => {
    env.browser = await launchChromium();
    env.model = await ScriptedModelServer.start();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.model?.close();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });
  env.open = async (opts = {}) => {
    const h = await WebviewHarness.open({ browser: env.browser, ...opts });
    open.push(h);
    await h.until(() => h.fromWebview.some((m) => m.type === 'ready'), 'ready');
    return h;
  };
  env.openReal = (opts = {}) => env.open({ ...opts, modelBaseURL: env.model.baseURL });
  return env;
}

/** Types into the composer and presses Enter, as a user does. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}
