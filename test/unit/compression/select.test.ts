import { describe, expect, it } from 'vitest';
import { selectBoundaries, toUnits, unitTokens, type SelectOptions, type Unit } from '../../../server/agent/compression';
import { toChatMessages } from '../../../server/agent/history';
import { Convo, charTokens } from './fixtures';

const opts = (p: Partial<SelectOptions> = {}): SelectOptions => ({ protectFirstN: 2, protectLastN: 1, tailBudget: 100, tailHardCap: 200, ...p });
const ids = (us: Unit[]) => us.flatMap((u) => u.messages.map((m) => m.id));
const big = (n: number, ch = 'x') => ch.repeat(n);

/** Every tool result sits in the same part (head, middle, tail) as the assistant message that called it. */
function assertPairsWhole(parts: Unit[][]) {
  for (const part of parts) {
    const calls = new Set(part.flatMap((u) => u.messages.flatMap((m) => (m.toolCalls ?? []).map((c) => c.id))));
    for (const u of part) for (const m of u.messages) if (m.role === 'tool') expect(calls.has(m.toolCallId!)).toBe(true);
  }
}

describe('compression boundaries', () => {
  it('keeps the first exchange, summarises the middle and keeps a tail within budget', () => {
    const c = new Convo()
      .user('first request')
      .assistant('first answer')
      .user('second')
      .tools({ name: 'read_file', args: { path: 'a.ts' }, result: big(150) })
      .assistant(big(60))
      .user('third')
      .assistant('ok, done');
    const sel = selectBoundaries(toUnits(c.messages, charTokens), opts())!;
    expect(ids(sel.head)).toEqual([1, 2]);
    // Tail: the last answer, then 'third' fits (8 + 5 tokens) and the tail may start on the assistant before it.
    expect(sel.tail[0].role).toBe('assistant');
    expect(ids(sel.tail)).toEqual([6, 7, 8]);
    expect(ids(sel.middle)).toEqual([3, 4, 5]);
    expect(sel.lifted).toBeUndefined();
  });

  it('never separates a tool call from its results, however the budget falls', () => {
    const c = new Convo().user('go').assistant('sure');
    for (let i = 0; i < 12; i++) {
      c.tools(
        { name: 'read_file', args: { path: `f${i}` }, result: big(10 + i * 7) },
        { name: 'search_files', args: { q: String(i) }, result: big(5 + ((i * 13) % 40)) },
      );
    }
    c.assistant('summary of work');
    const units = toUnits(c.messages, charTokens);
    for (let budget = 0; budget < 600; budget += 17) {
      const sel = selectBoundaries(units, opts({ tailBudget: budget, tailHardCap: budget }));
      if (!sel) continue;
      assertPairsWhole([sel.head, sel.middle, sel.tail]);
      // The kept parts, in order, still make valid chat-completions messages: no orphan results, none missing.
      const kept = [...sel.head, ...sel.tail].flatMap((u) => u.messages);
      const wire = toChatMessages('sys', kept);
      expect(wire.filter((m) => m.role === 'tool').length).toBe(kept.filter((m) => m.role === 'tool').length);
    }
  });

  it('spends the tail budget from the end and stops at the first unit that does not fit', () => {
    const c = new Convo().user('go').assistant('ok');
    for (let i = 0; i < 6; i++) c.tools({ name: 't', result: big(40) });
    const units = toUnits(c.messages, charTokens);
    const perUnit = units[2].tokens;
    const sel = selectBoundaries(units, opts({ tailBudget: perUnit * 3 + 1, tailHardCap: perUnit * 3 + 1, protectLastN: 1 }))!;
    expect(sel.tail).toHaveLength(3);
    expect(unitTokens(sel.tail)).toBeLessThanOrEqual(perUnit * 3 + 1);
    expect(sel.middle).toHaveLength(3);
  });

  it('keeps protect_last_n messages beyond the budget while they fit under the hard cap', () => {
    const c = new Convo().user('go').assistant('ok');
    for (let i = 0; i < 8; i++) c.tools({ name: 't', result: big(40) });
    const units = toUnits(c.messages, charTokens);
    const per = units[2].tokens;
    // Budget for one unit; six messages wanted (three units), hard cap allows four units.
    const sel = selectBoundaries(units, opts({ tailBudget: per, tailHardCap: per * 4, protectLastN: 6 }))!;
    expect(sel.tail.flatMap((u) => u.messages)).toHaveLength(6);
    // Hard cap below that: the minimum count gives way.
    const capped = selectBoundaries(units, opts({ tailBudget: per, tailHardCap: per * 2, protectLastN: 12 }))!;
    expect(capped.tail).toHaveLength(2);
  });

  it('always keeps the last unit, even over budget (the model continues from it)', () => {
    const c = new Convo().user('go').assistant('ok').user('read it').tools({ name: 't', result: big(50) }).tools({ name: 'read_file', result: big(5000) });
    const sel = selectBoundaries(toUnits(c.messages, charTokens), opts({ tailBudget: 10, tailHardCap: 10 }))!;
    expect(sel.tail).toHaveLength(1);
    expect(sel.tail[0].messages.map((m) => m.role)).toEqual(['assistant', 'tool']);
    expect(sel.tail[0].messages[1].content).toHaveLength(5000);
    expect(sel.lifted!.messages[0].content).toBe('read it');
  });

  it('lifts the latest user message out of the middle when the turn ran long', () => {
    const c = new Convo().user('first').assistant('answer').user('latest: refactor the parser');
    for (let i = 0; i < 5; i++) c.tools({ name: 'read_file', result: big(80) });
    const sel = selectBoundaries(toUnits(c.messages, charTokens), opts({ tailBudget: 200, tailHardCap: 200 }))!;
    expect(sel.lifted!.messages[0].content).toBe('latest: refactor the parser');
    expect(sel.middle.some((u) => u === sel.lifted)).toBe(false);
    expect(sel.middle.length).toBeGreaterThan(0);
    expect(sel.tail.every((u) => u.role === 'assistant')).toBe(true);
  });

  it('keeps the latest user message in the tail when it fits there', () => {
    const c = new Convo().user('first').assistant('answer').user('older').assistant(big(300)).user('latest').tools({ name: 't', result: 'r' });
    const sel = selectBoundaries(toUnits(c.messages, charTokens), opts({ tailBudget: 50, tailHardCap: 50 }))!;
    expect(sel.lifted).toBeUndefined();
    expect(sel.tail.flatMap((u) => u.messages).some((m) => m.content === 'latest')).toBe(true);
  });

  it('counts the head in whole units and never ends it on an unanswered user message', () => {
    const c = new Convo().user('first').tools({ name: 't', result: big(10) }, { name: 'u', result: big(10) }).assistant('done').user('next').assistant(big(500)).user('last').assistant('ok');
    const sel = selectBoundaries(toUnits(c.messages, charTokens), opts({ protectFirstN: 1 }))!;
    // protect_first_n 1 still keeps the first answer: the assistant's calls with both results.
    expect(sel.head.flatMap((u) => u.messages.map((m) => m.role))).toEqual(['user', 'assistant', 'tool', 'tool']);
  });

  it('returns null when there is nothing between head and tail', () => {
    const c = new Convo().user('hi').assistant('hello').user('bye').assistant('bye');
    expect(selectBoundaries(toUnits(c.messages, charTokens), opts({ tailBudget: 1000, tailHardCap: 1000 }))).toBeNull();
    expect(selectBoundaries(toUnits(new Convo().user('only').messages, charTokens), opts())).toBeNull();
  });
});
