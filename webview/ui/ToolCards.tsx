// Tool calls as cards: a command with its streamed output, exit code and duration; a set of file changes, each
// opening VS Code's diff editor; any other tool with its arguments and result.
import type { CommandExecutionItem, FileChangeItem, ItemStatus, ToolCallItem } from '../../server/protocol';
import type { ChatController } from '../controller';
import { formatDuration } from '../format';
import { DelegateChildren } from './DelegateChildren';

const STATUS_LABEL: Record<ItemStatus, string> = {
  inProgress: 'running',
  completed: 'done',
  failed: 'failed',
  declined: 'declined',
  interrupted: 'stopped',
};

function Status({ status }: { status: ItemStatus }) {
  return <span class={`badge status-${status}`}>{STATUS_LABEL[status]}</span>;
}

function CardHead({ tool, status, durationMs, label }: { tool: string; status: ItemStatus; durationMs?: number; label: string }) {
  return (
    <header class="card-head">
      <span class="card-kind">{label}</span>
      <span class="tool-name">{tool}</span>
      <Status status={status} />
      {durationMs !== undefined && <span class="duration">{formatDuration(durationMs)}</span>}
    </header>
  );
}

export function CommandCard({ item }: { item: CommandExecutionItem }) {
  const running = item.status === 'inProgress';
  return (
    <section class={`card tool command status-${item.status}`} aria-label={`Command ${item.command}`} aria-busy={running ? 'true' : undefined} data-item={item.id}>
      <CardHead tool={item.tool} status={item.status} durationMs={item.durationMs} label="Command" />
      <pre class="cmd">
        <code>{item.command}</code>
      </pre>
      {(item.cwd || item.backend) && (
        <div class="meta">
          {item.cwd && (
            <span class="cwd">
              in <code>{item.cwd}</code>
            </span>
          )}
          {item.backend && <span class="backend"> · {item.backend}</span>}
        </div>
      )}
      {(item.output || running) && (
        <pre class="output" tabIndex={0} aria-label="Output">
          {item.output ?? ''}
        </pre>
      )}
      <footer class="card-foot">
        {item.exitCode !== undefined && item.exitCode !== null && (
          <span class={`exit ${item.exitCode === 0 ? 'ok' : 'bad'}`}>exit code {item.exitCode}</span>
        )}
        {item.processId && <span class="bg">running in the background as {item.processId}</span>}
      </footer>
    </section>
  );
}

export function FileChangeCard({ c, item }: { c: ChatController; item: FileChangeItem }) {
  return (
    <section class={`card tool files status-${item.status}`} aria-label="File changes" data-item={item.id}>
      <CardHead tool={item.tool} status={item.status} durationMs={item.durationMs} label="Files" />
      <ul class="file-list">
        {item.changes.map((ch) => (
          <li key={ch.path} class="file">
            <span class={`badge kind-${ch.kind}`}>{ch.kind}</span>
            <button type="button" class="link" onClick={() => c.openFile(ch.path)} title="Open the file">
              {ch.path}
            </button>
            <button type="button" class="secondary open-diff" disabled={!ch.diff} onClick={() => c.openDiff(ch)} aria-label={`Open diff of ${ch.path}`}>
              Diff
            </button>
          </li>
        ))}
      </ul>
      {item.result && item.status !== 'completed' && <div class="result-note">{item.result}</div>}
    </section>
  );
}

function argsText(args: unknown): string {
  if (typeof args === 'string') return args;
  try {
    return JSON.stringify(args, null, 2);
  } catch {
    return String(args);
  }
}

export function ToolCallCard({ c, item }: { c: ChatController; item: ToolCallItem }) {
  return (
    <section class={`card tool generic status-${item.status}`} aria-label={`Tool ${item.tool}`} data-item={item.id}>
      <CardHead tool={item.tool} status={item.status} durationMs={item.durationMs} label="Tool" />
      {item.children && <DelegateChildren c={c} children={item.children} />}
      <details class="tool-args">
        <summary>Arguments</summary>
        <pre>{argsText(item.arguments)}</pre>
      </details>
      {item.result !== undefined && (
        <details class="tool-result" open={item.status === 'failed'}>
          <summary>Result</summary>
          <pre>{item.result}</pre>
        </details>
      )}
    </section>
  );
}
