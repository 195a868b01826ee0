import { describe, expect, it } from 'vitest';
import { countText, estimatePrompt, ContextMeter, TokenCounter } from '../../../server/agent/compression';
import { MESSAGE_OVERHEAD, REPLY_PRIMING, messageBytes } from '../../../server/agent/compression/tokens';
import { Convo } from './fixtures';

const SYSTEM = 'You are a helpful agent. Keep answers short.';
const TOOLS = JSON.stringify([{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }]);

describe('token estimate', () => {
  it('counts text with gpt-tokenizer', () => {
    expect(countText('')).toBe(0);
    expect(countText('hello world')).toBe(2);
    // Code and prose both come out far below one token per character.
    const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(20);
    expect(countText(code)).toBeGreaterThan(code.length / 8);
    expect(countText(code)).toBeLessThan(code.length / 2);
  });

  it('counts everything when there is no provider usage: system prompt, tools, messages and their overheads', () => {
    const c = new Convo().user('read a.ts please').tools({ name: 'read_file', args: { path: 'a.ts' }, result: 'const a = 1;' }).assistant('a is 1');
    const counter = new TokenCounter();
    const est = estimatePrompt({ history: c.messages, systemPrompt: SYSTEM, toolsJson: TOOLS }, counter);
    const expected =
      countText(SYSTEM) +
      countText(TOOLS) +
      REPLY_PRIMING +
      c.messages.reduce(
        (n, m) =>
          n +
          MESSAGE_OVERHEAD +
          countText(m.content ?? '') +
          (m.toolCalls ?? []).reduce((k, t) => k + countText(t.id) + countText(t.name) + countText(t.arguments), 0) +
          countText(m.toolCallId ?? ''),
        0,
      );
    expect(est).toEqual({ tokens: expected, source: 'count', bound: false });
  });

  it("starts from the provider's usage of the last call and counts only what came after it", () => {
    const c = new Convo().user('go').tools({ name: 'read_file', result: 'x'.repeat(50) });
    const meter = new ContextMeter();
    // The call that produced the tool call reported 900 + 20 tokens; it covered messages 1..2.
    meter.record('thr', { promptTokens: 900, completionTokens: 20, totalTokens: 920 }, { maxId: 2, count: 2 });
    const counter = new TokenCounter();
    const est = estimatePrompt({ history: c.messages, systemPrompt: SYSTEM, toolsJson: TOOLS }, counter, meter.get('thr'));
    expect(est.source).toBe('usage');
    expect(est.tokens).toBe(920 + counter.message(c.messages[2]));
  });

  it('ignores usage that no longer describes the history (a rollback removed covered messages)', () => {
    const c = new Convo().user('a').assistant('b').user('c').assistant('d');
    const meter = new ContextMeter();
    meter.record('thr', { promptTokens: 5000, completionTokens: 10, totalTokens: 5010 }, { maxId: 4, count: 4 });
    const rolledBack = c.messages.slice(0, 2);
    const est = estimatePrompt({ history: rolledBack, systemPrompt: SYSTEM, toolsJson: '' }, new TokenCounter(), meter.get('thr'));
    expect(est.source).toBe('count');
    expect(est.tokens).toBeLessThan(100);
  });

  it('keeps the last record when a call reports no usage', () => {
    const meter = new ContextMeter();
    meter.record('thr', { promptTokens: 100, completionTokens: 5, totalTokens: 105 }, { maxId: 3, count: 3 });
    meter.record('thr', null, { maxId: 5, count: 5 });
    expect(meter.get('thr')).toEqual({ tokens: 105, uptoId: 3, count: 3 });
    meter.forget('thr');
    expect(meter.get('thr')).toBeUndefined();
  });

  it('proves small prompts are under the limit from their byte size, without tokenizing', () => {
    const c = new Convo().user('héllo wörld — ünïcode ✓').assistant('ok');
    const counter = new TokenCounter();
    const exact = estimatePrompt({ history: c.messages, systemPrompt: SYSTEM, toolsJson: TOOLS }, counter);
    const bounded = estimatePrompt({ history: c.messages, systemPrompt: SYSTEM, toolsJson: TOOLS }, new TokenCounter(), undefined, 100_000);
    expect(bounded.bound).toBe(true);
    // The bound is an upper bound of the exact count.
    expect(bounded.tokens).toBeGreaterThanOrEqual(exact.tokens);
    expect(bounded.tokens).toBe(
      Buffer.byteLength(SYSTEM) + Buffer.byteLength(TOOLS) + REPLY_PRIMING + c.messages.reduce((n, m) => n + messageBytes(m), 0),
    );
    // Near the limit it counts for real.
    const near = estimatePrompt({ history: c.messages, systemPrompt: SYSTEM, toolsJson: TOOLS }, counter, undefined, exact.tokens);
    expect(near).toEqual(exact);
  });
});
