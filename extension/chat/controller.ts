// Editor commands that drive the chat: send a prompt (a skill's slash command, a question about a selection) as a
// turn in the thread the chat shows, starting one if there is none, and bring the chat into view.
import type { WebviewHub } from './hub';

export interface ChatHost {
  request(method: string, params: unknown): Promise<unknown>;
}

export class ChatController {
  constructor(
    private readonly host: ChatHost,
    private readonly hub: WebviewHub,
    private readonly reveal: () => Promise<void>,
    private readonly workspaceRoot: () => string | undefined,
  ) {}

  /** Sends `text` as a turn; returns the thread it went to. */
  async sendPrompt(text: string): Promise<string> {
    const threadId = await this.ensureThread();
    await this.reveal();
    // The views switch to the thread before the turn starts, so they see its first notifications.
    this.hub.broadcast({ type: 'command', command: 'openThread', threadId });
    await this.host.request('turn/start', { threadId, input: [{ type: 'text', text }] });
    return threadId;
  }

  newChat(): void {
    this.hub.thread.set(null);
    this.hub.broadcast({ type: 'command', command: 'newChat' });
  }

  private async ensureThread(): Promise<string> {
    const known = this.hub.thread.get();
    if (known) {
      try {
        await this.host.request('thread/resume', { threadId: known });
        return known;
      } catch (e) {
        if ((e as { data?: { kind?: string } })?.data?.kind !== 'ThreadNotFound') throw e;
      }
    }
    const root = this.workspaceRoot();
    const r = (await this.host.request('thread/start', { source: 'vscode', ...(root ? { cwd: root } : {}) })) as { thread: { id: string } };
    this.hub.thread.set(r.thread.id);
    return r.thread.id;
  }
}
