// Pairing in VS Code: "Hermes: Pairing Requests…" lists who asked to talk to the gateway (platform, name, id, how
// long ago) and who is approved. A request is approved with the code the bot gave that user — the owner types it, as
// with `hermes-host pairing approve`, so a stranger who copies a known user's display name cannot be approved by a
// careless click — or denied; an approved user can be revoked. The host announces each new request
// (`pairing/requested`) and the owner gets a notification that opens the list.
import * as vscode from 'vscode';
import { pairingItems, requestedMessage, type PairingEntry, type PairingList } from './pairing-items';

type HostLike = { request(method: string, params: unknown): Promise<unknown> };

export const PAIRING_COMMAND = 'hermes.pairing';

export async function showPairing(host: HostLike): Promise<void> {
  const list = (await host.request('pairing/list', {})) as PairingList;
  const items = pairingItems(list, Date.now());
  if (!items.length) {
    void vscode.window.showInformationMessage('Hermes: no pairing requests are waiting, and nobody is paired yet.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Hermes: Pairing Requests',
    placeHolder: list.pending.length ? `${list.pending.length} request(s) waiting — pick one to approve or deny` : 'Approved users — pick one to revoke',
    matchOnDescription: true,
  });
  if (!picked) return;
  if (picked.entry.kind === 'pending') await decide(host, picked.entry);
  else await revoke(host, picked.entry);
}

async function decide(host: HostLike, e: PairingEntry): Promise<void> {
  const who = `${e.userName || e.userId} (${e.platform} ${e.userId})`;
  const action = await vscode.window.showQuickPick(
    [
      { label: '$(check) Approve…', description: 'enter the code the bot gave this user', id: 'approve' as const },
      { label: '$(close) Deny', description: 'drop the request', id: 'deny' as const },
    ],
    { title: who },
  );
  if (!action) return;
  if (action.id === 'deny') {
    const r = (await host.request('pairing/deny', { platform: e.platform, userId: e.userId })) as { denied: boolean };
    void vscode.window.showInformationMessage(r.denied ? `Hermes: denied ${who}.` : `Hermes: ${who} has no waiting request any more.`);
    return;
  }
  const code = await vscode.window.showInputBox({
    title: `Approve ${who}`,
    prompt: `The pairing code the bot sent to ${e.userName || e.userId} (ask them for it)`,
    placeHolder: 'ABCD2345',
    ignoreFocusOut: true,
    validateInput: (v) => (v.replace(/[\s-]/g, '').length === 8 ? undefined : 'Pairing codes have 8 characters'),
  });
  if (!code) return;
  try {
    const r = (await host.request('pairing/approve', { platform: e.platform, code })) as { userId: string; userName: string };
    if (r.userId !== e.userId) void vscode.window.showWarningMessage(`Hermes: that code belonged to ${r.userName} (${e.platform} ${r.userId}), who is now approved.`);
    else void vscode.window.showInformationMessage(`Hermes: approved ${r.userName || r.userId} (${e.platform} ${r.userId}).`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Hermes: ${(err as Error).message}`);
  }
}

async function revoke(host: HostLike, e: PairingEntry): Promise<void> {
  const who = `${e.userName || e.userId} (${e.platform} ${e.userId})`;
  const ok = await vscode.window.showWarningMessage(`Revoke ${who}? They will need a new pairing code to talk to the agent.`, { modal: true }, 'Revoke');
  if (ok !== 'Revoke') return;
  const r = (await host.request('pairing/revoke', { platform: e.platform, userId: e.userId })) as { revoked: boolean };
  void vscode.window.showInformationMessage(r.revoked ? `Hermes: revoked ${who}.` : `Hermes: ${who} was not approved.`);
}

/** `pairing/requested`: tells the owner, with a button that opens the list. */
export function onPairingRequested(p: { platform: string; userId: string; userName: string }): void {
  void vscode.window.showInformationMessage(requestedMessage(p), 'Review…').then((a) => {
    if (a) void vscode.commands.executeCommand(PAIRING_COMMAND);
  });
}
