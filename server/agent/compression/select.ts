// Which messages survive compression. The history is cut into units that must stay whole — a user message, or an
// assistant message together with the tool results that answer its calls — and then into a protected head (the
// first exchange), a token-budgeted tail (the recent work) and the middle that gets summarised.
import type { StoredMessage } from '../../store';

export interface Unit {
  /** The messages of the unit, in order; tool results always follow the assistant message that asked for them. */
  messages: StoredMessage[];
  role: 'user' | 'assistant' | 'system' | 'tool';
  tokens: number;
}

export interface SelectOptions {
  /** Messages at the start to keep (rounded up to whole units; the first exchange is always kept). */
  protectFirstN: number;
  /** Messages at the end to keep when they fit under `tailHardCap`. */
  protectLastN: number;
  /** Tokens the tail may use. */
  tailBudget: number;
  /** Tokens the tail may grow to for `protectLastN` or to start on an assistant message. */
  tailHardCap: number;
}

export interface Selection {
  head: Unit[];
  middle: Unit[];
  tail: Unit[];
  /**
   * The latest user message when it fell in the middle: it is kept anyway, right after the summary (the work of its
   * turn that precedes the tail is what gets summarised).
   */
  lifted?: Unit;
}

export function toUnits(history: StoredMessage[], tokensOf: (m: StoredMessage) => number): Unit[] {
  const units: Unit[] = [];
  for (const m of history) {
    const last = units[units.length - 1];
    // A tool result joins the unit before it: its call is there (or it is an orphan that is dropped on the wire),
    // so no boundary can ever fall between a call and its result.
    if (m.role === 'tool' && last) {
      last.messages.push(m);
      last.tokens += tokensOf(m);
      continue;
    }
    units.push({ messages: [m], role: m.role, tokens: tokensOf(m) });
  }
  return units;
}

export const unitTokens = (us: Unit[]) => us.reduce((n, u) => n + u.tokens, 0);

/** Returns null when nothing lies between the head and the tail. */
export function selectBoundaries(units: Unit[], opts: SelectOptions): Selection | null {
  // Head: the first protect_first_n messages in whole units, never ending on a user message its answer follows.
  let h = 0;
  for (let n = 0; h < units.length && n < Math.max(1, opts.protectFirstN); h++) n += units[h].messages.length;
  while (h < units.length && units[h - 1]?.role === 'user' && units[h].role === 'assistant') h++;

  // Tail: the last unit always (the model continues from it), then back while within budget, or while fewer than
  // protect_last_n messages are kept and the hard cap allows.
  let t = units.length - 1;
  if (t < h) return null;
  let tokens = units[t].tokens;
  let kept = units[t].messages.length;
  while (t - 1 >= h) {
    const u = units[t - 1];
    const within = tokens + u.tokens <= opts.tailBudget;
    const forCount = kept < opts.protectLastN && tokens + u.tokens <= opts.tailHardCap;
    if (!within && !forCount) break;
    t--;
    tokens += u.tokens;
    kept += u.messages.length;
  }
  // The summary goes in as a user message: a tail that starts with a user message would make two in a row, so the
  // tail takes in the answer before it when that fits (otherwise the summary is merged with that message).
  while (units[t].role === 'user' && t - 1 >= h && units[t - 1].role === 'assistant' && tokens + units[t - 1].tokens <= opts.tailHardCap) {
    t--;
    tokens += units[t].tokens;
  }

  let middle = units.slice(h, t);
  let latest = -1;
  for (let i = units.length - 1; i >= 0; i--) {
    if (units[i].role === 'user') {
      latest = i;
      break;
    }
  }
  let lifted: Unit | undefined;
  if (latest >= h && latest < t) {
    lifted = units[latest];
    middle = middle.filter((u) => u !== lifted);
  }
  if (!middle.length) return null;
  return { head: units.slice(0, h), middle, tail: units.slice(t), ...(lifted ? { lifted } : {}) };
}
