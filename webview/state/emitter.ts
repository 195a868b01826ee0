// Keyed change notifications, batched to one flush per animation frame: a burst of stream deltas marks an item
// dirty many times but its view re-renders once per frame, and only views whose key changed re-render at all.
import { useLayoutEffect, useState } from 'preact/hooks';

type Listener = () => void;

export class Emitter {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly dirty = new Set<string>();
  private readonly versions = new Map<string, number>();
  private scheduled = false;

  /** How often `key` was marked; a view compares it after subscribing to catch changes made before it did. */
  version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  on(key: string, fn: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.listeners.delete(key);
    };
  }

  /** Marks keys changed; listeners run on the next frame. */
  mark(...keys: string[]): void {
    for (const k of keys) {
      this.dirty.add(k);
      this.versions.set(k, (this.versions.get(k) ?? 0) + 1);
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // rAF pauses in hidden webviews; the timer keeps state moving so the view is current when shown again.
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      this.flush();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    setTimeout(run, 100);
  }

  flush(): void {
    this.scheduled = false;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const k of keys) for (const fn of [...(this.listeners.get(k) ?? [])]) fn();
  }
}

/** Re-renders the calling component whenever one of `keys` is marked. Returns a counter that changes with it. */
export function useKeys(emitter: Emitter, ...keys: string[]): number {
  const [n, setN] = useState(0);
  const joined = keys.join('\u0000');
  // The versions this render saw: a change between render and subscription (effects run after paint) is not lost.
  const seen = keys.reduce((sum, k) => sum + emitter.version(k), 0);
  useLayoutEffect(() => {
    const bump = () => setN((x) => x + 1);
    const offs = keys.map((k) => emitter.on(k, bump));
    if (keys.reduce((sum, k) => sum + emitter.version(k), 0) !== seen) bump();
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [emitter, joined]);
  return n;
}
