// Context compression for a running turn. Before each model call the turn asks `maybeCompact`; past the threshold
// the middle of the thread is summarised (or, if that fails, recorded deterministically) and the thread continues
// as a new one linked to it (`parentKind: 'compression'`): same system prompt byte for byte, the first exchange,
// the summary, the recent tail, and the running turn moved over. The parent thread is left as it was.
import type { HermesConfig } from '../../config/schema';
import type { CompactionMethod, ContextCompactionItem, Thread, TodoItem, Usage } from '../../protocol';
import type { Store, StoredMessage } from '../../store';
import { newId } from '../../util/ids';
import type { Logger } from '../../util/log';
import type { HostEvents } from '../events';
import type { ModelClient } from '../model-client';
import { ContextMeter, estimatePrompt, type Estimate } from './estimate';
import { fallbackSummary } from './fallback';
import { currentGoal, frameSummary, isSummary, summaryBody } from './frame';
import { selectBoundaries, toUnits, unitTokens, type Selection } from './select';
import { acceptSummary, summaryMessages } from './summarize';
import { countText, messageBytes, TokenCounter } from './tokens';
import { fitTranscript } from './transcript';

/** Below this share of the prompt the middle is not worth a summary (and a new thread). */
const MIN_SAVING_SHARE = 0.1;
/** Room the summariser request needs besides the transcript: instructions, goal, todo list. */
const SUMMARISER_OVERHEAD_TOKENS = 1_500;

export interface CompactorDeps {
  store: Store;
  events: HostEvents;
  log: Logger;
}

export interface CompactContext {
  threadId: string;
  turnId: string;
  systemPrompt: string;
  /** The tool schemas of the call, as JSON: they count towards the prompt. */
  toolsJson: string;
  client: Pick<ModelClient, 'complete'>;
  signal: AbortSignal;
  config: HermesConfig;
  /** Called once the new thread is committed and before clients hear of it: the caller moves its running turn. */
  onMoved?: (newThreadId: string) => void;
  /** `/compress`: compact now, below the threshold too, whenever there is a middle to summarise. */
  force?: boolean;
}

export interface CompactionOutcome {
  threadId: string;
  thread: Thread;
  method: CompactionMethod;
  summaryChars: number;
  tokensBefore: number;
  tokensAfter: number;
  /** What the summariser call used, for the turn's usage. */
  usage: Usage | null;
}

export interface CompactionLimits {
  thresholdTokens: number;
  tailBudget: number;
  tailHardCap: number;
}

export function limitsFor(config: HermesConfig): CompactionLimits {
  const thresholdTokens = Math.floor(config.compression.threshold * config.model.context_window);
  const tailBudget = Math.floor(config.compression.target_ratio * thresholdTokens);
  return { thresholdTokens, tailBudget, tailHardCap: Math.max(tailBudget, Math.floor(thresholdTokens / 2)) };
}

/** Summary length asked for: a fifth of what it replaces, within [256, min(5% of the window, 12,000)]. */
export function summaryBudget(middleTokens: number, contextWindow: number): number {
  const max = Math.max(256, Math.min(Math.floor(contextWindow * 0.05), 12_000));
  return Math.min(max, Math.max(256, Math.round(middleTokens * 0.2)));
}

export class ContextCompactor {
  readonly meter = new ContextMeter();
  private readonly counter = new TokenCounter();

  constructor(private readonly deps: CompactorDeps) {}

  /** After every model call: the provider's usage is the base of the next estimate. */
  recordCall(threadId: string, usage: Usage | null): void {
    this.meter.record(threadId, usage, this.deps.store.threads.historyMark(threadId));
  }

  estimate(threadId: string, systemPrompt: string, toolsJson: string, limit = 0): Estimate {
    const history = this.deps.store.threads.history(threadId);
    return estimatePrompt({ history, systemPrompt, toolsJson }, this.counter, this.meter.get(threadId), limit);
  }

