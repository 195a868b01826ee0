// JSON-RPC method handlers: thin adapters from protocol params to the host's services. Typed per method (see
// Handlers): a handler whose params or result drift from server/protocol does not compile.
//
// Routing starts here: a client that starts, resumes, reads, forks or runs a turn on a thread follows it (its stream
// and its approval requests); the turn's policy names the client as its origin.
import { fileURLToPath } from 'node:url';
import type { Host } from '../host';
import { PROTOCOL_VERSION } from '../protocol';
import { VERSION } from '../version';
import { HostError } from '../util/errors';
import { listEndpointModels } from '../agent/model-client';
import { policyFor } from '../agent/policy';
import { publicConfig } from '../config/public';
import { listCommands, runCommand } from '../commands/registry';
import { commandHost } from '../commands/host';
import type { ClientConnection, Handlers } from './connection';
import { ContextWatchers, workspaceHandlers } from './workspace-handlers';
import { approvalHandlers } from './approval-handlers';
import { gatewayHandlers } from '../gateway';
import { cronHandlers } from '../cron';
import { mcpHandlers } from '../mcp';
import { setWorkspaceTrusted } from '../context';

function folderPath(f: string | { uri: string }): string {
  const s = typeof f === 'string' ? f : f.uri;
  return s.startsWith('file:') ? fileURLToPath(s) : s;
}

export function createHandlers(host: Host): Handlers {
  const workspaceOf = new WeakMap<ClientConnection, string>();
  const watchers = new ContextWatchers(host);
  const rootOf = (c: unknown) => workspaceOf.get(c as ClientConnection) ?? host.workspaceRoot;
  const follow = <T extends { id: string }>(client: ClientConnection, thread: T): T => {
    host.hub.subscribe(client.id, { threadId: thread.id });
    return thread;
  };
  const origin = (client: ClientConnection) => ({ surfaceId: client.id, kind: client.kind, label: client.label });
  const commands = commandHost(host);
  return {
    ...workspaceHandlers(host, rootOf),
    ...approvalHandlers(host),
    ...gatewayHandlers(host),
    ...cronHandlers(host),
    ...mcpHandlers(host),
    initialize(p, client) {
      const opts = p.initializationOptions ?? {};
      const name = p.clientInfo?.name ?? opts.clientInfo?.name ?? 'client';
      const caps = { ...(opts.hermesCapabilities ?? {}), ...(p.hermesCapabilities ?? {}) };
      client.setInitialized(name, caps);
      const secrets = { ...(opts.secrets ?? {}), ...(p.secrets ?? {}) };
      if (Object.keys(secrets).length) host.setClientSecrets(secrets);
      const folders = [...(p.workspaceFolders ?? []), ...(opts.workspaceFolders ?? [])];
      const root = folders.length ? folderPath(folders[0]) : p.rootUri ? folderPath(p.rootUri) : undefined;
      if (root) workspaceOf.set(client, root);
      if (opts.workspaceTrusted !== undefined) setWorkspaceTrusted(root ?? host.workspaceRoot, opts.workspaceTrusted);
      watchers.ensure(root ?? host.workspaceRoot);
      host.log.info('client initialized', { client: client.label, capabilities: caps });
      return {
        serverInfo: { name: 'hermes-host', version: VERSION },
        protocolVersion: PROTOCOL_VERSION,
        hermesHome: host.hermesHome,
        capabilities: {},
        clientId: client.id,
      };
    },
    shutdown: () => null,
    'thread/start': (p, client) =>
      ({ thread: follow(client, host.threads.start({ ...p, workspaceRoot: p.workspaceRoot ?? rootOf(client), source: p.source ?? client.label.split('#')[0] })) }),
    'thread/resume': (p, client) => ({ thread: follow(client, host.threads.get(host.threads.current(p.threadId))) }),
    'thread/list': (p) => host.threads.list(p),
    'thread/read': (p, client) => {
      const r = host.threads.read(p.threadId);
      follow(client, r.thread);
      return r;
    },
    'thread/fork': (p, client) => ({ thread: follow(client, host.threads.fork(p.threadId, p.turnId)) }),
    'thread/rollback': (p) => host.threads.rollback(p.threadId, p.turns),
    'thread/search': (p) => ({ hits: host.threads.search(p.query, { limit: p.limit, threadId: p.threadId }) }),
    'thread/archive': (p) => ({ thread: host.threads.archive(p.threadId, p.archived) }),
    'thread/rename': (p) => ({ thread: host.threads.rename(p.threadId, p.title) }),
    'thread/delete': (p) => {
      host.threads.delete(p.threadId);
      return {};
    },
    'thread/subscribe': (p, client) => {
      if (p.threadId) host.threads.get(p.threadId); // ThreadNotFound for an unknown id
      return host.hub.subscribe(client.id, { threadId: p.threadId && host.threads.current(p.threadId), all: p.all });
    },
    'thread/unsubscribe': (p, client) => host.hub.unsubscribe(client.id, p),
    'thread/attachment': (p) => host.threads.attachment(p.threadId, p.attachmentId),
    'turn/start': async (p, client) => {
      host.hub.subscribe(client.id, { threadId: host.threads.current(p.threadId) });
      const policy = policyFor(host.config, origin(client), p.approvalMode ? { approvalMode: p.approvalMode } : {});
      return host.threads.startTurn(p.threadId, p.input, { model: p.model, policy, busy: p.busy });
    },
    'turn/interrupt': (p) => host.threads.interrupt(p.threadId, p.turnId ? { turnId: p.turnId } : {}),
    'command/list': () => ({ commands: listCommands(commands) }),
    'command/run': async (p, client) => {
      if (p.threadId) host.hub.subscribe(client.id, { threadId: host.threads.current(p.threadId) });
      const r = await runCommand(commands, p.text, {
        threadId: p.threadId,
        policy: policyFor(host.config, origin(client)),
        workspaceRoot: rootOf(client),
        source: client.label.split('#')[0],
      });
      if (r.thread) follow(client, r.thread);
      return r;
    },
    'config/read': () => ({ config: publicConfig(host.config), path: host.configInfo.path, warnings: host.configInfo.warnings }),
    'config/write': (p) => {
      try {
        const loaded = host.writeConfig(p.key, p.value);
        return { config: publicConfig(loaded.config), path: loaded.path, warnings: loaded.warnings };
      } catch (e) {
        throw new HostError('ConfigInvalid', (e as Error).message);
      }
    },
    'model/list': async () => {
      const def = host.config.model.default;
      try {
        const { models } = await listEndpointModels(host.config, host.env(), host.log);
        return { models, default: def };
      } catch (e) {
        return { models: def ? [{ id: def }] : [], default: def, error: (e as Error).message };
      }
    },
  };
}
