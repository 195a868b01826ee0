// The IDE side of the webview: `ext/*` methods (server/protocol/bridge.ts) answered with VS Code APIs.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtMethod } from '../../server/protocol';
import { diffKind, newContentFromDiff, oldContentFromDiff } from './diff-content';
import { rankFiles } from './file-rank';

export const DIFF_SCHEME = 'hermes-diff';

/** Read-only documents holding the "before" side of diffs. */
export class DiffDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private seq = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.query) ?? '';
  }

  add(filePath: string, content: string, label: string): vscode.Uri {
    const key = String(++this.seq);
    this.docs.set(key, content);
    // Keep a bounded number of old sides; diff tabs opened long ago show empty content.
    if (this.docs.size > 50) this.docs.delete(this.docs.keys().next().value as string);
    return vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${label}/${path.basename(filePath)}`, query: key });
  }
}

/** Commands the webview may run: ours, and opening settings. */
const ALLOWED_COMMAND = /^(hermes\.|workbench\.action\.openSettings$|workbench\.action\.openWalkthrough$)/;

export function createExtMethods(diffs: DiffDocuments, root: () => string | undefined) {
  const resolve = (p: string) => vscode.Uri.file(path.isAbsolute(p) ? p : path.join(root() ?? process.cwd(), p));

  async function readText(uri: vscode.Uri): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  return async (method: ExtMethod, params: any): Promise<unknown> => {
    switch (method) {
      case 'ext/openFile': {
        const line = typeof params.line === 'number' && params.line > 0 ? params.line - 1 : undefined;
        await vscode.window.showTextDocument(resolve(params.path), {
          preview: true,
          ...(line !== undefined ? { selection: new vscode.Range(line, 0, line, 0) } : {}),
        });
        return {};
      }
      case 'ext/openDiff': {
        const file = resolve(params.path);
        const kind = diffKind(params.diff);
        const current = await readText(file);
        const before = diffs.add(file.fsPath, oldContentFromDiff(params.diff, current, kind), 'before');
        // A deleted file (or one gone since) has no right side on disk: show the diff's new side instead.
        const after = current === undefined ? diffs.add(file.fsPath, newContentFromDiff(params.diff, kind), 'after') : file;
        const title = params.title ?? `${path.basename(file.fsPath)} (Hermes change)`;
        await vscode.commands.executeCommand('vscode.diff', before, after, title, { preview: true });
        return {};
      }
      case 'ext/workspaceFiles': {
        const limit = params.limit ?? 50;
        const found = await vscode.workspace.findFiles('**/*', '{**/node_modules/**,**/.git/**}', 5000);
        return { files: rankFiles(found.map((u) => vscode.workspace.asRelativePath(u, false)), params.query, limit) };
      }
      case 'ext/copy':
        await vscode.env.clipboard.writeText(params.text);
        return {};
      case 'ext/command': {
        if (!ALLOWED_COMMAND.test(params.command)) throw Object.assign(new Error(`command not allowed from the chat: ${params.command}`), { data: { kind: 'Unauthorized' } });
        return (await vscode.commands.executeCommand(params.command, ...(params.args ?? []))) ?? null;
      }
    }
  };
}
