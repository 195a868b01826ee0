// The host's outbound event stream. The agent emits protocol notifications here; the RPC hub broadcasts them to
// every attached client and in-process surfaces (the `chat` command, later the gateway) subscribe directly.
import type { NotificationParams, ServerNotificationMethod, AnyServerNotification } from '../protocol';

type Listener = (n: AnyServerNotification) => void;

export class HostEvents {
  private listeners = new Set<Listener>();

  emit<M extends ServerNotificationMethod>(method: M, params: NotificationParams<M>): void {
    const n = { method, params } as AnyServerNotification;
    for (const l of [...this.listeners]) {
      try {
        l(n);
      } catch {
        // One faulty listener must not stop the others or the turn.
      }
    }
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
