// The composer: slash-command autocomplete (built-ins, every skill, model ids), @file mentions, the model picker,
// keyboard behaviour, and /undo and /retry against the real host.
import { describe, expect, it } from 'vitest';
import { send, useWebviewEnv } from './setup';
import { scriptedHost, THREAD_ID } from './fixtures';

const env = useWebviewEnv();

const skill = (name: string, description: string) => ({ name, description, path: `/skills/${name}/SKILL.md`, command: `/${name}`, missingEnv: [], setupNeeded: false });

describe('composer (scripted host)', () => {
  it('completes slash commands and skills with the arrow keys, and sends a skill command as text', async () => {
    let skills = [skill('code-review', 'Review a change'), skill('summarize', 'Summarize a file')];
    const h = await env.open({ handlers: { ...scriptedHost(), 'skills/list': () => ({ skills, errors: [] }) } });
    const page = h.page;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('/');
    const list = page.getByRole('listbox', { name: 'Commands' });
    await expect.poll(() => list.getByRole('option').locator('.label').allTextContents()).toEqual(['/new', '/retry', '/undo', '/model', '/code-review', '/summarize']);
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    await h.screenshot('slash-autocomplete');

    await box.pressSequentially('re');
    // Prefix matches first, then matches inside the name.
    await expect.poll(() => list.getByRole('option').locator('.label').allTextContents()).toEqual(['/retry', '/code-review']);
    await box.press('ArrowDown');
    expect(await list.getByRole('option', { selected: true }).locator('.label').textContent()).toBe('/code-review');
    expect(await box.getAttribute('aria-activedescendant')).toBe('suggestion-1');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('/code-review ');
    expect(await list.count()).toBe(0);
    await box.pressSequentially('src/app.ts');
    await box.press('Enter');
    await h.until(() => h.requestsSent('turn/start').length === 1, 'turn/start');
    expect(h.requestsSent('turn/start')[0]).toEqual({ threadId: THREAD_ID, input: [{ type: 'text', text: '/code-review src/app.ts' }] });

    // skills/changed refreshes the list.
    skills = [...skills, skill('deploy', 'Deploy the app')];
    await h.notify('skills/changed', {});
    await h.until(() => h.requestsSent('skills/list').length === 2, 'skills/list again');
    await box.fill('');
    await box.pressSequentially('/dep');
    await expect.poll(() => list.getByRole('option').locator('.label').allTextContents()).toEqual(['/deploy']);
    await box.press('Escape');
    expect(await list.count()).toBe(0);
    expect(await box.inputValue()).toBe('/dep');
  });

  it('completes @file mentions from the workspace and sends them as mention items', async () => {
    const h = await env.open({ handlers: scriptedHost(), workspaceFiles: ['README.md', 'src/reader.ts', 'src/writer.ts', 'docs/guide.md'] });
    const page = h.page;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('explain @rea');
    const list = page.getByRole('listbox', { name: 'Files' });
    await expect.poll(() => list.getByRole('option').allTextContents()).toEqual(['README.md', 'src/reader.ts']);
    expect(h.extCalls.filter((c) => c.method === 'ext/workspaceFiles').at(-1)!.params).toEqual({ query: 'rea', limit: 50 });
    await box.press('ArrowDown');
    await box.press('Tab');
    await expect.poll(() => box.inputValue()).toBe('explain @src/reader.ts ');
    await box.pressSequentially('please');
    await box.press('Enter');
    await h.until(() => h.requestsSent('turn/start').length === 1, 'turn/start');
    expect(h.requestsSent('turn/start')[0].input).toEqual([
      { type: 'text', text: 'explain @src/reader.ts please' },
      { type: 'mention', path: 'src/reader.ts' },
    ]);
  });

  it('uses the model picked in the picker or with /model for the next turns', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const page = h.page;
    const picker = page.getByRole('combobox', { name: 'Model' });
    await expect.poll(() => picker.locator('option').allTextContents()).toEqual(['test-model', 'other-model']);
    await picker.selectOption('other-model');
    await send(page, 'hello');
    await h.until(() => h.requestsSent('turn/start').length === 1, 'turn/start');
    // A new chat starts its thread on the picked model.
    expect(h.requestsSent('thread/start')[0]).toEqual({ model: 'other-model' });

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('');
    await box.pressSequentially('/model ');
    const models = page.getByRole('listbox', { name: 'Models' });
    await expect.poll(() => models.getByRole('option').allTextContents()).toEqual(['test-model', 'other-model']);
    await box.pressSequentially('oth');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('/model other-model');
    await box.press('Enter');
    await page.locator('.notice', { hasText: 'The next turns use other-model.' }).waitFor();
    await h.notify('turn/completed', { threadId: THREAD_ID, turn: { id: 'turn_1', threadId: THREAD_ID, status: 'completed', startedAt: 0 } });
    await send(page, 'next');
    await h.until(() => h.requestsSent('turn/start').length === 2, 'second turn/start');
    expect(h.requestsSent('turn/start')[1]).toEqual({ threadId: THREAD_ID, input: [{ type: 'text', text: 'next' }], model: 'other-model' });
    expect(await picker.inputValue()).toBe('other-model');
  });

  it('adds a line with Shift+Enter, clears with Escape, and does not send empty text', async () => {
    const h = await env.open({ handlers: scriptedHost() });
    const box = h.page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    expect(await box.inputValue()).toBe('line one\nline two');
    await box.press('Escape');
    expect(await box.inputValue()).toBe('');
    await box.press('Enter');
    expect(h.requestsSent('thread/start')).toHaveLength(0);
    expect(h.requestsSent('turn/start')).toHaveLength(0);
  });
});

describe('/undo and /retry (real host)', () => {
  it('/undo drops the last turn and gives its message back; /retry sends the last message again', async () => {
    env.model.script({ text: 'Answer one.' }, { text: 'Answer two.' }, { text: 'Answer two, retried.' });
    const h = await env.openReal();
    const page = h.page;
    const box = page.getByRole('textbox', { name: 'Message' });
    await send(page, 'question one');
    await page.locator('.msg.agent p', { hasText: 'Answer one.' }).waitFor();
    await send(page, '/undo');
    await expect.poll(() => page.locator('.msg').count()).toBe(0);
    expect(await box.inputValue()).toBe('question one');
    const threadId = (await page.locator('.transcript').getAttribute('data-thread'))!;
    expect((await h.hostRequest('thread/read', { threadId })).items).toEqual([]);

    await box.fill('question two');
    await box.press('Enter');
    await page.locator('.msg.agent p', { hasText: 'Answer two.' }).waitFor();
    await send(page, '/retry');
    await page.locator('.msg.agent p', { hasText: 'Answer two, retried.' }).waitFor();
    expect(await page.locator('.msg.user').allTextContents()).toEqual(['question two']);
    expect(await page.locator('.msg.agent p').allTextContents()).toEqual(['Answer two, retried.']);
    const read = await h.hostRequest('thread/read', { threadId });
    expect(read.items.map((i: { type: string }) => i.type)).toEqual(['userMessage', 'agentMessage']);
    // The commands ran in the host (server/commands), the same ones the chat apps and the terminal use.
    expect(h.requestsSent('command/run')).toEqual([
      { threadId, text: '/undo' },
      { threadId, text: '/retry' },
    ]);
  });
});
