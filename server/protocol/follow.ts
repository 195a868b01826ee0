// Context compression continues a conversation on a new thread (`thread/compacted`). Every client that shows or
// drives a thread follows it the same way, with this one function, instead of each writing its own.
import type { AnyServerNotification } from './index';

/** The thread a client should now show for `current`, given a notification: the successor after compaction. */
export function followThread(current: string | null | undefined, n: AnyServerNotification): string | null | undefined {
  if (n.method === 'thread/compacted' && current && n.params.threadId === current) return n.params.thread.id;
  return current;
}
