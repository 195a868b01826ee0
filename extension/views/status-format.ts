// What the status bar item says: model, what the agent is doing, and the current thread's tokens and cost.
import type { Usage } from '../../server/protocol';

export type AgentState = 'connecting' | 'idle' | 'working' | 'approval' | 'restarting' | 'stopped';

export interface StatusView {
  model?: string;
  state: AgentState;
  usage?: Usage;
}

const STATE_TEXT: Record<AgentState, string> = {
  connecting: 'starting',
  idle: 'idle',
  working: 'working',
  approval: 'waiting for approval',
  restarting: 'restarting',
  stopped: 'stopped',
};

const STATE_ICON: Record<AgentState, string> = {
  connecting: '$(loading~spin)',
  idle: '$(hubot)',
  working: '$(sync~spin)',
  approval: '$(bell-dot)',
  restarting: '$(loading~spin)',
  stopped: '$(error)',
};

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

export function formatCost(usd: number | null | undefined): string | undefined {
  if (usd === null || usd === undefined) return undefined;
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatStatus(v: StatusView): { text: string; tooltip: string } {
  const parts = [`${STATE_ICON[v.state]} ${v.model || 'Hermes'}`, STATE_TEXT[v.state]];
  const tip = [`Hermes — ${STATE_TEXT[v.state]}`, `Model: ${v.model || '(host default)'}`];
  if (v.usage && v.usage.totalTokens > 0) {
    parts.push(`${formatTokens(v.usage.totalTokens)} tok`);
    tip.push(`Thread tokens: ${v.usage.totalTokens.toLocaleString('en-US')} (prompt ${v.usage.promptTokens.toLocaleString('en-US')}, completion ${v.usage.completionTokens.toLocaleString('en-US')})`);
    const cost = formatCost(v.usage.costUsd);
    if (cost) {
      parts.push(cost);
      tip.push(`Thread cost: ${cost}`);
    }
  }
  return { text: parts.join(' · '), tooltip: tip.join('\n') };
}
