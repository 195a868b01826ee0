// Items of running turns as they stand right now (a reply half streamed, a command's output so far). The store
// holds only completed items, so a client that (re)opens a thread mid-turn gets these from thread/read too.
import type { AnyServerNotification, Item } from '../protocol';
import type { HostEvents } from './events';

const OUTPUT_KEEP = 64_000;

export class LiveItems {
  private readonly byThread = new Map<string, Map<string, Item>>();

  constructor(events: HostEvents) {
    events.on((n) => this.apply(n));
  }

  of(threadId: string): Item[] {
    return [...(this.byThread.get(threadId)?.values() ?? [])];
  }

  private items(threadId: string): Map<string, Item> {
    let m = this.byThread.get(threadId);
    if (!m) this.byThread.set(threadId, (m = new Map()));
    return m;
  }

  private apply(n: AnyServerNotification): void {
    switch (n.method) {
      case 'item/started':
      case 'item/updated':
        if (n.params.item.type !== 'userMessage') this.items(n.params.threadId).set(n.params.item.id, { ...n.params.item, turnId: n.params.turnId });
        return;
      case 'item/agentMessage/delta':
      case 'item/reasoning/delta': {
        const it = this.byThread.get(n.params.threadId)?.get(n.params.itemId);
        if (it && (it.type === 'agentMessage' || it.type === 'reasoning')) it.text += n.params.delta;
        return;
      }
      case 'item/commandExecution/outputDelta': {
        const it = this.byThread.get(n.params.threadId)?.get(n.params.itemId);
        if (it?.type === 'commandExecution') {
          const out = (it.output ?? '') + n.params.delta;
          it.output = out.length > OUTPUT_KEEP ? out.slice(-OUTPUT_KEEP) : out;
        }
        return;
      }
      case 'item/completed':
        this.byThread.get(n.params.threadId)?.delete(n.params.item.id);
        return;
      case 'turn/completed':
        this.byThread.delete(n.params.threadId);
        return;
    }
  }

  /** Compression continued `from` as `to` (ThreadService.onMoved): the running turn's items go with it. */
  move(from: string, to: string): void {
    const m = this.byThread.get(from);
    this.byThread.delete(from);
    if (m) this.byThread.set(to, m);
  }
}
