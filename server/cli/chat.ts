// `hermes-host chat -q "…"`: one turn in-process, streamed to stdout. Tool activity goes to stderr so stdout
// stays the answer. Exit code: 0 completed, 1 failed, 130 interrupted.
import type { Host } from '../host';
import type { Item } from '../protocol';

export interface ChatOptions {
  query: string;
  model?: string;
  cwd?: string;
  thread?: string;
  quiet?: boolean;
}

function describe(item: Item): string | null {
  switch (item.type) {
    case 'commandExecution':
      return `$ ${item.command}`;
    case 'fileChange':
      return `✎ ${item.changes.map((c) => c.path).join(', ')}`;
    case 'toolCall':
      return `⚙ ${item.tool} ${JSON.stringify(item.arguments ?? {}).slice(0, 120)}`;
    default:
      return null;
  }
}

export async function runChat(host: Host, opts: ChatOptions): Promise<number> {
  const thread = opts.thread ? host.threads.get(opts.thread) : host.threads.start({ cwd: opts.cwd, model: opts.model, source: 'cli' });
  let lastWasText = false;
  const done = new Promise<number>((resolve) => {
    host.events.on((n) => {
      if ('threadId' in n.params && n.params.threadId !== thread.id) return;
      switch (n.method) {
        case 'item/agentMessage/delta':
          process.stdout.write(n.params.delta);
          lastWasText = true;
          break;
        case 'item/started': {
          const line = describe(n.params.item);
          if (line && !opts.quiet) {
            if (lastWasText) process.stdout.write('\n');
            lastWasText = false;
            process.stderr.write(`${line}\n`);
          }
          break;
        }
        case 'item/commandExecution/outputDelta':
          if (!opts.quiet) process.stderr.write(n.params.delta);
          break;
        case 'turn/completed': {
          const t = n.params.turn;
          if (lastWasText) process.stdout.write('\n');
          if (t.error) process.stderr.write(`${t.status === 'failed' ? 'error' : 'note'}: ${t.error.message}\n`);
          resolve(t.status === 'completed' ? 0 : t.status === 'interrupted' ? 130 : 1);
          break;
        }
      }
    });
  });
  const onSigint = () => host.threads.interrupt(thread.id);
  process.on('SIGINT', onSigint);
  try {
    host.threads.startTurn(thread.id, [{ type: 'text', text: opts.query }], { model: opts.model });
    return await done;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
