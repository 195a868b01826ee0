// The subagents of a delegate_task call as nested cards: goal, status, and (once ended) the summary it returned.
// Each card opens the child's own thread, where everything it did is kept.
import type { DelegateChild } from '../../server/protocol';
import type { ChatController } from '../controller';
import { formatDuration } from '../format';

const LABEL: Record<DelegateChild['status'], string> = {
  running: 'running',
  completed: 'done',
  failed: 'failed',
  interrupted: 'stopped',
  timeout: 'timed out',
  error: 'error',
};

export function DelegateChildren({ c, children }: { c: ChatController; children: DelegateChild[] }) {
  if (!children.length) return null;
  return (
    <ul class="subagents" aria-label="Subagents">
      {children.map((ch) => (
        <li key={ch.threadId} class={`card subagent status-${ch.status}`} data-thread={ch.threadId}>
          <header class="card-head">
            <span class="card-kind">Subagent</span>
            <span class="subagent-goal">{ch.goal}</span>
            <span class={`badge status-${ch.status === 'timeout' || ch.status === 'error' ? 'failed' : ch.status === 'running' ? 'inProgress' : ch.status}`}>{LABEL[ch.status]}</span>
            {ch.durationMs !== undefined && <span class="duration">{formatDuration(ch.durationMs)}</span>}
          </header>
          {ch.summary && <div class="subagent-summary">{ch.summary}</div>}
          <button type="button" class="link open-subagent" onClick={() => void c.openThread(ch.threadId)} aria-label={`Open the subagent thread for ${ch.goal}`}>
            Open thread
          </button>
        </li>
      ))}
    </ul>
  );
}
