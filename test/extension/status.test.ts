// The status bar item: model, state (idle / working / waiting for approval) and the thread's tokens and cost.
import { describe, expect, it } from 'vitest';
import { formatCost, formatStatus, formatTokens } from '../../extension/views/status-format';
import { StatusModel, type StatusItem } from '../../extension/views/status-bar';

const usage = (total: number, cost?: number | null) => ({ promptTokens: total - 100, completionTokens: 100, totalTokens: total, costUsd: cost });

describe('formatting', () => {
  it('tokens', () => {
    expect([0, 999, 1000, 1234, 9999, 12_345, 999_999, 1_000_000, 2_345_678].map(formatTokens)).toEqual([
      '0', '999', '1k', '1.2k', '10k', '12k', '1000k', '1M', '2.3M',
    ]);
  });

  it('cost: unknown is omitted, small amounts keep four decimals', () => {
    expect([undefined, null, 0, 0.00346, 0.01, 1.234].map(formatCost)).toEqual([undefined, undefined, '$0', '$0.0035', '$0.01', '$1.23']);
  });

  it('the item text and tooltip', () => {
    expect(formatStatus({ model: 'gpt-4.1', state: 'idle' }).text).toBe('$(hubot) gpt-4.1 · idle');
    const s = formatStatus({ model: 'gpt-4.1', state: 'approval', usage: usage(12_345, 0.0123) });
    expect(s.text).toBe('$(bell-dot) gpt-4.1 · waiting for approval · 12k tok · $0.01');
    expect(s.tooltip).toContain('Thread tokens: 12,345 (prompt 12,245, completion 100)');
    expect(formatStatus({ state: 'working', usage: usage(500, null) }).text).toBe('$(sync~spin) Hermes · working · 500 tok');
  });
});

describe('StatusModel', () => {
  const item = (): StatusItem & { shown: boolean } => ({ text: '', shown: false, show() {
    this.shown = true;
  } });

  it('follows the connection, turns, approvals and usage', () => {
    const it = item();
    const m = new StatusModel(it);
    expect(it.shown).toBe(true);
    expect(it.command).toBe('hermes.showMenu');
    expect(m.state).toBe('connecting');
    m.setConnection('running');
    m.setModel('test-model');
    expect(it.text).toBe('$(hubot) test-model · idle');
    m.turnStarted('t1');
    expect(m.state).toBe('working');
    m.setApprovalsWaiting(1);
    expect(m.state).toBe('approval');
    m.setApprovalsWaiting(0);
    m.tokenUsage('t1', usage(2000, 0.5));
    m.turnCompleted('t1');
    expect(it.text).toBe('$(hubot) test-model · idle · 2k tok · $0.50');
    m.turnStarted('t1', 'other-model');
    m.setConnection('restarting');
    expect(it.text).toMatch(/other-model · restarting/);
    m.setConnection('running');
    expect(m.state).toBe('idle'); // turns of a dead connection do not count
    m.threadShown('t2');
    expect(it.text).not.toContain('tok');
  });
});