  /** Compresses the thread when its prompt passed the threshold; returns where the turn continues, or null. */
  async maybeCompact(ctx: CompactContext): Promise<CompactionOutcome | null> {
    const { config } = ctx;
    if (!config.compression.enabled && !ctx.force) return null;
    const limits = limitsFor(config);
    if (!ctx.force && this.clearlyBelow(ctx.threadId, limits.thresholdTokens)) return null;
    const history = this.deps.store.threads.history(ctx.threadId);
    const parts = { history, systemPrompt: ctx.systemPrompt, toolsJson: ctx.toolsJson };
    const before = estimatePrompt(parts, this.counter, this.meter.get(ctx.threadId), limits.thresholdTokens);
    if (!ctx.force && before.tokens < limits.thresholdTokens) return null;

    const units = toUnits(history, (m) => this.counter.message(m));
    // Asked for (`/compress`) below the threshold: the tail is sized from what the thread holds now, not from the
    // window, or a short thread would fit in the tail whole and nothing would be compressed.
    const forcedTail = Math.floor(before.tokens * config.compression.target_ratio);
    const sel = selectBoundaries(units, {
      protectFirstN: config.compression.protect_first_n,
      protectLastN: config.compression.protect_last_n,
      tailBudget: ctx.force ? Math.min(limits.tailBudget, forcedTail) : limits.tailBudget,
      tailHardCap: ctx.force ? Math.min(limits.tailHardCap, forcedTail) : limits.tailHardCap,
    });
    const middleTokens = sel ? unitTokens(sel.middle) : 0;
    if (!sel || (!ctx.force && middleTokens < before.tokens * MIN_SAVING_SHARE) || !sel.middle.length) {
      this.deps.log.debug('over the compression threshold, but too little to compress', {
        threadId: ctx.threadId,
        tokens: before.tokens,
        middleTokens,
      });
      return null;
    }

    const middle = sel.middle.flatMap((u) => u.messages);
    const goal = currentGoal(history);
    const todos = this.deps.store.threads.getTodos(ctx.threadId);
    const budget = summaryBudget(middleTokens, config.model.context_window);
    let method: CompactionMethod = 'model';
    let body: string;
    let usage: Usage | null = null;
    try {
      const maxTranscript = Math.max(500, Math.floor(config.model.context_window * 0.9) - budget - SUMMARISER_OVERHEAD_TOKENS);
      const res = await ctx.client.complete({
        messages: summaryMessages({
          transcript: fitTranscript(middle, maxTranscript, countText),
          goal,
          todos,
          budgetTokens: budget,
          hasEarlierSummary: middle.some((m) => m.role === 'user' && isSummary(m.content)),
        }),
        tools: [],
        signal: ctx.signal,
        temperature: config.model.temperature,
      });
      usage = res.usage;
      body = acceptSummary(res.content, budget * 6);
    } catch (e) {
      if (ctx.signal.aborted) return null;
      // Never lose the task: the deterministic record keeps requests, actions, files and errors.
      this.deps.log.warn('summariser failed; compressing with the deterministic record', {
        threadId: ctx.threadId,
        error: (e as Error)?.message ?? String(e),
      });
      method = 'fallback';
      body = fallbackSummary(middle);
    }
    if (ctx.signal.aborted) return null;

    const summary = summaryBody({ body, goal, todos, method });
    const { thread, item } = this.commit(ctx, sel, summary, method, todos);
    this.meter.forget(ctx.threadId);
    ctx.onMoved?.(thread.id);
    const after = this.estimate(thread.id, ctx.systemPrompt, ctx.toolsJson);
    const outcome: CompactionOutcome = {
      threadId: thread.id,
      thread,
      method,
      summaryChars: summary.length,
      tokensBefore: before.tokens,
      tokensAfter: after.tokens,
      usage,
    };
    this.announce(ctx, outcome, item, todos);
    this.deps.log.info('context compacted', {
      threadId: ctx.threadId,
      newThreadId: thread.id,
      method,
      tokensBefore: before.tokens,
      tokensAfter: after.tokens,
      messagesSummarised: middle.length,
    });
    return outcome;
  }

