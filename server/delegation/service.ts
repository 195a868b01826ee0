// Runs subagents: each child is a thread of its own (linked to its parent, with its own terminal), started with a
// policy derived from the parent's turn — same origin and answerers, same or stricter approvals, a narrower toolset —
// and watched until it ends, is interrupted with its parent, or times out. Background children report back to the
// parent thread as a notice turn once the parent is idle; a restart marks the ones left running as interrupted and
// tells their parents.
import { randomBytes } from 'node:crypto';
import type { DelegateChild, Turn } from '../protocol';
import type { HermesConfig } from '../config/schema';
import type { ThreadService } from '../agent/threads';
import type { HostEvents } from '../agent/events';
import { HOST_ORIGIN, policyFor, type TurnPolicy } from '../agent/policy';
import type { ToolRegistry } from '../tools/registry';
import type { Store } from '../store';
import type { Logger } from '../util/log';
import { HostError } from '../util/errors';
import { redact } from '../util/redact';
import { DelegationStore, usageTokens, type ChildResult, type ChildStatus, type DelegationRow } from './store';
import { childPromptSection, completionNotice, taskMessage } from './prompt';

/** What no subagent may use, whatever its toolsets say (Hermes's DELEGATE_BLOCKED_TOOLS minus delegate_task, which
 * depends on the depth). */
export const CHILD_BLOCKED_TOOLS = ['clarify', 'memory', 'send_message', 'execute_code'];

export interface DelegationDeps {
  threads: ThreadService;
  store: Store;
  events: HostEvents;
  registry: ToolRegistry;
  config: () => HermesConfig;
  env: () => Record<string, string | undefined>;
  log: Logger;
  /** Surfaces following the parent follow the child too (they see its stream and may answer for it). */
  followChild: (parentThreadId: string, childThreadId: string) => void;
  /** Frees the child's terminal once it has ended. */
  releaseChild: (childThreadId: string) => Promise<void>;
}

export interface ChildTask {
  goal: string;
  context?: string;
  toolsets?: string[];
}

export interface ParentTurn {
  threadId: string;
  turnId: string;
  callId: string;
  cwd: string;
  policy: TurnPolicy;
  signal: AbortSignal;
}

interface Running {
  id: string;
  parentThreadId: string;
  childThreadId: string;
  background: boolean;
  /** Set when the child is stopped on purpose: why. */
  stopped?: 'interrupted' | 'timeout';
}

const HOST_STOPPED = 'the host stopped while it ran';

export const maxConcurrent = (c: HermesConfig) => c.delegation.max_concurrent ?? c.delegation.max_concurrent_children;
export const maxDepth = (c: HermesConfig) => c.delegation.max_depth ?? c.delegation.max_spawn_depth;

export class DelegationService {
  readonly records: DelegationStore;
  private readonly running = new Map<string, Running>();
  private closed = false;

  constructor(private readonly deps: DelegationDeps) {
    this.records = new DelegationStore(deps.store.db);
    // A user's stop on the parent stops its children, background ones included.
    deps.threads.onInterrupt((threadId) => {
      for (const r of this.running.values()) if (r.parentThreadId === threadId) this.stop(r, 'interrupted');
    });
  }

  /**
   * The child's policy: the parent's origin, user, answerers and approval mode (never looser), the requested
   * toolsets (or the parent's), and every tool the parent's turn could not use, or no subagent may use, withheld.
   */
  childPolicy(parent: TurnPolicy, toolsets?: string[]): TurnPolicy {
    const config = this.deps.config();
    const depth = (parent.depth ?? 0) + 1;
    const parentBlocked = new Set(parent.blockedTools ?? []);
    const parentTools = new Set(
      this.deps.registry
        .active({ config, env: this.deps.env() }, parent.toolsets)
        .tools.map((t) => t.name)
        .filter((n) => !parentBlocked.has(n)),
    );
    const blocked = new Set([...parentBlocked, ...CHILD_BLOCKED_TOOLS]);
    for (const t of this.deps.registry.all()) if (!parentTools.has(t.name)) blocked.add(t.name);
    if (depth >= maxDepth(config)) blocked.add('delegate_task');
    const requested = toolsets?.filter((t) => t !== 'delegation');
    return {
      ...parent,
      ...(requested?.length ? { toolsets: requested } : {}),
      blockedTools: [...blocked].sort(),
      depth,
      maxIterations: config.delegation.max_iterations,
    };
  }

  /** Runs one child to its end (or its timeout, or the parent's interrupt) and says how it went. */
  async run(task: ChildTask, parent: ParentTurn, onChange: (c: DelegateChild) => void): Promise<ChildResult> {
    const started = this.start(task, parent, false);
    onChange(started.child);
    const result = await this.watch(started.running, task.goal, parent.signal, Date.now());
    onChange(childView(result));
    return result;
  }

