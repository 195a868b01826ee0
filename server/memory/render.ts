// The memory blocks of the system prompt. Rendered once per session by the caller (a frozen snapshot keeps the
// prompt prefix byte-stable for caching); writes made during the session show up in the next one.
import { describeFindings, scanForInjection } from '../context/injection';
import { ENTRY_DELIMITER } from './entries';
import type { MemoryTarget } from './store';

const RULER = '═'.repeat(46);

const HEADER: Record<MemoryTarget, string> = {
  memory: 'MEMORY (your personal notes)',
  user: 'USER PROFILE (who the user is)',
};

/**
 * Entries are re-scanned here because the files can be edited by hand or by another tool: a poisoned entry is
 * masked in the prompt, while `read` still shows the raw text so it can be removed.
 */
export function renderSnapshot(target: MemoryTarget, entries: string[], usage: string): string {
  if (entries.length === 0) return '';
  const shown = entries.map((e) => {
    const findings = scanForInjection(e);
    return findings.length ? `[BLOCKED: entry contained ${describeFindings(findings)}]` : e;
  });
  return [RULER, `${HEADER[target]} [${usage} chars]`, RULER, shown.join(ENTRY_DELIMITER)].join('\n');
}
