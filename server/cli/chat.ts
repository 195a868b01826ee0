// `hermes-host chat -q "…"`: one turn, streamed to stdout, as a client of the owning host (attached over its socket,
// like an editor). Tool activity goes to stderr so stdout stays the answer. Exit code: 0 completed, 1 failed,
// 130 interrupted. On a terminal it answers approval and clarify questions on stderr; without one (scripts, cron)
// it tells the host it cannot answer, so a dangerous command is denied at once instead of after a timeout.
import { createInterface } from 'node:readline/promises';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ApprovalRequestParams, BusyMode, Item, UserInput } from '../protocol';
import { followThread } from '../protocol/follow';
import type { HostConnection, ServerRequestHandlers } from './rpc-client';
import { modelsToOffer, noModelMessage } from './model-offer';

export interface ChatOptions {
  query: string;
  model?: string;
  cwd?: string;
  /** The workspace root (the git repository root of cwd, when there is one). */
  workspace?: string;
  thread?: string;
  quiet?: boolean;
  busy?: BusyMode;
  /** Image files sent with the message (`--image`); the host checks them. */
  images?: string[];
}

/** `--image` files as image inputs; a file that cannot be read is an error naming it. */
function imageInputs(paths: string[], cwd: string): UserInput[] {
  return paths.map((p) => {
    const full = resolve(cwd, p);
    try {
      return { type: 'image' as const, data: readFileSync(full).toString('base64'), name: basename(full) };
    } catch (e) {
      throw new Error(`cannot read --image ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
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

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

const terminalHandlers: ServerRequestHandlers = {
  'approval/request': async (p: ApprovalRequestParams) => {
    const what = p.escalation ? p.escalation.summary : p.command ? `run: ${p.command}` : `write: ${p.path}`;
    process.stderr.write(`\n⚠ ${p.tool} wants to ${what}\n  because: ${p.reasons.join('; ')}\n`);
    const prompt = p.choices.includes('always') ? '  allow [o]nce, for this [s]ession, [a]lways, or [d]eny? ' : '  allow [o]nce, for this [s]ession, or [d]eny? ';
    const a = (await ask(prompt)).trim().toLowerCase();
    return { decision: a.startsWith('o') ? 'once' : a.startsWith('s') ? 'session' : a.startsWith('a') ? 'always' : 'deny' };
  },
  'clarify/request': async (p) => ({ answer: await ask(`\n? ${p.question}${p.choices?.length ? ` (${p.choices.join(' / ')})` : ''} `) }),
};

export async function runChat(host: HostConnection, opts: ChatOptions): Promise<number> {
  // Read before anything starts: a missing file is an error, not a thread with half a message.
  const images = imageInputs(opts.images ?? [], opts.cwd ?? process.cwd());
  const interactive = !!process.stdin.isTTY && !!process.stderr.isTTY;
  await host.initialize({
    name: 'cli',
    workspace: opts.workspace,
    approvals: interactive,
    clarify: interactive,
    handlers: interactive ? terminalHandlers : {},
  });
  // No model anywhere: name what the endpoint offers instead of letting the turn fail with a bare "no model".
  const offer = opts.thread ? null : await modelsToOffer(host, opts.model).catch(() => null);
  if (offer?.length) {
    process.stderr.write(`error: ${noModelMessage(offer)}\n`);
    return 1;
  }
  const thread = opts.thread
    ? (await host.request('thread/resume', { threadId: opts.thread })).thread
    : (await host.request('thread/start', { cwd: opts.cwd, model: opts.model, source: 'cli' })).thread;
  let threadId: string = thread.id;
  let turnId: string | undefined;
  let lastWasText = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  host.onNotification((n) => {
    threadId = followThread(threadId, n) ?? threadId;
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
        if (turnId && t.id !== turnId) break; // a turn queued before ours, or someone else's
        if (lastWasText) process.stdout.write('\n');
        if (t.error) process.stderr.write(`${t.status === 'failed' ? 'error' : 'note'}: ${t.error.message}\n`);
        resolveDone(t.status === 'completed' ? 0 : t.status === 'interrupted' ? 130 : 1);
        break;
      }
    }
  });
  const onSigint = () => void host.request('turn/interrupt', { threadId }).catch(() => {});
  process.on('SIGINT', onSigint);
  try {
    const r = await host.request('turn/start', {
      threadId,
      input: [...(opts.query ? [{ type: 'text' as const, text: opts.query }] : []), ...images],
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.busy ? { busy: opts.busy } : {}),
    });
    turnId = r.turn.id;
    if (r.disposition === 'queued') process.stderr.write(`(queued behind the turn running on ${threadId})\n`);
    if (r.disposition === 'steered') {
      process.stderr.write(`(sent to the turn already running on ${threadId})\n`);
      return 0;
    }
    return await Promise.race([done, host.whenClosed.then(() => (process.stderr.write('error: the host went away\n'), 1))]);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
