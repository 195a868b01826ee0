import { describe, expect, it } from 'vitest';
import { classifyCommand, type VerdictKind } from '../../../server/approval/classifier';
import { CORPUS, CORPUS_OPTIONS, EVERYDAY } from '../../fixtures/commands-corpus';

const KINDS: VerdictKind[] = ['allow', 'approve', 'block'];

describe('classifier on the labelled corpus', () => {
  it('has at least 200 labelled commands covering every verdict', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    for (const k of KINDS) expect(CORPUS.filter((e) => e.expect === k).length).toBeGreaterThan(30);
  });

  it('classifies every command as labelled (prints precision, recall and the confusion table)', () => {
    const confusion: Record<VerdictKind, Record<VerdictKind, number>> = {
      allow: { allow: 0, approve: 0, block: 0 },
      approve: { allow: 0, approve: 0, block: 0 },
      block: { allow: 0, approve: 0, block: 0 },
    };
    const mismatches: string[] = [];
    for (const e of CORPUS) {
      const v = classifyCommand(e.cmd, CORPUS_OPTIONS);
      confusion[e.expect][v.verdict]++;
      if (v.verdict !== e.expect) {
        mismatches.push(`${e.expect} -> ${v.verdict}: ${JSON.stringify(e.cmd)} ${v.reasons.map((r) => r.key).join(', ')}`);
      }
    }
    // Positive = the classifier asks or blocks.
    const pos = (k: VerdictKind) => k !== 'allow';
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const exp of KINDS) {
      for (const got of KINDS) {
        const n = confusion[exp][got];
        if (pos(exp) && pos(got)) tp += n;
        else if (!pos(exp) && pos(got)) fp += n;
        else if (pos(exp) && !pos(got)) fn += n;
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const exact = KINDS.reduce((s, k) => s + confusion[k][k], 0) / CORPUS.length;
    const blocks = CORPUS.filter((e) => e.expect === 'block').length;
    const hardline = confusion.block.block / blocks;
    const everydayAsked = EVERYDAY.filter((cmd) => classifyCommand(cmd, CORPUS_OPTIONS).verdict !== 'allow').length;
    const fpRate = everydayAsked / EVERYDAY.length;
    const table = [
      `corpus: ${CORPUS.length} commands (${blocks} hard-line, ${EVERYDAY.length} everyday); positive = asks or blocks`,
      `precision ${(precision * 100).toFixed(1)}%  recall ${(recall * 100).toFixed(1)}%  exact verdict ${(exact * 100).toFixed(1)}%`,
      `hard-line agreement ${(hardline * 100).toFixed(1)}%  everyday false positives ${(fpRate * 100).toFixed(1)}% (${everydayAsked}/${EVERYDAY.length})`,
      'expected \\ got   allow  approve  block',
      ...KINDS.map((k) => `${k.padEnd(16)} ${String(confusion[k].allow).padStart(6)} ${String(confusion[k].approve).padStart(8)} ${String(confusion[k].block).padStart(6)}`),
    ];
    console.log(table.join('\n'));
    // The floors first (what corpora written elsewhere are measured against), then exact agreement here.
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(hardline).toBeGreaterThanOrEqual(0.9);
    expect(fpRate).toBeLessThanOrEqual(0.03);
    expect(mismatches).toEqual([]);
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });

  it('never asks about everyday development commands', () => {
    expect(EVERYDAY.length).toBeGreaterThan(100);
    const asked = EVERYDAY.map((cmd) => ({ cmd, v: classifyCommand(cmd, CORPUS_OPTIONS) }))
      .filter(({ v }) => v.verdict !== 'allow')
      .map(({ cmd, v }) => `${cmd}: ${v.reasons.map((r) => r.key).join(', ')}`);
    expect(asked).toEqual([]);
  });

  it('gives every finding a key, a severity matching the verdict and the offending part', () => {
    for (const e of CORPUS.filter((x) => x.expect !== 'allow')) {
      const v = classifyCommand(e.cmd, CORPUS_OPTIONS);
      expect(v.reasons.length, e.cmd).toBeGreaterThan(0);
      for (const r of v.reasons) {
        expect(r.key.length).toBeGreaterThan(2);
        expect(r.part.length, `${e.cmd}: ${r.key}`).toBeGreaterThan(0);
        expect(r.description.length).toBeGreaterThan(5);
      }
      expect(v.reasons.some((r) => r.severity === 'block')).toBe(v.verdict === 'block');
    }
  });
});
