// Stops a turn that keeps repeating the same failing call. Weak models ignore warnings, so the guard warns once
// in the tool result and then ends the turn instead of burning iterations.

export function fingerprint(name: string, rawArgs: string): string {
  let canon = rawArgs.trim();
  try {
    canon = JSON.stringify(sortKeys(JSON.parse(rawArgs)));
  } catch {}
  return `${name}\u0000${canon}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

export class LoopGuard {
  private failures = new Map<string, number>();
  tripped: { tool: string; count: number } | null = null;

  constructor(private readonly stopAfter: number) {}

  /** Records a call's outcome; returns a warning to append to its result, if any. */
  record(name: string, rawArgs: string, failed: boolean): string | undefined {
    const fp = fingerprint(name, rawArgs);
    if (!failed) {
      this.failures.delete(fp);
      return undefined;
    }
    const n = (this.failures.get(fp) ?? 0) + 1;
    this.failures.set(fp, n);
    if (n >= this.stopAfter) {
      this.tripped ??= { tool: name, count: n };
      return `[loop guard: this exact call failed ${n} times; the turn is being stopped]`;
    }
    if (n === this.stopAfter - 1) {
      return `[loop guard: this exact call has failed ${n} times. Do not repeat it; change the arguments or the approach, or stop and report the problem.]`;
    }
    return undefined;
  }
}
