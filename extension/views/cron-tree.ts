// The "Cron" tree view: jobs, next run, last result; "Run now", pause/resume and refresh. Refreshed on `cron/fired`
// and when the host (re)connects.
import * as vscode from 'vscode';
import type { CronJobView } from '../../server/protocol';
import { cronNodes, type CronNode } from './cron-nodes';

type HostLike = { request(method: string, params: unknown): Promise<unknown>; onNotification(method: string, fn: (p: any) => void): unknown };

export class CronTree implements vscode.TreeDataProvider<CronNode> {
  private readonly emitter = new vscode.EventEmitter<CronNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private nodes: Promise<CronNode[]> | null = null;

  constructor(private readonly host: HostLike) {}

  refresh(): void {
    this.nodes = null;
    this.emitter.fire(undefined);
  }

  getTreeItem(n: CronNode): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(n.icon);
    if (n.jobId) item.contextValue = n.icon === 'debug-pause' ? 'hermes.cronJob.paused' : 'hermes.cronJob';
    if (n.tooltip && !n.jobId) item.command = { command: 'hermes.cron.show', title: 'Show', arguments: [n] };
    return item;
  }

  async getChildren(n?: CronNode): Promise<CronNode[]> {
    if (n) return n.children ?? [];
    if (!this.nodes) this.nodes = this.load();
    return this.nodes;
  }

  private async load(): Promise<CronNode[]> {
    try {
      const r = (await this.host.request('cron/list', {})) as { jobs: CronJobView[] };
      return cronNodes(r.jobs, Date.now());
    } catch (e) {
      return cronNodes(null, Date.now(), (e as Error).message);
    }
  }
}

/** Registers the view and its commands; returns the tree so the caller can refresh it when the host reconnects. */
export function registerCronView(host: HostLike, sub: (d: vscode.Disposable) => void): CronTree {
  const tree = new CronTree(host);
  sub(vscode.window.registerTreeDataProvider('hermes.cron', tree));
  host.onNotification('cron/fired', () => tree.refresh());
  const act = (method: string, verb: string) => async (n?: CronNode) => {
    if (!n?.jobId) return;
    try {
      await host.request(method, { id: n.jobId });
      void vscode.window.showInformationMessage(`Hermes: ${verb} "${n.label}".`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Hermes: could not ${verb.toLowerCase()} "${n.label}": ${(e as Error).message}`);
    }
    tree.refresh();
  };
  sub(vscode.commands.registerCommand('hermes.cron.runNow', act('cron/run', 'Started')));
  sub(vscode.commands.registerCommand('hermes.cron.pause', act('cron/pause', 'Paused')));
  sub(vscode.commands.registerCommand('hermes.cron.resume', act('cron/resume', 'Resumed')));
  sub(vscode.commands.registerCommand('hermes.cron.refresh', () => tree.refresh()));
  sub(
    vscode.commands.registerCommand('hermes.cron.show', async (n?: CronNode) => {
      if (!n?.tooltip) return;
      const doc = await vscode.workspace.openTextDocument({ content: `# ${n.label}\n\n${n.tooltip}\n`, language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  );
  return tree;
}
