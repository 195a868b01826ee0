// The terminal chat's input buffer, history and completion, and how notifications become its transcript.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ed from '../../../server/cli/tui/editor';
import { addLocalUser, applyNotification, emptyTranscript, settledCount } from '../../../server/cli/tui/transcript';
import { renderMarkdown, stripControls } from '../../../server/cli/tui/markdown';
import { applyProfile } from '../../../server/config/home';

const typed = (text: string) => ed.insert(ed.emptyEditor(), text);

describe('editor', () => {
  it('edits at the cursor, deletes words, and keeps a history that restores the draft', () => {
    let s = typed('helo');
    s = ed.moveCursor(s, -1);
    s = ed.insert(s, 'l');
    expect(s.text).toBe('hello');
    s = ed.lineEnd(ed.insert(s, ''));
    s = ed.deleteWord(ed.insert(s, ' world'));
    expect(s.text).toBe('hello ');
    s = ed.submitted(ed.setText(s, 'first'));
    s = ed.submitted(ed.setText(s, 'second'));
    s = ed.submitted(ed.setText(s, 'second')); // a repeat is not stored twice
    expect(s.history).toEqual(['first', 'second']);
    s = ed.insert(s, 'draft');
    s = ed.historyPrev(s);
    expect(s.text).toBe('second');
    s = ed.historyPrev(ed.historyPrev(s));
    expect(s.text).toBe('first');
    s = ed.historyNext(ed.historyNext(s));
    expect(s.text).toBe('draft');
  });

  it('knows the first and last line of a multi-line buffer', () => {
    const s = typed('a\nb\nc');
    expect(ed.onLastLine(s)).toBe(true);
    expect(ed.onFirstLine(s)).toBe(false);
    expect(ed.onFirstLine(ed.moveCursor(s, -4))).toBe(true);
  });

  it('completes /commands at the start only, and @paths anywhere, one folder at a time', () => {
    const cmds = [
      { name: 'help', description: 'List the commands' },
      { name: 'history', description: 'Resume' },
      { name: 'new', description: 'New' },
      { name: 'whelp', description: 'contains help' },
    ];
    let c = ed.completionFor(typed('/he'), cmds, '/');
    expect(c!.items.map((i) => i.value)).toEqual(['/help', '/whelp']); // prefix matches first, then contains
    c = ed.completionFor(typed('/h'), cmds, '/');
    expect(c!.items.map((i) => i.value)).toEqual(['/help', '/history', '/whelp']);
    expect(ed.completionFor(typed('say /he'), cmds, '/')).toBeNull();
    expect(ed.completionFor(typed('/new'), cmds, '/')).toBeNull(); // already complete
    const applied = ed.applySuggestion(typed('/hi'), ed.completionFor(typed('/hi'), cmds, '/')!, { value: '/history' });
    expect(applied.text).toBe('/history ');

    const dir = mkdtempSync(join(tmpdir(), 'tui-complete-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'src', 'main.ts'), '');
    writeFileSync(join(dir, 'README.md'), '');
    writeFileSync(join(dir, '.env'), '');
    let f = ed.completionFor(typed('look at @'), [], dir);
    expect(f!.items.map((i) => i.value)).toEqual(['@README.md', '@src/']);
    let s = ed.applySuggestion(typed('look at @s'), ed.completionFor(typed('look at @s'), [], dir)!, { value: '@src/' });
    expect(s.text).toBe('look at @src/');
    f = ed.completionFor(s, [], dir);
    expect(f!.items.map((i) => i.value)).toEqual(['@src/main.ts']);
    s = ed.applySuggestion(s, f!, f!.items[0]);
    expect(s.text).toBe('look at @src/main.ts ');
    expect(ed.completionFor(typed('@.e'), [], dir)!.items.map((i) => i.value)).toEqual(['@.env']);
  });
});

describe('transcript', () => {
  const turn = { id: 't1', threadId: 'th', status: 'inProgress' as const, startedAt: 1 };
  it('streams deltas into entries, keeps tool output, adopts the echo of a typed message, and settles at turn end', () => {
    let t = addLocalUser(emptyTranscript(), 'hi');
    t = applyNotification(t, { method: 'turn/started', params: { threadId: 'th', turn } });
    t = applyNotification(t, { method: 'item/started', params: { threadId: 'th', turnId: 't1', item: { id: 'u1', type: 'userMessage', content: [{ type: 'text', text: 'hi' }] } } });
    expect(t.entries.filter((e) => e.kind === 'user')).toHaveLength(1);
    t = applyNotification(t, { method: 'item/agentMessage/delta', params: { threadId: 'th', turnId: 't1', itemId: 'a1', delta: 'Hel' } });
    t = applyNotification(t, { method: 'item/agentMessage/delta', params: { threadId: 'th', turnId: 't1', itemId: 'a1', delta: 'lo' } });
    t = applyNotification(t, {
      method: 'item/started',
      params: { threadId: 'th', turnId: 't1', item: { id: 'c1', type: 'commandExecution', tool: 'terminal', command: 'ls', status: 'inProgress' } },
    });
    t = applyNotification(t, { method: 'item/commandExecution/outputDelta', params: { threadId: 'th', turnId: 't1', itemId: 'c1', delta: 'a.txt\n' } });
    expect(t.entries.find((e) => e.key === 'c1')).toMatchObject({ kind: 'tool', title: '$ ls', output: 'a.txt\n', done: false });
    expect(settledCount(t)).toBe(1); // the user message; the reply is still open
    t = applyNotification(t, { method: 'turn/completed', params: { threadId: 'th', turn: { ...turn, status: 'interrupted' } } });
    expect(t.runningTurn).toBeNull();
    expect(t.entries.find((e) => e.key === 'a1')).toMatchObject({ text: 'Hello', done: true });
    expect(t.entries.at(-1)).toMatchObject({ kind: 'notice', text: 'interrupted' });
    expect(settledCount(t)).toBe(t.entries.length);
  });
});

describe('markdown', () => {
  it('renders emphasis, code and lists, and drops terminal control sequences from model text', () => {
    const out = renderMarkdown('# T\n\n**b** `c`\n\n- x\n- y\n\n```\nz\n```');
    expect(out).toContain('\x1b[1mb\x1b[22m');
    expect(out).toContain('• x\n• y');
    expect(out).not.toContain('**');
    expect(stripControls('a\x1b]0;title\x07b\x1b[2Jc')).toBe('abc');
    expect(renderMarkdown('evil \x1b[2J text')).toBe('evil  text');
  });
});

describe('profiles', () => {
  it('resolve to HERMES_HOME/profiles/NAME, "default" is the root, and names cannot leave profiles/', () => {
    const env: NodeJS.ProcessEnv = { HERMES_HOME: '/h' };
    expect(applyProfile('work', env)).toBe('/h/profiles/work');
    expect(env.HERMES_HOME).toBe('/h/profiles/work');
    const env2: NodeJS.ProcessEnv = { HERMES_HOME: '/h', HERMES_PROFILE: 'p1' };
    expect(applyProfile(undefined, env2)).toBe('/h/profiles/p1');
    expect(env2.HERMES_PROFILE).toBeUndefined(); // children inherit the resolved home, not the profile again
    expect(applyProfile('default', { HERMES_HOME: '/h' })).toBe('/h');
    for (const bad of ['..', '../x', 'a/b', '', ' x/']) if (bad.trim()) expect(() => applyProfile(bad, { HERMES_HOME: '/h' })).toThrow(/invalid profile name/);
  });
});
