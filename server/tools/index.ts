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

export function installTools(host: Host): void {
  const r = host.registry;
  r.register(createTodoTool({ store: host.store, events: host.events }));
  r.register(createClarifyTool());
  r.register(createSessionSearchTool({ store: host.store }));
  r.register(createReadResultTool({ resultsDir: host.paths.results }));

  const sandboxes = createSandboxManager({ config: () => host.config, hermesHome: host.hermesHome, log: host.log.child('sandbox') });
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
  host.onClose(async () => {
    await processes.stopAll();
    await sandboxes.closeAll();
  });
  r.register(createTerminalTool({ sandboxes, approvals, processes }));
  r.register(createProcessTool({ processes, approvals }));
  r.register(createReadFileTool({ sandboxes }));
  r.register(createWriteFileTool({ sandboxes, approvals }));
  r.register(createPatchTool({ sandboxes, approvals }));
  r.register(createSearchFilesTool({ sandboxes }));
  r.register(createWebSearchTool({ env: () => host.env() }));
  r.register(createWebExtractTool({ env: () => host.env() }));
}
