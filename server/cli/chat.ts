// `hermes-host chat -q "…"`: one turn in-process, streamed to stdout. Tool activity goes to stderr so stdout
// stays the answer. Exit code: 0 completed, 1 failed, 130 interrupted.
import { createInterface } from 'node:readline/promises';
import type { Host } from '../host';
import type { AnyServerNotification, ApprovalRequestParams, Item, ServerRequestMethod } from '../protocol';
import type { ClientPeer } from '../rpc/hub';

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

/**
 * The terminal as a client of the hub: on a TTY it asks approval questions on stderr; without one (scripts, cron)
 * nobody can answer, so dangerous commands are denied at once instead of waiting for a timeout.
 */
function terminalPeer(interactive: boolean): ClientPeer {
  return {
    id: 'cli',
    label: interactive ? 'cli' : 'cli (non-interactive)',
    ready: () => true,
    canAnswer: (m: ServerRequestMethod) => m === 'approval/request' || (interactive && m === 'clarify/request'),
    notify: (_n: AnyServerNotification) => {},
    async request(method: string, params: unknown) {
      if (method === 'approval/request') {
        const p = params as ApprovalRequestParams;
        if (!interactive) return { decision: 'deny' };
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          const what = p.escalation ? p.escalation.summary : p.command ? `run: ${p.command}` : `write: ${p.path}`;
          process.stderr.write(`\n⚠ ${p.tool} wants to ${what}\n  because: ${p.reasons.join('; ')}\n`);
          const prompt = p.choices.includes('always') ? '  allow [o]nce, for this [s]ession, [a]lways, or [d]eny? ' : '  allow [o]nce, for this [s]ession, or [d]eny? ';
          const a = (await rl.question(prompt)).trim().toLowerCase();
          return { decision: a.startsWith('o') ? 'once' : a.startsWith('s') ? 'session' : a.startsWith('a') ? 'always' : 'deny' };
        } finally {
          rl.close();
        }
      }
      const p = params as { question: string; choices?: string[] };
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return { answer: await rl.question(`\n? ${p.question}${p.choices?.length ? ` (${p.choices.join(' / ')})` : ''} `) };
      } finally {
        rl.close();
      }
    },
  };
}

export async function runChat(host: Host, opts: ChatOptions): Promise<number> {
  const peer = terminalPeer(!!process.stdin.isTTY && !!process.stderr.isTTY);
  host.hub.add(peer);
  const thread = opts.thread ? host.threads.get(opts.thread) : host.threads.start({ cwd: opts.cwd, model: opts.model, source: 'cli' });
  let lastWasText = false;
  let threadId = thread.id;
  const done = new Promise<number>((resolve) => {
    host.events.on((n) => {
      // Context compression continues the thread under a new id; follow it.
      if (n.method === 'thread/compacted' && n.params.threadId === threadId) threadId = n.params.thread.id;
      if ('threadId' in n.params && n.params.threadId !== threadId) return;
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
