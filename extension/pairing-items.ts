// What "Hermes: Pairing Requests…" lists, without VS Code: pending requests (platform, user, how long ago they
// asked) and approved users, and the words the notification uses. Kept apart so it is tested without an editor.
import type { RequestResult } from '../server/protocol';

export type PairingList = RequestResult<'pairing/list'>;

export interface PairingEntry {
  kind: 'pending' | 'approved';
  platform: string;
  userId: string;
  userName: string;
}

export interface PairingItem {
  label: string;
  description: string;
  detail?: string;
  entry: PairingEntry;
}

const platformName = (p: string) => (p ? p[0].toUpperCase() + p.slice(1) : p);

/** "just now", "4 min ago", "2 h ago", "3 days ago". */
export function ago(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** Pending requests first (oldest first, as the host lists them), then approved users. */
export function pairingItems(list: PairingList, now: number): PairingItem[] {
  const pending = list.pending.map(
    (p): PairingItem => ({
      label: `$(person-add) ${p.userName || p.userId}`,
      description: `${platformName(p.platform)} · id ${p.userId} · asked ${p.createdAt ? ago(now - p.createdAt) : 'recently'}`,
      detail: `Waiting for approval; the code expires in ${Math.max(0, Math.round((p.expiresAt - now) / 60_000))} min`,
      entry: { kind: 'pending', platform: p.platform, userId: p.userId, userName: p.userName },
    }),
  );
  const approved = list.approved.map(
    (a): PairingItem => ({
      label: `$(pass) ${a.userName || a.userId}`,
      description: `${platformName(a.platform)} · id ${a.userId} · approved ${ago(now - a.approvedAt)}`,
      entry: { kind: 'approved', platform: a.platform, userId: a.userId, userName: a.userName },
    }),
  );
  return [...pending, ...approved];
}

/** The notification for `pairing/requested`. */
export function requestedMessage(p: { platform: string; userId: string; userName: string }): string {
  return `Hermes: ${platformName(p.platform)} user ${p.userName || p.userId} (id ${p.userId}) asks to talk to the agent.`;
}