  /**
   * The common case, without reading the whole thread: the provider's count of the last call plus the byte size of
   * what came after it is below the threshold.
   */
  private clearlyBelow(threadId: string, threshold: number): boolean {
    const last = this.meter.get(threadId);
    if (!last) return false;
    const { upto, after } = this.deps.store.threads.historyAfter(threadId, last.uptoId);
    if (upto !== last.count) return false;
    return after.reduce((n, m) => n + messageBytes(m), last.tokens) < threshold;
  }

  /** Writes the new thread in one transaction: head copies, the summary, tail copies, the moved turn, the todos. */
  private commit(
    ctx: CompactContext,
    sel: Selection,
    summary: string,
    method: CompactionMethod,
    todos: TodoItem[],
  ): { thread: Thread; item: ContextCompactionItem } {
    const threads = this.deps.store.threads;
    const parent = threads.getThreadRow(ctx.threadId)!;
    const id = newId('thr');
    const suffix = id.slice(-6);
    const copied = new Map<string, string>();
    // Earlier turns are copied under new ids (as forks do); the running turn keeps its id because it moves.
    const turnIn = (turnId: string | null): string | null => {
      if (!turnId || turnId === ctx.turnId) return turnId;
      let to = copied.get(turnId);
      if (!to) {
        to = `${turnId}~${suffix}`;
        threads.copyTurnRow(turnId, id, to);
        copied.set(turnId, to);
      }
      return to;
    };
    const copy = (ms: StoredMessage[]) => ms.forEach((m) => threads.copyMessage(m.id, id, turnIn(m.turnId)));
    const item: ContextCompactionItem = {
      id: newId('item'),
      turnId: ctx.turnId,
      type: 'contextCompaction',
      summary,
      parentThreadId: parent.id,
      method,
    };

    this.deps.store.db.transaction(() => {
      threads.createThread({
        id,
        title: compactedTitle(this.deps.store, parent.id),
        cwd: parent.cwd,
        model: parent.model,
        source: parent.source,
        systemPrompt: parent.system_prompt,
        parentId: parent.id,
        parentKind: 'compression',
      });
      for (const u of sel.head) copy(u.messages);
      // Outside any turn: a rollback of the running turn must not take the summary (and the middle) with it.
      threads.insertMessage({
        threadId: id,
        turnId: null,
        role: 'user',
        content: frameSummary(summary),
        reasoning: null,
        toolCalls: null,
        toolCallId: null,
        toolName: null,
        items: [item],
      });
      // The latest request when it fell in the middle goes right after the summary (joined with it on the wire).
      if (sel.lifted) copy(sel.lifted.messages);
      for (const u of sel.tail) copy(u.messages);
      threads.moveTurn(ctx.turnId, id);
      threads.setTodos(id, todos);
    })();
    return { thread: threads.toThread(threads.getThreadRow(id)!, true), item };
  }

  private announce(ctx: CompactContext, o: CompactionOutcome, item: ContextCompactionItem, todos: TodoItem[]): void {
    const { events, store } = this.deps;
    const parent = store.threads.toThread(store.threads.getThreadRow(ctx.threadId)!, false);
    events.emit('thread/started', { thread: o.thread });
    events.emit('thread/compacted', {
      threadId: ctx.threadId,
      thread: o.thread,
      turnId: ctx.turnId,
      summaryChars: o.summaryChars,
      method: o.method,
      tokensBefore: o.tokensBefore,
      tokensAfter: o.tokensAfter,
    });
    events.emit('thread/updated', { thread: parent });
    events.emit('item/started', { threadId: o.threadId, turnId: ctx.turnId, item });
    events.emit('item/completed', { threadId: o.threadId, turnId: ctx.turnId, item });
    if (todos.length) events.emit('thread/todo/updated', { threadId: o.threadId, todos });
  }
}

/** "Fix the build" → "Fix the build (2)", "(3)" for the next compaction, counted along the lineage. */
function compactedTitle(store: Store, parentId: string): string {
  let depth = 1;
  let row = store.threads.getThreadRow(parentId);
  let root = row;
  while (row?.parent_kind === 'compression' && row.parent_id && depth < 1000) {
    row = store.threads.getThreadRow(row.parent_id);
    if (row) root = row;
    depth++;
  }
  const base = root?.title ?? '';
  return base ? `${base} (${depth + 1})` : '';
}
