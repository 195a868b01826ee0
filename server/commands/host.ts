// The host's side of the slash commands: what a command may reach (threads, config, skills, the model list).
import type { Host } from '../host';
import { listEndpointModels } from '../agent/model-client';
import type { CommandHost } from './registry';
import type { CronCommandHost } from '../cron/command';
import { chatOfThread, cronOf } from '../cron';
import { mcpOf } from '../mcp';
import { describeStatus } from '../mcp/describe';

export function commandHost(host: Host): CommandHost & CronCommandHost {
  return {
    cron: () => cronOf(host),
    chatOf: (threadId) => chatOfThread(host, threadId),
    threads: host.threads,
    config: () => host.config,
    skillCommands: () => host.skills?.commands() ?? [],
    listModels: async () => (await listEndpointModels(host.config, host.env(), host.log)).models.map((m) => m.id),
    mcp: {
      lines: () => (mcpOf(host)?.status() ?? []).map((s) => `${s.name}: ${describeStatus(s)}`),
      reload: () => {
        // config.yaml first: changed servers restart through the config/changed event; the rest reconnect now.
        host.reloadFromDisk();
        const retried = mcpOf(host)?.retryNow() ?? [];
        return retried.length ? `Reconnecting: ${retried.join(', ')}.` : 'Configuration re-read; no server was waiting to reconnect.';
      },
    },
  };
}

