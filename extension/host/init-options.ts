// What the extension tells the host at initialize: who it is, the workspace folders, what it can show, the keys it
// holds, and whether VS Code trusts the workspace (in Restricted Mode the host loads nothing from it: no SOUL.md,
// AGENTS.md or rules a cloned repository could use to steer the agent).
export interface WorkspaceLike {
  readonly workspaceFolders?: readonly { uri: { fsPath: string } }[] | undefined;
  readonly isTrusted: boolean;
}

export function hostInitOptions(workspace: WorkspaceLike, vscodeVersion: string, secrets: Record<string, string>) {
  return {
    clientInfo: { name: 'vscode', version: vscodeVersion },
    workspaceFolders: (workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    hermesCapabilities: { approvals: true, clarify: true, secrets: true, ide: [] as string[] },
    secrets,
    workspaceTrusted: workspace.isTrusted,
  };
}
