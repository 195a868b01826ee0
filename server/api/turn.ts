// One API turn on a host thread: starts it with the API's policy, turns the host's notifications for that turn into
// a small event stream (text, tool progress, approvals) and resolves with the finished turn and everything it said.
// The chat-completions and Responses handlers are two renderings of this.
import type { Host } from '../host';
import type { AnyServerNotification, Item, Turn, Usage, UserInput } from '../protocol';
import { policyFor } from '../agent/policy';
import type { SentRequest } from '../rpc/hub';
import type { ApiSurface } from './surface';
import type { ApiSettings } from './settings';

export interface ToolProgress {
  tool: string;
  emoji: string;
  label: string;
  toolCallId: string;
  status: 'running' | 'completed';
  /** How it ended (completed only): completed, failed, declined (an approval said no), interrupted. */
  outcome?: string;
  arguments?: string;
  output?: string;
}

export interface ApprovalProgress {
  requestId: string;
  status: 'pending' | 'resolved';
  command?: string;
  path?: string;
  reasons?: string[];
  askedOf?: string[];
  outcome?: string;
  answeredBy?: string;
}

export interface TurnSink {
  text?(delta: string): void;
  tool?(p: ToolProgress): void;
  approval?(p: ApprovalProgress): void;
}

export interface TurnOutcome {
  turn: Turn;
  threadId: string;
  text: string;
  tools: ToolProgress[];
}

const EMOJI: Record<string, string> = {
  terminal: '💻',
  process: '⚙️',
  read_file: '📖',
  write_file: '✍️',
  patch: '🔧',
  search_files: '🔎',
  web_search: '🔍',
  web_extract: '🌐',
  memory: '🧠',
  todo: '📋',
  skill_view: '📚',
  skills_list: '📚',
};

function preview(v: unknown, n = 60): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v ?? '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function toolProgress(item: Item, status: 'running' | 'completed'): ToolProgress | undefined {
  if (item.type !== 'toolCall' && item.type !== 'commandExecution' && item.type !== 'fileChange') return undefined;
  const label =
    item.type === 'commandExecution' ? preview(item.command) : item.type === 'fileChange' ? item.changes.map((c) => c.path).join(', ') : preview(item.arguments);
  const p: ToolProgress = { tool: item.tool, emoji: EMOJI[item.tool] ?? '⚙️', label, toolCallId: item.id, status };
  if (item.type === 'commandExecution') p.arguments = JSON.stringify({ command: item.command });
  else if (item.type === 'toolCall') p.arguments = JSON.stringify(item.arguments ?? {});
  else p.arguments = JSON.stringify({ paths: item.changes.map((c) => c.path) });
  if (status === 'completed') {
    p.outcome = item.status;
    p.output = item.type === 'commandExecution' ? item.output ?? '' : item.result ?? '';
  }
  return p;
}

export const usageFields = (u: Usage | undefined) => ({
  prompt: u?.promptTokens ?? 0,
  completion: u?.completionTokens ?? 0,
  total: u?.totalTokens ?? (u ? u.promptTokens + u.completionTokens : 0),
  cached: u?.cachedTokens ?? 0,
  reasoning: u?.reasoningTokens ?? 0,
});

export class ApiTurns {
  constructor(
    private readonly host: Host,
    private readonly surface: ApiSurface,
    private readonly settings: ApiSettings,
  ) {}

