// Command handlers. Each is small; the logic they call lives in the modules they import.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AGENTS_MD_TEMPLATE, SOUL_MD_TEMPLATE } from '../server/protocol';
import type { ChatController } from './chat/controller';
import type { ChatViews } from './chat/view';
import type { HostSupervisor } from './host/supervisor';
import { PROVIDERS, type ApiKeys } from './secrets';
import { selectionPrompt, skillPickItems, skillPrompt, type SkillCatalog } from './skills';
import type { StatusModel } from './views/status-bar';
import { PAIRING_COMMAND, showPairing } from './pairing';

export interface CommandDeps {
  host: HostSupervisor;
  chat: ChatController;
  views: ChatViews;
  skills: SkillCatalog;
  keys: ApiKeys;
  status: StatusModel;
  channel: vscode.LogOutputChannel;
  refreshContext: () => void;
  workspaceRoot: () => string | undefined;
  currentThread: () => string | null;
}

async function run<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    void vscode.window.showErrorMessage(`Hermes: ${what} failed: ${(e as Error)?.message ?? String(e)}`);
    return undefined;
  }
}

async function pickSkill(d: CommandDeps, placeHolder: string, allowNone: boolean): Promise<string | null | undefined> {
  const skills = await d.skills.list();
  const none = { label: '$(comment) No skill', detail: 'Just ask', name: '' };
  const items = [...(allowNone ? [none] : []), ...skillPickItems(skills)];
  if (!items.length) {
    void vscode.window.showInformationMessage('Hermes has no skills installed.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  return picked.name || null;
}

async function runSkill(d: CommandDeps, arg?: { name?: string; args?: string } | string): Promise<void> {
  const given = typeof arg === 'string' ? { name: arg } : arg;
  let name = given?.name;
  let args = given?.args;
  if (!name) {
    const picked = await pickSkill(d, 'Run a Hermes skill', false);
    if (!picked) return;
    name = picked;
    args = await vscode.window.showInputBox({ title: `/${name}`, prompt: 'Arguments for the skill (optional)', ignoreFocusOut: true });
    if (args === undefined) return;
  }
  await d.chat.sendPrompt(skillPrompt(name, args));
}

async function askAboutSelection(d: CommandDeps, withSkill: boolean): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Open a file first: Hermes asks about the selection or the whole file.');
    return;
  }
  const sel = editor.selection;
  const whole = sel.isEmpty;
  const text = whole ? editor.document.getText() : editor.document.getText(sel);
  let skill: string | undefined;
  if (withSkill) {
    const picked = await pickSkill(d, 'Use a skill for this question? (optional)', true);
    if (picked === undefined) return;
    skill = picked ?? undefined;
  }
  const question = await vscode.window.showInputBox({
    title: whole ? 'Ask Hermes about this file' : 'Ask Hermes about the selection',
    prompt: 'Your question (empty: explain it)',
    ignoreFocusOut: true,
  });
  if (question === undefined) return;
  const prompt = selectionPrompt(
    {
      relPath: vscode.workspace.asRelativePath(editor.document.uri, false),
      languageId: editor.document.languageId,
      text,
      ...(whole ? {} : { lines: [sel.start.line + 1, sel.end.line + 1] as [number, number] }),
    },
    question,
    skill,
  );
  await d.chat.sendPrompt(prompt);
}

async function setApiKey(d: CommandDeps): Promise<void> {
  const provider = await vscode.window.showQuickPick(
    PROVIDERS.map((p) => ({ label: p.label, description: p.env, id: p.id })),
    { placeHolder: 'Which provider is the key for?' },
  );
  if (!provider) return;
  const key = await vscode.window.showInputBox({
    title: `${provider.label} API key`,
    prompt: 'Stored in VS Code\'s secret storage and handed to the Hermes host when it starts; never written to settings.',
    password: true,
    ignoreFocusOut: true,
  });
  if (!key?.trim()) return;
  await d.keys.set(provider.id, key);
  // The host takes keys in the handshake: reconnect so this one applies now, unless a turn is running.
  if (d.status.state === 'working' || d.status.state === 'approval') {
    const now = await vscode.window.showInformationMessage('Hermes: key saved. It applies when the host reconnects.', 'Reconnect now');
    if (now) await d.host.restart();
  } else {
    await d.host.restart();
    void vscode.window.showInformationMessage(`Hermes: ${provider.label} key saved.`);
  }
}

