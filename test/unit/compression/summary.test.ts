import { describe, expect, it } from 'vitest';
import {
  SUMMARY_CLOSE,
  SUMMARY_OPEN,
  SUMMARY_SECTIONS,
  acceptSummary,
  currentGoal,
  fallbackSummary,
  frameSummary,
  joinSummaryMessages,
  summaryBody,
  summaryMessages,
  userText,
} from '../../../server/agent/compression';
import { renderTranscript, fitTranscript } from '../../../server/agent/compression/transcript';
import { countText } from '../../../server/agent/compression';
import { Convo } from './fixtures';

const TODOS = [
  { id: '1', content: 'port the parser', status: 'completed' as const },
  { id: '2', content: 'write the tests', status: 'in_progress' as const },
];

const goodSummary = SUMMARY_SECTIONS.map((s) => `## ${s}\n- something concrete about ${s.toLowerCase()}`).join('\n');

describe('deterministic fallback summary', () => {
  const c = new Convo()
    .user('Port the parser from Python to TypeScript')
    .tools({ name: 'read_file', args: { path: 'src/parser.py' }, result: 'def parse(): ...' })
    .tools({ name: 'terminal', args: { command: 'npm test' }, result: 'FAIL test/parser.test.ts\n2 failing', status: 'failed', exitCode: 1 })
    .tools({ name: 'write_file', args: { path: 'src/parser.ts', content: 'x'.repeat(500) }, result: 'wrote 500 bytes' })
    .assistant('Ported; one test still fails.')
    .user('Also keep the public API unchanged')
    .tools({ name: 'patch', args: { path: 'src/index.ts' }, result: 'Error: old_string not found in src/index.ts', status: 'failed' });
  const text = fallbackSummary(c.messages);

  it("lists the user's requests in order", () => {
    const a = text.indexOf('Port the parser from Python');
    const b = text.indexOf('Also keep the public API unchanged');
    expect(a).toBeGreaterThan(-1);
    expect(b).toBeGreaterThan(a);
    expect(text).toMatch(/1\. Port the parser/);
    expect(text).toMatch(/2\. Also keep/);
  });

  it('lists the tool calls with short arguments and how they ended', () => {
    expect(text).toContain('read_file {"path":"src/parser.py"} → ok');
    expect(text).toContain('terminal {"command":"npm test"} → exit 1');
    expect(text).toMatch(/patch \{"path":"src\/index.ts"\} → failed/);
    // Long arguments are shortened.
    expect(text).not.toContain('x'.repeat(200));
  });

  it('lists files touched and errors seen', () => {
    const files = text.slice(text.indexOf('## Files touched'), text.indexOf('## Errors seen'));
    for (const f of ['src/parser.py', 'src/parser.ts', 'src/index.ts']) expect(files).toContain(f);
    const errors = text.slice(text.indexOf('## Errors seen'));
    expect(errors).toContain('terminal: FAIL test/parser.test.ts 2 failing');
    expect(errors).toContain('patch: Error: old_string not found');
  });

  it('with the frame, carries the current goal and the todo list', () => {
    const body = summaryBody({ body: text, goal: currentGoal(c.messages), todos: TODOS, method: 'fallback' });
    const framed = frameSummary(body);
    expect(framed.startsWith(SUMMARY_OPEN)).toBe(true);
    expect(framed.endsWith(SUMMARY_CLOSE)).toBe(true);
    expect(body).toMatch(/## Current goal \(the latest user request\)\nAlso keep the public API unchanged/);
    expect(body).toContain('- [in_progress] 2. write the tests');
    expect(body).toContain('- [completed] 1. port the parser');
    expect(body).toMatch(/summariser was unavailable/);
  });

  it('carries an earlier summary forward and stays bounded', () => {
    const earlier = frameSummary(summaryBody({ body: '## Goal\nship v2', goal: 'ship v2', todos: [], method: 'model' }));
    const c2 = new Convo().user(`${earlier}\n\nnow fix the docs`);
    for (let i = 0; i < 300; i++) c2.tools({ name: 'read_file', args: { path: `docs/page-${i}.md` }, result: 'text' });
    const t = fallbackSummary(c2.messages);
    expect(t).toContain('## Earlier summary');
    expect(t).toContain('ship v2');
    expect(t).toContain('1. now fix the docs');
    expect(t).toMatch(/\(260 earlier entries left out\)/);
    expect(t.length).toBeLessThanOrEqual(8_100);
  });
});

describe('summariser request and answer', () => {
  it('asks for every template section, with the goal and the todo list, and no tools', () => {
    const msgs = summaryMessages({ transcript: '[user]\nhello', goal: 'ship it', todos: TODOS, budgetTokens: 400, hasEarlierSummary: false });
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user']);
    const user = String(msgs[1].content);
    for (const s of SUMMARY_SECTIONS) expect(user).toContain(`## ${s}`);
    expect(user).toContain('ship it');
    expect(user).toContain('[in_progress] 2. write the tests');
    expect(user).toContain('<excerpt>\n[user]\nhello\n</excerpt>');
  });

  it('accepts a templated summary and rejects empty, short or untemplated answers', () => {
    expect(acceptSummary(`<think>hmm</think>\n${goodSummary}`, 10_000)).toBe(goodSummary);
    expect(acceptSummary('```markdown\n' + goodSummary + '\n```', 10_000)).toBe(goodSummary);
    expect(() => acceptSummary('', 10_000)).toThrow(/empty/);
    expect(() => acceptSummary('Sure! Here you go.', 10_000)).toThrow(/too short/);
    expect(() => acceptSummary('I cannot help with summarising this conversation, sorry. '.repeat(3), 10_000)).toThrow(/template/);
    expect(() => acceptSummary('## Goal\n' + 'a'.repeat(200), 10_000)).toThrow(/template/);
    const long = acceptSummary(goodSummary + '\n' + 'detail '.repeat(2000), 1_000);
    expect(long.length).toBeLessThan(1_100);
    expect(long).toMatch(/summary cut at 1000 chars/);
  });
});

describe('transcript for the summariser', () => {
  it('renders roles and tool calls, and tightens caps until it fits', () => {
    const c = new Convo().user('read the log').tools({ name: 'read_file', args: { path: 'app.log' }, result: 'line\n'.repeat(5000) }).assistant('it is long');
    const full = renderTranscript(c.messages, { bodyChars: 100_000, argsChars: 1000 });
    expect(full).toContain('[assistant called read_file] {"path":"app.log"}');
    expect(full).toContain('[result of read_file]');
    const fitted = fitTranscript(c.messages, 400, countText);
    expect(countText(fitted)).toBeLessThanOrEqual(400);
    expect(fitted).toMatch(/chars omitted/);
    expect(fitted).toContain('it is long');
  });

  it('reads what the user wrote after a merged summary', () => {
    const merged = `${frameSummary('## Goal\nx')}\n\nplease continue`;
    expect(userText(merged)).toBe('please continue');
    expect(userText(frameSummary('## Goal\nx'))).toBe('');
    const c = new Convo().user('old request').assistant('ok').user(merged);
    expect(currentGoal(c.messages)).toBe('please continue');
  });
});

describe('summary on the wire', () => {
  it('joins the summary with a user message next to it, and leaves other messages alone', () => {
    const sum = frameSummary('## Goal\nx');
    const out = joinSummaryMessages([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: sum },
      { role: 'user', content: 'latest' },
      { role: 'assistant', content: 'working' },
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
    expect(out.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user', 'user']);
    expect(out[3].content).toBe(`${sum}\n\nlatest`);
  });
});
