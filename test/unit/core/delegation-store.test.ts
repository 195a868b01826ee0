// The delegation records (migration 13): orphans a dead host left running are closed as interrupted and listed once;
// background results not yet handed to their parent are found; subagents' threads stay out of the agent's
// session_search, as in Hermes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../server/store';
import { DelegationStore } from '../../../server/delegation/store';

const store = () => openStore(join(mkdtempSync(join(tmpdir(), 'hermes-deleg-')), 'state.db'));

describe('delegation records', () => {
  it('closes orphans once, and lists undelivered background results', () => {
    const s = store();
    const d = new DelegationStore(s.db);
    d.insert({ id: 'deleg_a', parentThreadId: 'p', childThreadId: 'c1', goal: 'fg', background: false });
    d.insert({ id: 'deleg_b', parentThreadId: 'p', childThreadId: 'c2', goal: 'bg', background: true });
    const orphans = d.closeOrphans();
    expect(orphans.map((o) => [o.id, o.status])).toEqual([['deleg_a', 'interrupted'], ['deleg_b', 'interrupted']]);
    expect(JSON.parse(orphans[1]!.result!)).toMatchObject({ status: 'interrupted', child_thread_id: 'c2', error: 'the host stopped while it ran' });
    expect(d.closeOrphans()).toEqual([]);
    expect(d.undelivered().map((r) => r.id)).toEqual(['deleg_b']);
    d.markDelivered('deleg_b');
    expect(d.undelivered()).toEqual([]);
    s.close();
  });

  it('keeps subagent threads out of session_search but not out of the user\u2019s search', () => {
    const s = store();
    for (const [id, source] of [['t_user', 'vscode'], ['t_sub', 'subagent']] as const) {
      s.threads.createThread({ id, title: id, cwd: '/', model: 'm', source, systemPrompt: '' });
      s.threads.createTurn(`${id}_turn`, id, 'm');
      s.threads.insertMessage({ threadId: id, turnId: `${id}_turn`, role: 'user', content: 'the zebra migration', reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [] });
    }
    expect(s.search.search('zebra', { limit: 5 }).map((h) => h.threadId).sort()).toEqual(['t_sub', 't_user']);
    expect(s.search.search('zebra', { limit: 5, hideSource: 'subagent' }).map((h) => h.threadId)).toEqual(['t_user']);
    s.close();
  });
});
