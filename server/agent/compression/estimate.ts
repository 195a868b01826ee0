// How big the next prompt of a thread is. The provider's own count is the best figure: the prompt and completion
// tokens of the thread's previous call cover everything up to that call's reply, so only messages added since are
// counted here. Without it (a new or compacted thread, a restarted host, a provider that sends no usage) the whole
// prompt is counted with gpt-tokenizer.
import type { StoredMessage } from '../../store';
import type { Usage } from '../../protocol';
import { messageBytes, REPLY_PRIMING, textBytes, TokenCounter } from './tokens';

/** The provider's usage for a thread's latest call, and the history it covered. */
export interface CallRecord {
  /** Prompt + completion tokens of that call. */
  tokens: number;
  /** Highest message id the call covered (its own reply included) and the number of active messages then. */
  uptoId: number;
  count: number;
}

export interface PromptParts {
  history: StoredMessage[];
  systemPrompt: string;
  /** The tool schemas sent with the call, serialised once by the caller. */
  toolsJson: string;
}

export interface Estimate {
  tokens: number;
  source: 'usage' | 'count';
  /** True when `tokens` is the byte bound (an upper bound, proven below the limit), not a count. */
  bound: boolean;
}

/**
 * The estimate of the prompt. `limit` lets it stop early: when the byte bound is already below it, the bound is
 * returned and nothing is tokenized.
 */
export function estimatePrompt(parts: PromptParts, counter: TokenCounter, last?: CallRecord, limit = 0): Estimate {
  const usable = last && covers(parts.history, last);
  const since = usable ? parts.history.filter((m) => m.id > last.uptoId) : parts.history;
  let bound = usable ? last.tokens : textBytes(parts.systemPrompt) + textBytes(parts.toolsJson) + REPLY_PRIMING;
  for (const m of since) bound += messageBytes(m);
  const source = usable ? 'usage' : 'count';
  if (bound < limit) return { tokens: bound, source, bound: true };
  let tokens = usable ? last.tokens : counter.text(parts.systemPrompt) + counter.text(parts.toolsJson) + REPLY_PRIMING;
  for (const m of since) tokens += counter.message(m);
  return { tokens, source, bound: false };
}

/** The record still describes this history: nothing it covered was rolled back since. */
function covers(history: StoredMessage[], last: CallRecord): boolean {
  let count = 0;
  for (const m of history) if (m.id <= last.uptoId) count++;
  return count === last.count && last.tokens > 0;
}

/** Remembers each thread's latest provider usage (in memory: after a restart the first estimate counts). */
export class ContextMeter {
  private readonly last = new Map<string, CallRecord>();

  record(threadId: string, usage: Usage | null, mark: { maxId: number; count: number }): void {
    // Without usage the previous record still holds: what came after it is counted.
    if (!usage || usage.promptTokens <= 0) return;
    this.last.set(threadId, { tokens: usage.promptTokens + usage.completionTokens, uptoId: mark.maxId, count: mark.count });
  }

  get(threadId: string): CallRecord | undefined {
    return this.last.get(threadId);
  }

  forget(threadId: string): void {
    this.last.delete(threadId);
  }
}
