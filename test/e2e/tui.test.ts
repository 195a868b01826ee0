// The interactive terminal chat (`hermes-host chat` without -q) in a real terminal: tmux runs the built CLI against
// the scripted model; the test types keys and reads the screen, as a user would.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../support/model-server';
import { HOST_ENTRY, tempHome, writeTestConfig } from '../support/host-process';
import { TmuxTerminal } from '../support/tmux';

let model: ScriptedModelServer;
const terminals: TmuxTerminal[] = [];

beforeAll(async () => {
  model = await ScriptedModelServer.start();
});
afterAll(async () => {
  await model.close();
});
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
  model.reset();
});

function chat(home: string, cwd: string, args: string[] = []): TmuxTerminal {
  const t = TmuxTerminal.start([process.execPath, HOST_ENTRY, 'chat', '--cwd', cwd, ...args], {
    // CI=true as on a CI machine, where Ink would otherwise draw nothing until the chat exits.
    env: { HERMES_HOME: home, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', HOME: mkdtempSync(join(tmpdir(), 'hermes-user-')), CI: 'true' },
    cwd,
  });
  terminals.push(t);
  return t;
}

/** The input box is drawn (the prompt inside its border). */
const ready = (s: string) => /│ › /.test(s);

describe('terminal chat', () => {
  it('streams Markdown, shows a tool card with its output, takes an approval inline, interrupts, redirects, and resumes from /history', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    mkdirSync(join(ws, 'junk'));
    writeFileSync(join(ws, 'junk', 'a.o'), 'x');
    writeFileSync(join(ws, 'notes.md'), 'the mentioned file');
    writeTestConfig(home, model.baseURL);
    const t = chat(home, ws);
    await t.waitFor(ready, 30_000, 'the input box');

    // 1. A streamed reply rendered as Markdown (no asterisks or backticks left on screen).
    model.script({ text: ['Hello ', '**bold** ', 'world with `code`'], chunkDelayMs: 20 });
    t.type('first question');
    t.keys('Enter');
    let s = await t.waitFor('Hello bold world with code', 20_000, 'the streamed reply');
    expect(s).toContain('you › first question');
    expect(s).not.toContain('**bold**');

    // Alt+Enter adds a line; Enter sends both lines as one message; Up recalls it from the input history.
    t.type('line one');
    t.keys('M-Enter');
    t.type('line two');
    await t.waitFor(/│ › line one\s*│\n│\s+line two/, 10_000, 'two lines in the input box');
    model.script({ text: 'Got two lines.' });
    t.keys('Enter');
    await t.waitFor('Got two lines.');
    expect(model.chatRequests().at(-1)!.body.messages.at(-1)!.content).toBe('line one\nline two');
    t.keys('Up');
    await t.waitFor(/│ › line one\s*│\n│\s+line two/, 10_000, 'the message recalled from history');
    t.keys('C-u');

    // 2. Slash-command completion from command/list, and @file completion from the working directory.
    t.type('/hel');
    s = await t.waitFor(/\/help\s+\S/, 10_000, 'the /help suggestion');
    t.keys('C-u');
    t.type('read @no');
    await t.waitFor('@notes.md', 10_000, 'the @file suggestion');
    t.keys('Tab');
    await t.waitFor('│ › read @notes.md', 10_000, 'the completed mention');
    model.script({ text: 'I read it.' });
    t.keys('Enter');
    await t.waitFor('I read it.');
    const sent = model.chatRequests().at(-1)!.body.messages.at(-1)!;
    expect(String(sent.content)).toContain('the mentioned file');

    // 3. A dangerous command: the approval card appears inline; "o" allows it once; the tool card shows its output.
    model.script({ toolCalls: [{ name: 'terminal', arguments: { command: 'rm -rf junk && echo removed-junk' } }] }, { text: 'Cleaned up.' });
    t.type('clean up');
    t.keys('Enter');
    s = await t.waitFor('[o]nce', 20_000, 'the approval card');
    expect(s).toContain('rm -rf junk && echo removed-junk');
    expect(s).toMatch(/\[s\]ession\s+\[a\]lways\s+\[d\]eny/);
    t.type('o');
    s = await t.waitFor('Cleaned up.', 20_000, 'the reply after the command');
    expect(s).toContain('✓ allowed (once)');
    expect(s).toMatch(/\$ rm -rf junk && echo removed-junk[\s\S]*removed-junk[\s\S]*exit 0/);
    expect(existsSync(join(ws, 'junk'))).toBe(false);

    // A clarify question is answered inline, by the number of a suggested answer.
    model.script({ toolCalls: [{ name: 'clarify', arguments: { question: 'Tabs or spaces?', choices: ['tabs', 'spaces'] } }] }, { text: 'Spaces it is.' });
    t.type('format it');
    t.keys('Enter');
    s = await t.waitFor('? Tabs or spaces?', 20_000, 'the clarify card');
    expect(s).toMatch(/1\. tabs\s*│?\n│?\s*2\. spaces/);
    t.type('2');
    t.keys('Enter');
    await t.waitFor('Spaces it is.');
    const toolMsg = model.chatRequests().at(-1)!.body.messages.findLast((m) => m.role === 'tool');
    expect(String(toolMsg!.content)).toContain('The user answered: spaces');

    // 4. Typing while the agent works redirects it (busy mode interrupt); Ctrl+C interrupts a turn.
    model.script({ text: Array.from({ length: 200 }, (_, i) => `slow${i} `), chunkDelayMs: 100 });
    t.type('tell me a long story');
    t.keys('Enter');
    await t.waitFor('slow3', 20_000, 'the slow reply streaming');
    model.script({ text: 'Redirected answer.' });
    t.type('never mind, say something short');
    t.keys('Enter');
    s = await t.waitFor('Redirected answer.', 20_000, 'the redirected reply');
    expect(s).toContain('interrupted the running turn');
    model.script({ text: Array.from({ length: 200 }, (_, i) => `again${i} `), chunkDelayMs: 100 });
    t.type('another long one');
    t.keys('Enter');
    await t.waitFor('again3', 20_000, 'the second slow reply');
    t.keys('C-c');
    s = await t.waitFor(/\ninterrupted\n/, 20_000, 'the interrupted notice');
    expect(s).not.toContain('again199');
    await t.waitFor((x) => /Enter send/.test(x.split('\n').filter(Boolean).at(-1) ?? ''), 20_000, 'the idle status line');

    // 5. /new starts another conversation; /history lists the first and resumes it with its messages.
    t.type('/new');
    t.keys('Enter');
    await t.waitFor('Started a new conversation.');
    t.clearHistory();
    t.type('/history');
    t.keys('Enter');
    s = await t.waitFor('Resume a conversation:', 10_000, 'the history picker');
    const line = s.split('\n').find((l) => /\d+\. first question/.test(l));
    expect(line, s).toBeTruthy();
    t.type(/(\d+)\. first question/.exec(line!)![1]);
    s = await t.waitFor(/── first question \(/, 20_000, 'the resumed conversation');
    const after = s.slice(s.indexOf('── first question ('));
    expect(after).toContain('Hello bold world with code');
    expect(after).toContain('$ rm -rf junk && echo removed-junk');
    model.script({ text: 'Continuing the first one.' });
    t.type('and now?');
    t.keys('Enter');
    await t.waitFor('Continuing the first one.');
    // The resumed thread's history went to the model.
    const msgs = model.chatRequests().at(-1)!.body.messages.map((m) => String(m.content));
    expect(msgs.some((m) => m.includes('first question'))).toBe(true);

    // 6. Ctrl+C twice leaves.
    t.keys('C-c');
    t.keys('C-c');
    await t.waitFor('[exited 0]', 10_000, 'the chat to exit');
  }, 180_000);

  it('is a bundle of its own: the host bundle (chat -q, editors, the gateway) does not load Ink or React', () => {
    const hostBundle = readFileSync(join(HOST_ENTRY, '..', 'hermes.js'), 'utf8');
    // Ink's host elements and its layout engine, present in the chat's bundle only.
    expect(hostBundle).not.toMatch(/ink-box|ink-text|[Yy]oga/);
    expect(readFileSync(join(HOST_ENTRY, '..', 'tui.mjs'), 'utf8')).toMatch(/ink-box[\s\S]*[Yy]oga|[Yy]oga[\s\S]*ink-box/);
  });

  it('offers the endpoint models when no model is configured, and saves the pick', async () => {
    const home = tempHome();
    const ws = mkdtempSync(join(tmpdir(), 'hermes-ws-'));
    writeTestConfig(home, model.baseURL);
    writeFileSync(join(home, 'config.yaml'), readFileSync(join(home, 'config.yaml'), 'utf8').replace('  default: test-model\n', ''));
    const t = chat(home, ws);
    const s = await t.waitFor('No model is configured', 30_000, 'the model picker');
    expect(s).toMatch(/1\. test-model/);
    expect(s).toMatch(/2\. fallback-model/);
    t.keys('Down', 'Enter');
    await t.waitFor('model.default = fallback-model', 10_000, 'the saved model');
    expect(readFileSync(join(home, 'config.yaml'), 'utf8')).toMatch(/default: fallback-model/);
    model.script({ text: 'Using the picked model.' });
    t.type('hi');
    t.keys('Enter');
    await t.waitFor('Using the picked model.');
    expect(model.chatRequests().at(-1)!.body.model).toBe('fallback-model');
  }, 60_000);
});
