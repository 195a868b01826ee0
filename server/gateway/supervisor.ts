// Keeps one platform adapter connected: runs it, and when it fails waits (exponential backoff with jitter, capped)
// and runs it again. A connection that stayed up for a while resets the backoff. Errors the platform calls
// permanent (a bad token: 401/404 on getMe) stop the retries and leave the platform `failed`.
import { PlatformError, type InboundEnvelope, type PlatformAdapter } from './adapter';
import type { Logger } from '../util/log';

export type PlatformState = 'connecting' | 'ready' | 'backing-off' | 'failed' | 'stopped';

export interface PlatformStatus {
  platform: string;
  state: PlatformState;
  since: number;
  lastError?: string;
  /** When the next connection attempt is due (backing-off only). */
  retryAt?: number;
  attempts: number;
}

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
const STABLE_MS = 30_000;

export class PlatformSupervisor {
  private status: PlatformStatus;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly adapter: PlatformAdapter,
    private readonly onInbound: (batch: InboundEnvelope[], next: number) => Promise<void>,
    private readonly onStatus: (s: PlatformStatus) => void,
    private readonly log: Logger,
    private readonly backoff = { minMs: MIN_BACKOFF_MS, maxMs: MAX_BACKOFF_MS },
  ) {
    this.status = { platform: adapter.id, state: 'connecting', since: Date.now(), attempts: 0 };
  }

  get current(): PlatformStatus {
    return { ...this.status };
  }

  private set(s: Partial<PlatformStatus>): void {
    this.status = { ...this.status, ...s, since: s.state && s.state !== this.status.state ? Date.now() : this.status.since };
    if (s.state !== 'backing-off') delete this.status.retryAt;
    this.onStatus(this.current);
  }

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let failures = 0;
    while (!signal.aborted) {
      this.set({ state: 'connecting', attempts: this.status.attempts + 1 });
      const startedAt = Date.now();
      try {
        await this.adapter.run(
          signal,
          this.onInbound,
          () => {
            if (this.status.state !== 'ready') this.set({ state: 'ready' });
          },
          // The platform's library is reconnecting on its own: the same run, a new attempt.
          (why) => {
            // One report per change: a library retrying every half second must not flood the status stream.
            if (signal.aborted || (this.status.state === 'connecting' && this.status.lastError === why)) return;
            this.log.warn(`${this.adapter.id}: connection lost, reconnecting`, { error: why });
            this.set({ state: 'connecting', lastError: why, attempts: this.status.attempts + 1 });
          },
        );
        if (signal.aborted) break;
        throw new Error('the connection ended');
      } catch (e) {
        if (signal.aborted) break;
        const err = e as Error;
        if (Date.now() - startedAt > STABLE_MS) failures = 0;
        failures++;
        if (e instanceof PlatformError && e.kind === 'permanent') {
          this.log.error(`${this.adapter.id}: giving up`, { error: err.message });
          this.set({ state: 'failed', lastError: err.message });
          return;
        }
        const exp = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** (failures - 1));
        const retryAfter = e instanceof PlatformError && e.retryAfter ? e.retryAfter * 1000 : 0;
        const wait = Math.max(retryAfter, exp / 2 + Math.random() * (exp / 2));
        this.log.warn(`${this.adapter.id}: connection failed, retrying`, { error: err.message, inMs: Math.round(wait) });
        this.set({ state: 'backing-off', lastError: err.message, retryAt: Date.now() + wait });
        this.status.retryAt = Date.now() + wait;
        await new Promise<void>((r) => {
          const t = setTimeout(r, wait);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
      }
    }
    this.set({ state: 'stopped' });
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.wake?.();
    await this.loop;
  }
}