async function chooseModel(d: CommandDeps): Promise<void> {
  const r = (await d.host.request('model/list', {})) as { models: { id: string }[]; default: string; error?: string };
  const items = r.models.map((m) => ({ label: m.id, description: m.id === r.default ? 'current' : undefined }));
  const picked = await vscode.window.showQuickPick([...items, { label: '$(edit) Enter a model id…', description: undefined }], {
    placeHolder: r.error ? `Could not list models (${r.error}); pick or enter one` : 'Model for new turns',
  });
  if (!picked) return;
  const id = picked.label.startsWith('$(edit)') ? await vscode.window.showInputBox({ prompt: 'Model id', value: r.default }) : picked.label;
  if (!id?.trim()) return;
  await d.host.request('config/write', { key: 'model.default', value: id.trim() });
  d.status.setModel(id.trim());
}

async function createContextFile(d: CommandDeps, name: 'AGENTS.md' | 'SOUL.md'): Promise<void> {
  const root = d.workspaceRoot();
  if (!root) {
    void vscode.window.showInformationMessage(`Open a folder first: ${name} goes in the workspace root.`);
    return;
  }
  const uri = vscode.Uri.file(path.join(root, name));
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (!exists) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(name === 'AGENTS.md' ? AGENTS_MD_TEMPLATE : SOUL_MD_TEMPLATE));
  await vscode.window.showTextDocument(uri);
  d.refreshContext();
}

async function showMenu(d: CommandDeps): Promise<void> {
  const items = [
    { label: '$(comment-discussion) Open Chat', command: 'hermes.openChat' },
    { label: '$(run) Run Skill…', command: 'hermes.runSkill' },
    { label: '$(symbol-class) Choose Model…', command: 'hermes.chooseModel' },
    { label: '$(key) Set API Key…', command: 'hermes.setApiKey' },
    { label: '$(debug-stop) Stop the Current Turn', command: 'hermes.stop' },
    { label: '$(refresh) Restart Host', command: 'hermes.restartHost' },
    { label: '$(output) Show Log', command: 'hermes.showLog' },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Hermes — ${d.status.state}` });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, what: string, fn: (...args: any[]) => Promise<unknown> | unknown) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => run(what, async () => fn(...args)));
  return [
    reg('hermes.openChat', 'opening the chat', () => d.views.reveal()),
    reg('hermes.openChatInEditor', 'opening the chat', () => d.views.openInEditor()),
    reg('hermes.newChat', 'starting a new chat', async () => {
      await d.views.reveal();
      d.chat.newChat();
    }),
    reg('hermes.runSkill', 'running the skill', (arg) => runSkill(d, arg)),
    reg('hermes.askAboutSelection', 'asking about the selection', () => askAboutSelection(d, false)),
    reg('hermes.askAboutSelectionWithSkill', 'asking about the selection', () => askAboutSelection(d, true)),
    reg('hermes.setApiKey', 'saving the API key', () => setApiKey(d)),
    reg('hermes.chooseModel', 'choosing the model', () => chooseModel(d)),
    reg(PAIRING_COMMAND, 'reviewing pairing requests', () => showPairing(d.host)),
    reg('hermes.stop', 'stopping the turn', async () => {
      const threadId = d.currentThread();
      if (threadId) await d.host.request('turn/interrupt', { threadId });
    }),
    reg('hermes.createAgentsMd', 'creating AGENTS.md', () => createContextFile(d, 'AGENTS.md')),
    reg('hermes.createSoulMd', 'creating SOUL.md', () => createContextFile(d, 'SOUL.md')),
    reg('hermes.refreshContext', 'refreshing the context', () => d.refreshContext()),
    reg('hermes.restartHost', 'restarting the host', () => d.host.restart()),
    reg('hermes.showLog', 'showing the log', () => d.channel.show(true)),
    reg('hermes.showMenu', 'showing the menu', () => showMenu(d)),
  ];
}
