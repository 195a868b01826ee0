// Polls until a condition yields a value (or true), for tests that wait on another process; fails naming what it
// waited for. Tests poll rather than sleep, so they are as fast as the machine allows and never assert wall time.
export async function until<T>(f: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Like until, for probes that may throw while the thing they wait for is not up yet (a container, a browser page):
 * errors count as "not yet", and the last one is named if time runs out.
 */
export async function untilOk<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
