// The host's side of the slash commands: what a command may reach (threads, config, skills, the model list).
import type { Host } from '../host';
import { listEndpointModels } from '../agent/model-client';
import type { CommandHost } from './registry';
import type { CronCommandHost } from '../cron/command';
import { chatOfThread, cronOf } from '../cron';

export function commandHost(host: Host): CommandHost & CronCommandHost {
  return {
    cron: () => cronOf(host),
    chatOf: (threadId) => chatOfThread(host, threadId),
    threads: host.threads,
    config: () => host.config,
    skillCommands: () => host.skills?.commands() ?? [],
    listModels: async () => (await listEndpointModels(host.config, host.env(), host.log)).models.map((m) => m.id),
  };
}

