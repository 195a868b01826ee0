// The surface contract: everything that talks to the host — an editor connection, the terminal chat, a chat-app
// adapter, cron, the HTTP API, the ACP adapter — is a surface. Like the tool contract, it is small on purpose: who
// it is, what it can answer, and two ways to reach it. Which threads it follows is the hub's business
// (server/rpc/hub.ts), so a surface never decides routing itself.
import type { AnyServerNotification, ServerRequestMethod } from '../protocol';

export type SurfaceKind = 'editor' | 'cli' | 'chat' | 'cron' | 'api' | 'acp' | 'client';

export interface Surface {
  /** Unique while attached (e.g. `client-3`, `telegram:12345`). */
  readonly id: string;
  readonly kind: SurfaceKind;
  /** For people and the audit log: `vscode#3`, `cli (non-interactive)`, `telegram:@alice`. */
  readonly label: string;
  /** The person on the other end when the surface knows (a chat user id); editors and the CLI leave it unset. */
  readonly user?: string;
  /** Handshake done and not closed: it receives notifications. */
  ready(): boolean;
  /** Host→client requests it can put to a person at all (approval, clarify, secret). */
  canAnswer(method: ServerRequestMethod): boolean;
  notify(n: AnyServerNotification): void;
  /** Rejects when the surface cannot or will not answer; another surface or the timeout decides then. */
  request(method: ServerRequestMethod, params: unknown): Promise<unknown>;
}

/** The surface kind a JSON-RPC client's name implies (`clientInfo.name`). */
export function kindOfClient(name: string): SurfaceKind {
  const n = name.toLowerCase();
  if (n === 'vscode' || n.includes('code') || n === 'webview') return 'editor';
  if (n === 'cli' || n.startsWith('hermes-host')) return 'cli';
  if (n === 'acp') return 'acp';
  return 'client';
}
