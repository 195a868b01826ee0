// Every call the gateway makes into the host goes through here, so the host's API can change (one host per
// HERMES_HOME, a client hub that routes by thread, per-turn policies) by editing this one file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { Host } from '../host';
import type { AnyServerNotification, ServerRequestMethod, Turn, UserInput } from '../protocol';
import type { ClientPeer } from '../rpc/hub';
import type { HermesConfig } from '../config/schema';
import { buildSkillCommands } from '../skills/commands';
import type { Logger } from '../util/log';
import type Database from 'better-sqlite3';
import { policyFor } from '../agent/policy';
import { runCommand, type CommandResult } from '../commands/registry';
import { commandHost } from '../commands/host';

/** The gateway's one surface in the hub: every chat turn names it as origin, so their approvals reach the chat. */
export const GATEWAY_SURFACE_ID = 'gateway';

export interface HostPort {
  readonly hermesHome: string;
  readonly db: Database.Database;
  readonly log: Logger;
  config(): HermesConfig;
  env(): Record<string, string | undefined>;
  startThread(opts: { title?: string; source: string }): string;
  /** The thread that continues `threadId` now (context compression moves threads). */
  current(threadId: string): string;
  /** Starts a turn whose origin is the gateway's surface (so its approvals come to the chat) for this chat user;
   * `images` (photos the user sent) go with the text. */
  startTurn(threadId: string, text: string, who?: { userId: string; label: string }, images?: UserInput[]): Promise<{ threadId: string; turnId: string }>;
  interrupt(threadId: string): boolean;
  /** Adds text to the thread's running turn (busy_mode steer); false when no turn runs. */
  steer(threadId: string, text: string): boolean;
  /** One of the host's slash commands (server/commands), with the gateway as the surface that ran it; a thread it
   *  starts (/new) gets `source`. */
  runCommand(threadId: string, text: string, who: { userId: string; label: string; source?: string }): Promise<CommandResult>;
  /** The surface that started the thread's running turn (undefined when idle). */
  turnOrigin(threadId: string): { surfaceId: string; kind: string; label: string } | undefined;
  isBusy(threadId: string): boolean;
  waitIdle(threadId: string): Promise<Turn | undefined>;
  /** Writes a file a chat user sent into `chat-files/` of the thread's working folder as its sandbox sees it (the
   *  host's folder for local shells; the shell's folder in the container or on the SSH machine otherwise), so the
   *  path named to the model is one its tools can open. Returns that path. */
  saveChatFile(threadId: string, name: string, data: Buffer): Promise<string>;
  on(listener: (n: AnyServerNotification) => void): () => void;
  /** Registers an in-process client of the hub (it answers approval requests for chat threads). */
  addClient(peer: ClientPeer): () => void;
  skillCommands(reserved: string[]): { command: string; description: string }[];
  onClose(fn: () => void | Promise<void>): void;
}

export type { ServerRequestMethod };

export function hostPort(host: Host): HostPort {
  // Every chat turn and command names the gateway's surface as origin, for the chat user who sent it.
  const chatPolicy = (who?: { userId: string; label: string }) =>
    policyFor(host.config, { surfaceId: GATEWAY_SURFACE_ID, kind: 'chat', label: who?.label ?? 'gateway' }, who ? { user: who.userId } : {});
  return {
    hermesHome: host.hermesHome,
    db: host.store.db,
    log: host.log.child('gateway'),
    config: () => host.config,
    env: () => host.env(),
    startThread: (o) => host.threads.start({ title: o.title, source: o.source }).id,
    current: (id) => host.threads.current(id),
    startTurn: async (id, text, who, images = []) => {
      const { turn } = await host.threads.startTurn(id, [{ type: 'text', text }, ...images], { policy: chatPolicy(who) });
      return { threadId: host.threads.current(id), turnId: turn.id };
    },
    interrupt: (id) => host.threads.interrupt(id).interrupted,
    steer: (id, text) => host.threads.steer(id, [{ type: 'text', text }]),
    runCommand: (id, text, who) =>
      runCommand(commandHost(host), text, {
        threadId: id,
        policy: chatPolicy(who),
        workspaceRoot: host.workspaceRoot,
        source: who.source ?? 'gateway',
      }),
    turnOrigin: (id) => host.threads.running.get(host.threads.current(id))?.origin,
    isBusy: (id) => host.threads.isBusy(id),
    waitIdle: (id) => host.threads.waitIdle(id),
    saveChatFile: async (id, name, data) => {
      const thread = host.threads.get(host.threads.current(id));
      if (host.config.terminal.backend === 'local') {
        const path = join(thread.cwd, 'chat-files', name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, data);
        return path;
      }
      const sandbox = await host.sandboxes.get(thread.id, thread.cwd);
      const path = posix.join(sandbox.cwd(), 'chat-files', name);
      await sandbox.writeFile(path, data);
      return path;
    },
    on: (l) => host.events.on(l),
    addClient: (peer) => {
      host.hub.add(peer);
      host.hub.peerReady(peer);
      return () => host.hub.remove(peer.id);
    },
    skillCommands: (reserved) => {
      try {
        return buildSkillCommands(host.skills.list().skills, reserved).commands.map((c) => ({ command: c.command, description: c.description }));
      } catch {
        return [];
      }
    },
    onClose: (fn) => host.onClose(fn),
  };
}
