// Short human forms for numbers the transcript shows.
import type { Usage } from '../server/protocol';

const int = new Intl.NumberFormat('en-US');

export function formatTokens(n: number): string {
  return int.format(n);
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** `1,234 tokens (1,000 in · 234 out) · $0.0012` */
export function formatUsage(u: Usage): string {
  const parts = [`${formatTokens(u.totalTokens)} tokens (${formatTokens(u.promptTokens)} in · ${formatTokens(u.completionTokens)} out)`];
  const cost = formatCost(u.costUsd);
  if (cost) parts.push(cost);
  return parts.join(' · ');
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatDate(epochMs: number, now = Date.now()): string {
  const d = new Date(epochMs);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
}