  /**
   * Runs `text` as the next turn of `threadId` (queued behind a running one) and streams it to `sink`. When
   * `signal` aborts (the HTTP client went away) a turn that is running is interrupted, so no tool keeps running for
   * nobody.
   */
  async run(threadId: string, text: string, opts: { model?: string; signal?: AbortSignal; sink?: TurnSink; images?: string[] } = {}): Promise<TurnOutcome> {
    const release = this.surface.hold();
    const disposers: (() => void)[] = [];
    try {
      const config = this.host.config;
      const policy = policyFor(
        config,
        { surfaceId: this.surface.id, kind: 'api', label: this.surface.label },
        { approvalMode: this.settings.approvals === 'deny' ? 'deny' : undefined, answerers: 'thread' },
      );
      const sink = opts.sink ?? {};
      const textItems: string[] = [];
      const texts = new Map<string, string>();
      const tools = new Map<string, ToolProgress>();
      let lastTextItem: string | undefined;
      let streamed = 0;
      let resolveDone!: (t: Turn) => void;
      const done = new Promise<Turn>((r) => (resolveDone = r));
      let turnId = '';
      let current = threadId;

      const onNote = (n: AnyServerNotification) => {
        const tid = (n.params as { threadId?: string }).threadId;
        if (tid && tid !== current) {
          current = tid; // context compression continued the turn on a new thread
          watchApprovals(tid);
        }
        switch (n.method) {
          case 'item/agentMessage/delta': {
            if (n.params.itemId !== lastTextItem) {
              if (streamed > 0) sink.text?.('\n\n');
              lastTextItem = n.params.itemId;
              if (!texts.has(n.params.itemId)) textItems.push(n.params.itemId);
            }
            texts.set(n.params.itemId, (texts.get(n.params.itemId) ?? '') + n.params.delta);
            streamed += n.params.delta.length;
            sink.text?.(n.params.delta);
            break;
          }
          case 'item/started': {
            const p = toolProgress(n.params.item, 'running');
            if (p) {
              tools.set(p.toolCallId, p);
              sink.tool?.(p);
            }
            break;
          }
          case 'item/completed': {
            const it = n.params.item;
            if (it.type === 'agentMessage') {
              if (!texts.has(it.id)) textItems.push(it.id);
              texts.set(it.id, it.text); // the authoritative (redacted) text
              break;
            }
            const p = toolProgress(it, 'completed');
            // A tool that never said it started (Hermes's rule: no `completed` without `running`) says so now.
            if (p && !tools.has(p.toolCallId)) sink.tool?.({ ...p, status: 'running', outcome: undefined, output: undefined });
            if (p) {
              tools.set(p.toolCallId, p);
              sink.tool?.(p);
            }
            break;
          }
          case 'turn/completed':
            resolveDone(n.params.turn);
            break;
        }
      };

      const watched = new Set<string>();
      const asked = new Set<string>(); // this turn's approval requests, so only their outcomes are reported
      const watchApprovals = (tid: string) => {
        if (watched.has(tid)) return;
        watched.add(tid);
        disposers.push(
          this.surface.onThreadRequests(tid, (r) => {
            if ('askedOf' in r) {
              const sent = r as SentRequest;
              if (sent.method !== 'approval/request' || sent.params.turnId !== turnId) return;
              asked.add(sent.requestId);
              const p = sent.params as { command?: string; path?: string; reasons?: string[] };
              sink.approval?.({ requestId: sent.requestId, status: 'pending', command: p.command, path: p.path, reasons: p.reasons, askedOf: sent.askedOf });
            } else if (r.method === 'serverRequest/resolved' && asked.delete(r.params.requestId)) {
              sink.approval?.({ requestId: r.params.requestId, status: 'resolved', outcome: r.params.outcome, answeredBy: r.params.answeredBy });
            }
          }),
        );
      };
      watchApprovals(this.host.threads.current(threadId));

      const input: UserInput[] = [...(text ? [{ type: 'text' as const, text }] : []), ...(opts.images ?? []).map((data) => ({ type: 'image' as const, data }))];
      const { turn } = await this.host.threads.startTurn(threadId, input, { model: opts.model, policy, busy: 'queue' });
      turnId = turn.id;
      disposers.push(this.surface.onTurn(turnId, onNote));
      // A turn can end before its first await (e.g. no model configured): then it is already in the store.
      const stored = this.host.store.threads.getTurn(turnId);
      if (stored && stored.status !== 'inProgress') resolveDone(stored);

      const onAbort = () => {
        const running = this.host.threads.running.get(this.host.threads.current(current));
        if (running?.turn.id === turnId) this.host.threads.interrupt(current);
      };
      if (opts.signal) {
        if (opts.signal.aborted) onAbort();
        else opts.signal.addEventListener('abort', onAbort, { once: true });
        disposers.push(() => opts.signal!.removeEventListener('abort', onAbort));
      }
      const finished = await done;
      return {
        turn: finished,
        threadId: this.host.threads.current(current),
        text: textItems.map((id) => texts.get(id) ?? '').filter(Boolean).join('\n\n'),
        tools: [...tools.values()],
      };
    } finally {
      for (const d of disposers) d();
      release();
    }
  }
}
