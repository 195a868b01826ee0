// The chat webview: a view in the Hermes activity-bar container, and "Open in Editor" as a panel. Both run the same
// bundle through a WebviewBridge. Nothing is retained while hidden: the webview re-reads its thread from the host.
import * as vscode from 'vscode';
import { createNonce, renderWebviewHtml } from './html';
import { WebviewBridge, type BridgeDeps } from './bridge';
import type { WebviewHub } from './hub';

export const CHAT_VIEW_ID = 'hermes.chat';
export const CHAT_PANEL_TYPE = 'hermes.chatPanel';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  return renderWebviewHtml({ scriptUri: asset('main.js'), styleUri: asset('index.css'), cspSource: webview.cspSource, nonce: createNonce() });
}

export class ChatViews implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly hub: WebviewHub,
    private readonly deps: BridgeDeps,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.attach(view.webview, view);
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  openInEditor(): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, 'Hermes Chat', vscode.ViewColumn.Beside, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'resources', 'hermes.svg');
    this.attach(panel.webview, panel);
    return panel;
  }

  /** Shows the sidebar chat (creating it if needed). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  private attach(webview: vscode.Webview, owner: { onDidDispose: vscode.Event<void> }): void {
    webview.options = webviewOptions(this.extensionUri);
    const bridge = new WebviewBridge((msg) => webview.postMessage(msg), this.deps);
    const registration = this.hub.add(bridge);
    const sub = webview.onDidReceiveMessage((m) => void bridge.receive(m));
    webview.html = chatHtml(webview, this.extensionUri);
    owner.onDidDispose(() => {
      registration.dispose();
      sub.dispose();
    });
  }
}
