// The literal prefilter only skips work: over every fixture file, findings with it equal findings without it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { THREAT_PATTERNS } from '../../../server/skills/scanner';
import { PREFILTER, scanText } from '../../../server/skills/scanner/text-scan';
import { requiredLiterals } from '../../../server/skills/scanner/literals';
import { LiteralSet } from '../../../server/skills/scanner/aho';

const FIXTURES = join(__dirname, '../../fixtures/skills');

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) files(p, out);
    else if (st.size < 300_000) out.push(p);
  }
  return out;
}

describe('scanner prefilter', () => {
  it('derives required literals conservatively', () => {
    expect(requiredLiterals(/\bcurl\b[^\n]*\|\s*(?:ba)?sh\b/i)).toEqual([['curl'], ['|']].filter((l) => l[0].length >= 3));
    expect(requiredLiterals(/(?:ngrok|cloudflared)\s+tunnel/i)).toEqual([['tunnel'], ['ngrok', 'cloudflared']]);
    expect(requiredLiterals(/a?b*c/)).toBeNull();
    expect(requiredLiterals(/(?:foo|x)bar/)).toEqual([['bar']]);
    const set = new LiteralSet(['he', 'she', 'his', 'hers']);
    expect([...set.present('ushers')]).toEqual([1, 1, 0, 1]);
  });

  it('finds exactly what the unfiltered scan finds on every fixture file', () => {
    const all = files(FIXTURES).filter((_, i) => i % 3 === 0);
    PREFILTER.enabled = false;
    const plain = [...THREAT_PATTERNS];
    const slow = all.map((f) => scanText(readFileSync(f, 'utf8'), f, plain).map((x) => `${x.id}:${x.line}`));
    PREFILTER.enabled = true;
    const fast = all.map((f) => scanText(readFileSync(f, 'utf8'), f).map((x) => `${x.id}:${x.line}`));
    expect(all.length).toBeGreaterThan(300);
    expect(fast).toEqual(slow);
  }, 180_000);
});
