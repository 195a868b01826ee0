// When the host connection drops: how long to wait before the next start, and whether to tell the user. One
// notification per failure burst: the first failure after a stable period notifies, the following ones (the
// host crashing again while we back off) only log. A connection that stays up for `stableMs` ends the burst.

export interface RestartDecision {
  /** Wait this long before starting again. */
  delayMs: number;
  /** Show the user a notification (only for the first failure of a burst). */
  notify: boolean;
  /** Stop restarting: too many failures in a row. */
  giveUp: boolean;
  /** Failures in the current burst, this one included. */
  attempt: number;
}

export interface RestartPolicyOptions {
  baseMs?: number;
  maxMs?: number;
  /** Consecutive failures after which restarting stops until the user asks. */
  maxAttempts?: number;
  /** A connection up this long counts as healthy and resets the backoff. */
  stableMs?: number;
  now?: () => number;
}

export class RestartPolicy {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxAttempts: number;
  private readonly stableMs: number;
  private readonly now: () => number;
  private failures = 0;
  private upSince: number | null = null;

  constructor(opts: RestartPolicyOptions = {}) {
    this.baseMs = opts.baseMs ?? 500;
    this.maxMs = opts.maxMs ?? 30_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.stableMs = opts.stableMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The host answered `initialize`. */
  connected(): void {
    this.upSince = this.now();
  }

  /** The connection closed, or a start failed. */
  failed(): RestartDecision {
    if (this.upSince !== null && this.now() - this.upSince >= this.stableMs) this.failures = 0;
    this.upSince = null;
    this.failures++;
    const delayMs = Math.min(this.maxMs, this.baseMs * 2 ** (this.failures - 1));
    return { delayMs, notify: this.failures === 1, giveUp: this.failures > this.maxAttempts, attempt: this.failures };
  }

  /** The user restarted by hand: a new burst begins. */
  reset(): void {
    this.failures = 0;
    this.upSince = null;
  }
}
