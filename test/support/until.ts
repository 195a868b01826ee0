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
