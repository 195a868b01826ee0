// JSON-RPC method handlers: thin adapters from protocol params to the host's services.
import { fileURLToPath } from 'node:url';
import type { Host } from '../host';
import { PROTOCOL_VERSION, type InitializeParams } from '../protocol';
import { VERSION } from '../version';
import { HostError } from '../util/errors';
import { listEndpointModels } from '../agent/model-client';
import { publicConfig } from '../config/public';
import type { ClientConnection, Handlers } from './connection';
import { ContextWatchers, workspaceHandlers } from './workspace-handlers';
import { setWorkspaceTrusted } from '../context';

function folderPath(f: string | { uri: string }): string {
  const s = typeof f === 'string' ? f : f.uri;
  return s.startsWith('file:') ? fileURLToPath(s) : s;
}

export function createHandlers(host: Host): Handlers {
  const workspaceOf = new WeakMap<ClientConnection, string>();
  const watchers = new ContextWatchers(host);
  const rootOf = (c: unknown) => workspaceOf.get(c as ClientConnection) ?? host.workspaceRoot;
  return {
    ...workspaceHandlers(host, rootOf),
    initialize(p: InitializeParams, client) {
      const opts = p.initializationOptions ?? {};
      const name = p.clientInfo?.name ?? opts.clientInfo?.name ?? 'client';
      const caps = { ...(opts.hermesCapabilities ?? {}), ...(p.hermesCapabilities ?? {}) };
      client.setInitialized(name, caps as any);
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
      ({ thread: host.threads.start({ ...p, workspaceRoot: rootOf(client), source: p.source ?? client.label.split('#')[0] }) }),
    'thread/resume': (p) => ({ thread: host.threads.get(p.threadId) }),
    'thread/list': (p) => host.threads.list(p),
    'thread/read': (p) => host.threads.read(p.threadId),
    'thread/fork': (p) => ({ thread: host.threads.fork(p.threadId, p.turnId) }),
    'thread/rollback': (p) => host.threads.rollback(p.threadId, p.turns),
    'thread/search': (p) => ({ hits: host.threads.search(p.query, { limit: p.limit, threadId: p.threadId }) }),
    'thread/archive': (p) => ({ thread: host.threads.archive(p.threadId, p.archived) }),
    'thread/rename': (p) => ({ thread: host.threads.rename(p.threadId, p.title) }),
    'thread/delete': (p) => {
      host.threads.delete(p.threadId);
      return {};
    },
    'turn/start': (p) => ({ turn: host.threads.startTurn(p.threadId, p.input, { model: p.model }) }),
    'turn/interrupt': (p) => host.threads.interrupt(p.threadId),
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
