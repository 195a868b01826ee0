import { describe, expect, it } from 'vitest';
import { fingerprint, LoopGuard } from '../../../server/agent/loop-guard';

describe('loop guard', () => {
  it('treats argument order as the same call', () => {
    expect(fingerprint('t', '{"a":1,"b":2}')).toBe(fingerprint('t', '{"b":2,"a":1}'));
  });

  it('warns before it stops and resets on success', () => {
    const g = new LoopGuard(3);
    expect(g.record('t', '{}', true)).toBeUndefined();
    expect(g.record('t', '{}', true)).toMatch(/failed 2 times/);
    expect(g.tripped).toBeNull();
    expect(g.record('t', '{}', false)).toBeUndefined();
    g.record('t', '{}', true);
    g.record('t', '{}', true);
    expect(g.record('t', '{}', true)).toMatch(/being stopped/);
    expect(g.tripped).toEqual({ tool: 't', count: 3 });
  });
});