  /**
   * Starts a background child and returns at once. Its result comes back to the parent thread as a notice turn when
   * the parent is idle. Over capacity the call is rejected, not queued.
   */
  startBackground(task: ChildTask, parent: ParentTurn): DelegateChild {
    const limit = this.deps.config().delegation.max_async_children;
    const live = [...this.running.values()].filter((r) => r.background).length;
    if (live >= limit) {
      throw new HostError('Overloaded', `background delegation capacity reached (${live} running, delegation.max_async_children is ${limit}); wait for one to finish or run this one in the foreground`);
    }
    const { running, child } = this.start(task, parent, true);
    const policy = parent.policy;
    const began = Date.now();
    void this.watch(running, task.goal, undefined, began)
      .then((result) => this.backgroundEnded(running, result, policy))
      .catch((e) => this.deps.log.error('background delegation failed', { id: running.id, error: (e as Error).message }));
    return child;
  }

  private start(task: ChildTask, parent: ParentTurn, background: boolean): { running: Running; child: DelegateChild } {
    if (this.closed) throw new HostError('Internal', 'the host is shutting down');
    const { threads } = this.deps;
    const policy = this.childPolicy(parent.policy, task.toolsets);
    const parentRow = this.deps.store.threads.getThreadRow(parent.threadId);
    const id = `deleg_${randomBytes(4).toString('hex')}`;
    const child = threads.start({
      cwd: parent.cwd,
      model: parentRow?.model || undefined,
      title: `Subagent: ${oneLine(task.goal, 60)}`,
      source: 'subagent',
      parent: { id: parent.threadId, kind: 'delegate' },
      promptSuffix: childPromptSection({ cwd: parent.cwd, canDelegate: !policy.blockedTools?.includes('delegate_task') }),
    });
    this.records.insert({ id, parentThreadId: parent.threadId, parentTurnId: parent.turnId, parentCallId: parent.callId, childThreadId: child.id, goal: task.goal, background });
    this.deps.followChild(parent.threadId, child.id);
    const running: Running = { id, parentThreadId: parent.threadId, childThreadId: child.id, background };
    this.running.set(id, running);
    // startTurn only throws when the thread is busy or gone, and this thread was made a moment ago.
    void threads.startTurn(child.id, [{ type: 'text', text: taskMessage(task.goal, task.context) }], { policy }).catch((e) => {
      this.deps.log.error('subagent turn did not start', { id, error: (e as Error).message });
    });
    return { running, child: { threadId: child.id, goal: task.goal, status: 'running', ...(background ? { delegationId: id } : {}) } };
  }

