// The "Context" tree view: contextNodes() rendered, refreshed on `context/changed` and when the host (re)connects.
import * as vscode from 'vscode';
import type { z } from 'zod';
import type { ContextReadResult, MemoryReadResult } from '../../server/protocol';
import { contextNodes, type ContextNode } from './context-nodes';

const ICONS: Record<ContextNode['icon'], string> = { file: 'file', warning: 'warning', folder: 'folder', info: 'info', memory: 'database' };

export class ContextTree implements vscode.TreeDataProvider<ContextNode> {
  private readonly emitter = new vscode.EventEmitter<ContextNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private nodes: Promise<ContextNode[]> | null = null;

  constructor(
    private readonly host: { request(method: string, params: unknown): Promise<unknown> },
    private readonly cwd: () => string | undefined,
  ) {}

  refresh(): void {
    this.nodes = null;
    this.emitter.fire(undefined);
  }

  getTreeItem(n: ContextNode): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(ICONS[n.icon]);
    if (n.path) {
      item.resourceUri = vscode.Uri.file(n.path);
      item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(n.path)] };
      item.contextValue = 'hermes.contextFile';
    }
    return item;
  }

  async getChildren(n?: ContextNode): Promise<ContextNode[]> {
    if (n) return n.children ?? [];
    if (!this.nodes) this.nodes = this.load();
    return this.nodes;
  }

  private async load(): Promise<ContextNode[]> {
    try {
      const cwd = this.cwd();
      const [ctx, mem] = await Promise.all([
        this.host.request('context/read', cwd ? { cwd } : {}) as Promise<z.infer<typeof ContextReadResult>>,
        this.host.request('memory/read', {}) as Promise<z.infer<typeof MemoryReadResult>>,
      ]);
      return contextNodes(ctx, mem);
    } catch (e) {
      return contextNodes(null, null, (e as Error).message);
    }
  }
}
