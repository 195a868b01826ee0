// Entry point: wires the host connection, the chat webviews, the IDE prompts for host requests, the status bar,
// the Context view and the commands. The host owns every decision; this extension is a bridge to the editor.
import { hostInitOptions } from './host/init-options';
import * as vscode from 'vscode';
import { serverNotifications, type ServerRequestMethod } from '../server/protocol';
import { followThread } from '../server/protocol/follow';
import { WebviewHub } from './chat/hub';
import { ChatController } from './chat/controller';
import { createExtMethods, DiffDocuments, DIFF_SCHEME } from './chat/ext-methods';
import { ChatViews, CHAT_VIEW_ID } from './chat/view';
import { registerCommands } from './commands';
import { languageClientFactory } from './host/language-client';
import { planLaunch } from './host/launch';
import { onPairingRequested } from './pairing';
import { redactingChannel, SecretRedactor } from './host/redact';
import { HostSupervisor, type HostState } from './host/supervisor';
import { ServerRequestBroker } from './requests/broker';
import { createPromptUi } from './requests/prompts';
import { ApiKeys } from './secrets';
import { applySettingsChange } from './settings';
import { SkillCatalog } from './skills';
import { ContextTree } from './views/context-tree';
import { registerCronView } from './views/cron-tree';
import { StatusModel } from './views/status-bar';
import { McpStatusView } from './views/mcp-status';
import type { McpServerStatus } from '../server/protocol';

const SERVER_REQUESTS: ServerRequestMethod[] = ['approval/request', 'clarify/request', 'secret/request'];