  /** Waits for the child's turn to end; stops it on the parent's interrupt or on timeout. */
  private async watch(r: Running, goal: string, signal: AbortSignal | undefined, began: number): Promise<ChildResult> {
    const { threads } = this.deps;
    const timeoutS = this.deps.config().delegation.child_timeout_seconds;
    const onAbort = () => this.stop(r, 'interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const timer = timeoutS > 0 ? setTimeout(() => this.stop(r, 'timeout'), timeoutS * 1000) : undefined;
    let turn: Turn | undefined;
    try {
      // The turn may not have registered yet when startTurn's promise is still settling; wait for it to appear.
      for (let i = 0; i < 100 && !threads.isBusy(r.childThreadId) && !this.lastTurn(r.childThreadId); i++) await new Promise((res) => setTimeout(res, 10));
      turn = (await threads.waitIdle(r.childThreadId)) ?? this.lastTurn(r.childThreadId);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.running.delete(r.id);
    }
    const result = this.resultOf(r, goal, turn, began, timeoutS);
    this.records.finish(r.id, result);
    await this.deps.releaseChild(r.childThreadId).catch(() => {});
    return result;
  }

  private lastTurn(threadId: string): Turn | undefined {
    const turns = this.deps.store.threads.listTurns(this.deps.threads.current(threadId));
    const last = turns.at(-1);
    return last && last.status !== 'inProgress' ? last : undefined;
  }

  private stop(r: Running, why: 'interrupted' | 'timeout'): void {
    if (r.stopped) return;
    r.stopped = why;
    try {
      this.deps.threads.interrupt(r.childThreadId, { clearQueue: true });
    } catch (e) {
      this.deps.log.warn('could not stop a subagent', { id: r.id, error: (e as Error).message });
    }
  }

  private resultOf(r: Running, goal: string, turn: Turn | undefined, began: number, timeoutS: number): ChildResult {
    const threadId = this.deps.threads.current(r.childThreadId);
    const history = turn ? this.deps.store.threads.history(threadId).filter((m) => m.turnId === turn.id) : [];
    const assistant = history.filter((m) => m.role === 'assistant');
    const lastText = [...assistant].reverse().find((m) => m.content?.trim())?.content?.trim() ?? '';
    let status: ChildStatus;
    let summary = lastText;
    let error: string | undefined;
    if (r.stopped === 'timeout') {
      status = 'timeout';
      error = `did not finish within ${timeoutS} s (delegation.child_timeout_seconds) and was stopped`;
      summary = `TIMED OUT: the subagent ${error}.${lastText ? ` Its last words: ${lastText}` : ' It produced no answer.'}`;
    } else if (r.stopped === 'interrupted' || turn?.status === 'interrupted') {
      status = 'interrupted';
      error = this.deps.threads.closing ? HOST_STOPPED : 'interrupted with its parent';
      summary = `INTERRUPTED before it finished.${lastText ? ` Its last words: ${lastText}` : ''}`;
    } else if (!turn) {
      status = 'error';
      error = 'the subagent turn did not start';
      summary = `ERROR: ${error}.`;
    } else if (turn.status === 'failed') {
      status = 'failed';
      error = turn.error?.message ?? 'failed';
      summary = `FAILED: ${error}.${lastText ? ` Its last words: ${lastText}` : ''}`;
    } else {
      status = 'completed';
      if (!summary) summary = '(the subagent ended without a summary)';
      if (turn.error) error = turn.error.message; // e.g. its step budget ran out; what it wrote is still the summary
    }
    return {
      delegation_id: r.id,
      child_thread_id: threadId,
      goal,
      status,
      summary: redact(summary),
      iterations: assistant.length,
      tokens: usageTokens(turn?.usage),
      cost_usd: turn?.usage?.costUsd ?? null,
      duration_seconds: Math.round((Date.now() - began) / 100) / 10,
      ...(error ? { error } : {}),
    };
  }

  private backgroundEnded(r: Running, result: ChildResult, policy: TurnPolicy): void {
    const row = this.records.get(r.id);
    if (row) this.announceChild(row, result);
    if (this.closed || this.deps.threads.closing) return; // delivered by the next host (undelivered rows are picked up at start)
    if (r.stopped === 'interrupted') {
      // The user stopped the parent: no turn starts on its own now; the parent hears of it with the next message.
      this.deps.threads.addNotice(r.parentThreadId, completionNotice(result));
      this.records.markDelivered(r.id);
      return;
    }
    void this.deliver(r.parentThreadId, r.id, completionNotice(result), policy);
  }

  /** The parent's delegate_task card shows how the background child ended. */
  private announceChild(row: DelegationRow, result: ChildResult): void {
    const patched = this.records.patchCallItem(row, childView(result) as unknown as Record<string, unknown>);
    if (patched?.turnId) {
      this.deps.events.emit('item/updated', { threadId: row.parent_thread_id, turnId: patched.turnId, item: patched.item as never });
    }
  }

  /** Starts a notice turn on the parent once it is idle (never between a tool call and its result). */
  private async deliver(parentThreadId: string, delegationId: string, text: string, policy: TurnPolicy): Promise<void> {
    const { threads } = this.deps;
    for (let attempt = 0; attempt < 1000 && !this.closed && !threads.closing; attempt++) {
      const id = threads.current(parentThreadId);
      await threads.waitIdle(id);
      try {
        await threads.startTurn(id, [{ type: 'text', text }], { policy, busy: 'refuse' });
        this.records.markDelivered(delegationId);
        return;
      } catch (e) {
        if (e instanceof HostError && e.kind === 'TurnInProgress') continue;
        this.deps.log.warn('could not deliver a background delegation result', { delegationId, error: (e as Error).message });
        return;
      }
    }
  }

  /**
   * At start (owner only): children a previous host left running are marked interrupted and their parents told —
   * background ones with a notice turn, foreground ones with a note on the parent's next turn (that turn died with
   * the host too) — and background results that ended but never reached their parent are delivered.
   */
  recover(): void {
    const config = this.deps.config();
    // Nobody is attached yet when these turns start: they run unattended.
    const policy = policyFor(config, HOST_ORIGIN, { approvalMode: 'deny' });
    for (const row of this.records.closeOrphans()) {
      const result = JSON.parse(row.result!) as ChildResult;
      this.announceChild(row, result);
      if (!row.background) {
        this.deps.threads.addNotice(row.parent_thread_id, `Subagent ${row.id} ("${oneLine(row.goal, 80)}", thread ${row.child_thread_id}) was interrupted by a host restart and did not finish.`);
      }
    }
    for (const row of this.records.undelivered()) {
      const result = JSON.parse(row.result ?? 'null') as ChildResult | null;
      if (!result) continue;
      const text = completionNotice(result) + (result.error === HOST_STOPPED ? '\nThe host restarted while it ran: nothing more will come from it.' : '');
      void this.deliver(row.parent_thread_id, row.id, text, policy);
    }
  }

  close(): void {
    this.closed = true;
  }
}

export function childView(r: ChildResult): DelegateChild {
  return { threadId: r.child_thread_id, goal: r.goal, status: r.status, summary: r.summary, durationMs: Math.round(r.duration_seconds * 1000), delegationId: r.delegation_id };
}

function oneLine(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}
