// The view follows VS Code's theme variables (light, dark, high contrast): colours come from them, focus is visible,
// and a screenshot of a full transcript per theme is kept under test-results/webview/. Also: a 500-message thread
// is windowed (only the newest rows in the DOM, older ones added on scroll-up).
import { describe, expect, it } from 'vitest';
import type { Item, Turn } from '../../server/protocol';
import { useWebviewEnv } from './setup';
import { approvalParams, scriptedHost, thread, THREAD_ID } from './fixtures';
import { THEMES, type ThemeName } from './themes';

const env = useWebviewEnv();

const t1: Turn = { id: 'turn_1', threadId: THREAD_ID, status: 'completed', startedAt: 0, model: 'test-model', usage: { promptTokens: 1200, completionTokens: 340, totalTokens: 1540, costUsd: 0.0042 } };
const t2: Turn = { id: 'turn_2', threadId: THREAD_ID, status: 'inProgress', startedAt: 1 };
const richItems: Item[] = [
  { id: 'u1', turnId: 't', type: 'userMessage', content: [{ type: 'text', text: 'Why do the tests fail?' }, { type: 'mention', path: 'src/math.ts' }] },
  { id: 'r1', turnId: 't', type: 'reasoning', text: 'The subtract test expects 1 but gets -1.' },
  { id: 'c1', turnId: 't', type: 'commandExecution', tool: 'terminal', command: 'npm test', cwd: '/work/space', status: 'failed', exitCode: 1, durationMs: 2300, output: '> vitest run\n ✓ adds\n ✗ subtracts: expected 1, got -1\n' },
  { id: 'f1', turnId: 't', type: 'fileChange', tool: 'patch', status: 'completed', durationMs: 12, changes: [{ path: 'src/math.ts', kind: 'update', diff: '-a - b\n+b - a\n' }] },
  {
    id: 'a1',
    turnId: 't',
    type: 'agentMessage',
    status: 'completed',
    text: 'The **subtract** helper had its operands swapped. Fixed in `src/math.ts`:\n\n```ts\nexport function subtract(a: number, b: number): number {\n  return a - b; // was b - a\n}\n```\n\n> Run `npm test` again to confirm.',
  },
].map((i) => ({ ...i, turnId: 'turn_1' }) as Item);
const runningItems: Item[] = [{ id: 'u2', turnId: 'turn_2', type: 'userMessage', content: [{ type: 'text', text: 'Now clean the build folder.' }] }];

async function openRich(theme: ThemeName) {
  const h = await env.open({
    theme,
    handlers: {
      ...scriptedHost(),
      'thread/read': () => ({ thread: thread({ title: 'Fix the failing tests', usage: t1.usage!, status: 'active' }), turns: [t1, t2], items: [...richItems, ...runningItems] }),
    },
  });
  await h.post({ type: 'command', command: 'openThread', threadId: THREAD_ID });
  await h.page.locator('.transcript[data-state="ready"] .card.files').waitFor();
  return h;
}

describe('themes', () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`renders with the ${theme} theme's colours and a visible focus ring`, async () => {
      const h = await openRich(theme);
      const page = h.page;
      void h.serverRequest('approval/request', approvalParams('req-theme', { turnId: 'turn_2', command: 'rm -rf build', reasons: ['deletes files recursively'] }));
      await page.locator('[data-request="req-theme"]').waitFor();
      const vars = THEMES[theme].vars;
      const rgb = (hex: string) => {
        const n = parseInt(hex.slice(1, 7), 16);
        return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
      };
      const style = (sel: string, prop: string) => page.locator(sel).first().evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), prop);
      expect(await style('body', 'background-color')).toBe(rgb(vars['--vscode-sideBar-background']));
      expect(await style('body', 'color')).toBe(rgb(vars['--vscode-foreground']));
      expect(await style('.card.request button.primary', 'background-color')).toBe(rgb(vars['--vscode-button-background']));
      expect(await style('textarea', 'background-color')).toBe(rgb(vars['--vscode-input-background']));
      // Keyboard focus shows the theme's focus border.
      await page.getByRole('textbox', { name: 'Message' }).focus();
      expect(await style('textarea', 'outline-color')).toBe(rgb(vars['--vscode-focusBorder']));
      expect(await style('textarea', 'outline-style')).toBe('solid');
      expect(await h.cspViolations()).toEqual([]);
      await h.screenshot('transcript');
    });
  }
});

describe('long threads', () => {
  it('keeps only the newest rows in the DOM and adds older ones when scrolled up', async () => {
    const turns: Turn[] = [];
    const items: Item[] = [];
    for (let i = 0; i < 250; i++) {
      const turnId = `turn_${i}`;
      turns.push({ id: turnId, threadId: THREAD_ID, status: 'completed', startedAt: i, usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 } });
      items.push({ id: `u${i}`, turnId, type: 'userMessage', content: [{ type: 'text', text: `question ${i}` }] });
      items.push({ id: `a${i}`, turnId, type: 'agentMessage', status: 'completed', text: `Answer **${i}** with \`code\` and a list:\n\n- one\n- two` });
    }
    const h = await env.open({ handlers: { ...scriptedHost(), 'thread/read': () => ({ thread: thread(), turns, items }) } });
    const page = h.page;
    await h.post({ type: 'command', command: 'openThread', threadId: THREAD_ID });
    const transcript = page.locator('.transcript[data-state="ready"]');
    await transcript.waitFor();
    // 500 messages + 250 turn footers on the host's side; a window of the newest in the DOM.
    expect(await transcript.getAttribute('data-rows')).toBe('750');
    const inDom = await page.locator('.transcript-inner > .msg, .transcript-inner > footer').count();
    expect(inDom).toBeLessThan(750);
    expect(await page.locator('.msg.user').last().textContent()).toBe('question 249');
    // The newest message is in view.
    await expect.poll(() => page.locator('.msg.agent').last().isVisible()).toBe(true);
    const box = await page.locator('.transcript').boundingBox();
    const last = await page.locator('.msg.agent').last().boundingBox();
    expect(last!.y + last!.height).toBeLessThanOrEqual(box!.y + box!.height + 1);

    // Scrolling to the top adds older rows until the first message is there, keeping the reader's place each time.
    for (let i = 0; i < 10 && (await page.locator('.msg.user', { hasText: /^question 0$/ }).count()) === 0; i++) {
      const before = await page.locator('.transcript-inner > *').count();
      await page.locator('.transcript').evaluate((el) => el.scrollTo(0, 0));
      await expect.poll(() => page.locator('.transcript-inner > *').count()).toBeGreaterThan(before);
      // The rows the reader saw stay put: the view does not jump to the newly added top.
      expect(await page.locator('.transcript').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    }
    expect(await page.locator('.msg.user').first().textContent()).toBe('question 0');
    expect(await page.locator('.msg.agent strong').first().textContent()).toBe('0');
  });
});
