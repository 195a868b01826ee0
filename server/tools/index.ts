// Registers every built-in tool with its dependencies. New tool modules are added here.
import type { Host } from '../host';
import { createSandboxManager } from '../sandbox';
import { ApprovalAudit } from '../approval/audit';
import { ApprovalBroker } from '../approval/gate';
import { createTodoTool } from './todo';
import { createClarifyTool } from './clarify';
import { createSessionSearchTool } from './session-search';
import { createReadResultTool } from './read-result';
import { ProcessRegistry } from './process-registry';
import { createTerminalTool } from './terminal';
import { createProcessTool } from './process';
import { createReadFileTool } from './files/read-file';
import { createWriteFileTool } from './files/write-file';
import { createPatchTool } from './files/patch';
import { createSearchFilesTool } from './files/search-files';
import { createWebSearchTool } from './web/web-search';
import { createWebExtractTool } from './web/web-extract';
import { createMemoryTool } from './memory';
import { createSkillManageTool, createSkillsListTool, createSkillViewTool } from './skills';
import { SkillsService, bundledSkillsDir } from '../skills/service';
import { createSendMessageTool } from './send-message';
import { gatewayOf } from '../gateway';
import { installDelegation } from '../delegation/install';
import { createExecuteCodeTool } from './code/execute-code';
import { createCronjobTool } from './cronjob';
import { chatOfThread, cronOf } from '../cron';
import { installMcp } from '../mcp';

export function installTools(host: Host): void {
  const r = host.registry;
  r.register(createTodoTool({ store: host.store, events: host.events }));
  r.register(createClarifyTool());
  r.register(createSessionSearchTool({ store: host.store }));
  r.register(createReadResultTool({ resultsDir: host.paths.results }));

  const sandboxes = createSandboxManager({ config: () => host.config, hermesHome: host.hermesHome, log: host.log.child('sandbox'), env: host.startEnv() });
  const processes = new ProcessRegistry();
  const approvals = new ApprovalBroker({
    config: () => host.config,
    hermesHome: host.hermesHome,
    audit: new ApprovalAudit(host.store.db),
    persistAllowlist: (keys) => host.appendAllowlist(keys),
    log: host.log.child('approvals'),
  });
  host.sandboxes = sandboxes;
  host.approvals = approvals;
  processes.onFinished((e) => {
    host.events.emit('process/exited', { threadId: e.threadId, processId: e.processId, command: e.command, exitCode: e.exitCode, tail: e.tail });
    host.threads.addNotice(
      e.threadId,
      `Background process ${e.processId} (\`${e.command}\`) exited with code ${e.exitCode ?? 'unknown'}. Last output:\n${e.tail}`,
    );
  });
  // Compression moves a running thread to a new id; its shell, processes and session approvals follow it.
  host.threads.onMoved((from, to) => {
    sandboxes.rekey(from, to);
    processes.rekey(from, to);
    approvals.rekey(from, to);
  });
  host.onClose(async () => {
    await processes.stopAll();
    await sandboxes.closeAll();
  });
  r.register(createTerminalTool({ sandboxes, approvals, processes }));
  r.register(createProcessTool({ processes, approvals }));
  r.register(createReadFileTool({ sandboxes }));
  r.register(createWriteFileTool({ sandboxes, approvals }));
  r.register(createPatchTool({ sandboxes, approvals }));
  r.register(createSendMessageTool(() => gatewayOf(host), approvals));
  r.register(createCronjobTool({ cron: () => cronOf(host), approvals, chatOf: (t) => chatOfThread(host, t) }));
  r.register(createSearchFilesTool({ sandboxes }));
  r.register(createWebSearchTool({ env: () => host.env() }));
  r.register(createWebExtractTool({ env: () => host.env() }));

  r.register(createMemoryTool({ hermesHome: host.hermesHome }));
  const skills = new SkillsService({
    skillsDir: host.paths.skills,
    hermesHome: host.hermesHome,
    bundledDir: bundledSkillsDir(),
    config: () => host.config,
    env: () => host.env(),
    events: host.events,
    log: host.log.child('skills'),
    activeTools: () => {
      const { tools } = r.active({ config: host.config, env: host.env() });
      return { toolsets: [...new Set(tools.map((t) => t.toolset))], tools: tools.map((t) => t.name) };
    },
  });
  host.skills = skills;
  skills.startSoon();
  host.onClose(() => skills.close());
  r.register(createSkillsListTool({ skills }));
  r.register(createSkillViewTool({ skills, secrets: { store: (name, value) => host.setSecret(name, value) } }));
  r.register(createSkillManageTool({ skills }));
  installDelegation(host, sandboxes);
  r.register(createExecuteCodeTool({ registry: r, env: () => host.env(), hermesHome: host.hermesHome }));
  // Last: MCP tool names are chosen around the built-in ones.
  installMcp(host);
}
