// Feeds the status bar item from host notifications: turns in flight, approvals waiting, thread usage, model.
import type { Usage } from '../../server/protocol';
import { formatStatus, type AgentState } from './status-format';

export interface StatusItem {
  text: string;
  tooltip?: unknown;
  command?: unknown;
  show(): void;
}

export class StatusModel {
  private connection: 'connecting' | 'running' | 'restarting' | 'stopped' = 'connecting';
  private readonly activeTurns = new Set<string>();
  private approvals = 0;
  private model: string | undefined;
  private usage: Usage | undefined;
  private usageThread: string | undefined;

  constructor(private readonly item: StatusItem) {
    item.command = 'hermes.showMenu';
    this.render();
    item.show();
  }

  setConnection(state: 'connecting' | 'running' | 'restarting' | 'stopped'): void {
    this.connection = state;
    if (state !== 'running') this.activeTurns.clear();
    this.render();
  }

  setModel(model: string | undefined): void {
    if (model) this.model = model;
    this.render();
  }

  turnStarted(threadId: string, model?: string): void {
    this.activeTurns.add(threadId);
    if (model) this.model = model;
    this.render();
  }

  turnCompleted(threadId: string): void {
    this.activeTurns.delete(threadId);
    this.render();
  }

  setApprovalsWaiting(n: number): void {
    this.approvals = n;
    this.render();
  }

  /** `thread/tokenUsage/updated`: the status shows the thread that last used tokens. */
  tokenUsage(threadId: string, total: Usage): void {
    this.usageThread = threadId;
    this.usage = total;
    this.render();
  }

  /** The chat switched threads: its usage is unknown until the next update, unless it is the one we have. */
  threadShown(threadId: string | null, usage?: Usage): void {
    if (threadId && usage) {
      this.usageThread = threadId;
      this.usage = usage;
    } else if (threadId !== this.usageThread) {
      this.usage = undefined;
      this.usageThread = threadId ?? undefined;
    }
    this.render();
  }

  get state(): AgentState {
    if (this.connection === 'connecting') return 'connecting';
    if (this.connection === 'restarting') return 'restarting';
    if (this.connection === 'stopped') return 'stopped';
    if (this.approvals > 0) return 'approval';
    return this.activeTurns.size ? 'working' : 'idle';
  }

  private render(): void {
    const { text, tooltip } = formatStatus({ model: this.model, state: this.state, usage: this.usage });
    this.item.text = text;
    this.item.tooltip = tooltip;
  }
}