let supervisor: HostSupervisor | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const sub = (...d: vscode.Disposable[]) => context.subscriptions.push(...d);
  const redactor = new SecretRedactor();
  const rawChannel = vscode.window.createOutputChannel('Hermes', { log: true });
  const channel = redactingChannel(rawChannel, redactor);
  sub(rawChannel);
  const keys = new ApiKeys(context.secrets, redactor);
  const workspaceRoot = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const settings = () => vscode.workspace.getConfiguration('hermes');

  const host = new HostSupervisor(
    languageClientFactory({
      channel,
      launch: () =>
        planLaunch(
          {
            nodePath: settings().get<string>('nodePath') ?? '',
            attach: settings().get<string>('host.attach') ?? '',
            hermesHome: settings().get<string>('hermesHome') ?? '',
            profile: settings().get<string>('profile') ?? '',
          },
          context.asAbsolutePath('dist/server/main.js'),
          process.env,
          workspaceRoot(),
        ),
      initializationOptions: async () => hostInitOptions(vscode.workspace, vscode.version, await keys.all()),
    }),
    {
      notifyFailure: (message) =>
        void vscode.window.showWarningMessage(message, 'Show Log').then((a) => {
          if (a) channel.show(true);
        }),
      notifyConfigProblem: (message, setting) =>
        void vscode.window.showErrorMessage(`Hermes: ${message}`, 'Open Setting', 'Show Log').then((a) => {
          if (a === 'Open Setting') void vscode.commands.executeCommand('workbench.action.openSettings', setting);
          else if (a) channel.show(true);
        }),
      log: (m) => channel.info(m),
    },
  );
  supervisor = host;
  // Trust granted later: the host re-initializes and loads the workspace's context files from then on.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void host.restart()));
  const hostInfo = () => host.info as { hermesHome?: string } | undefined;

  // Chat webviews and the bridge.
  const hub = new WebviewHub(context.workspaceState);
  const broker = new ServerRequestBroker(createPromptUi(redactor), (m) => hub.broadcast(m));
  const diffs = new DiffDocuments();
  sub(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs));
  const views = new ChatViews(context.extensionUri, hub, {
    host: {
      request: (m, p) => host.request(m, p),
      get connected() {
        return host.state === 'running';
      },
      get hermesHome() {
        return hostInfo()?.hermesHome;
      },
    },
    ext: createExtMethods(diffs, workspaceRoot),
    broker,
    thread: hub.thread,
    workspaceRoot,
    log: (m) => channel.debug(m),
  });
  sub(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, views));
  const chat = new ChatController(host, hub, () => views.reveal(), workspaceRoot);

  // Host notifications go to every webview; some also feed the status bar, skills and the Context view.
  const status = new StatusModel(vscode.window.createStatusBarItem('hermes.status', vscode.StatusBarAlignment.Right, 100));
  const skills = new SkillCatalog(host);
  const contextTree = new ContextTree(host, workspaceRoot);
  sub(vscode.window.registerTreeDataProvider('hermes.context', contextTree));
  const cronTree = registerCronView(host, sub);
  // Every host notification the protocol defines goes down to the webviews unchanged.
  const passThrough = Object.keys(serverNotifications);
  for (const method of passThrough) host.onNotification(method, (p) => hub.notify(method, p));
  host.onNotification('turn/started', (p) => status.turnStarted(p.threadId, p.turn?.model));
  host.onNotification('turn/completed', (p) => status.turnCompleted(p.threadId));
  host.onNotification('thread/tokenUsage/updated', (p) => status.tokenUsage(p.threadId, p.total));
  host.onNotification('serverRequest/resolved', (p) => broker.resolved(p));
  host.onNotification('skills/changed', () => skills.invalidate());
  host.onNotification('context/changed', () => contextTree.refresh());
  const mcp = new McpStatusView(
    vscode.window.createStatusBarItem('hermes.mcp', vscode.StatusBarAlignment.Right, 99),
    new vscode.ThemeColor('statusBarItem.warningBackground'),
  );
  host.onNotification('mcp/statusChanged', (p) => mcp.update(p));
  host.onNotification('pairing/requested', (p) => onPairingRequested(p));
  // Compression continues a thread under a new id: editor commands follow it like the chat does.
  host.onNotification('thread/compacted', (p) => {
    const next = followThread(hub.thread.get(), { method: 'thread/compacted', params: p });
    if (next && next !== hub.thread.get()) hub.thread.set(next);
  });
  for (const method of SERVER_REQUESTS) host.onRequest(method, (p) => broker.handle(method, p));
  sub(broker.onDidChange(() => status.setApprovalsWaiting(broker.waitingFor('approval/request'))));

  sub(
    host.onDidChangeState((state: HostState) => {
      status.setConnection(state === 'running' ? 'running' : state === 'starting' ? 'connecting' : state === 'restarting' ? 'restarting' : 'stopped');
      if (state === 'running') {
        void host.request('config/read', {}).then(
          (r) => status.setModel((r as { config: { model?: { default?: string } } }).config.model?.default),
          () => {},
        );
        skills.invalidate();
        contextTree.refresh();
        cronTree.refresh();
        void host.request('mcp/status', {}).then((r) => mcp.replace((r as { servers: McpServerStatus[] }).servers), () => {});
      } else {
        mcp.clear();
        broker.connectionLost();
      }
      hub.helloAll();
    }),
  );

  // Settings the user changes here are written to the host's config (the host is the source of truth).
  sub(
    vscode.workspace.onDidChangeConfiguration(
      (e) =>
        void applySettingsChange((s) => e.affectsConfiguration(`hermes.${s}`), {
          get: (s) => settings().get(s),
          write: (key, value) => host.request('config/write', { key, value }),
          restart: () => host.restart(),
          applied: (w) => {
            channel.info(`config.yaml: ${w.key} set from hermes.${w.setting}`);
            if (w.key === 'model.default') status.setModel(String(w.value));
          },
          failed: (w, err) => void vscode.window.showWarningMessage(`Hermes: could not apply hermes.${w.setting}: ${err.message}`),
        }),
    ),
  );

  sub(
    ...registerCommands({
      host,
      chat,
      views,
      skills,
      keys,
      status,
      channel,
      refreshContext: () => contextTree.refresh(),
      workspaceRoot,
      currentThread: () => hub.thread.get(),
    }),
  );
  sub({ dispose: () => void host.stop() });
  host.start();
}

export async function deactivate(): Promise<void> {
  await supervisor?.stop();
  supervisor = undefined;
}
