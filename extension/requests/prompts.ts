// The IDE-side prompts for host→client requests: a modal dialog for approvals, a quick pick or input box for
// clarify questions, a password box for secrets. See broker.ts for how they race the webview cards.
import * as vscode from 'vscode';
import type { ApprovalDecision, ServerRequestParams } from '../../server/protocol';
import type { SecretRedactor } from '../host/redact';
import type { LateAnswer, OpenPrompt, PromptUi } from './broker';

export const DECISION_LABELS: Record<ApprovalDecision, string> = {
  once: 'Allow once',
  session: 'Allow for this session',
  always: 'Always allow',
  deny: 'Deny',
};

type ApprovalParams = ServerRequestParams<'approval/request'>;

export function approvalMessage(p: ApprovalParams): { message: string; detail: string } {
  const message =
    p.kind === 'command' ? 'Hermes wants to run a command' : p.kind === 'fileWrite' ? 'Hermes wants to write a file' : `Hermes wants to use ${p.tool}`;
  const detail = [
    p.command ? `Command: ${p.command}` : undefined,
    p.path ? `Path: ${p.path}` : undefined,
    p.cwd ? `Working directory: ${p.cwd}` : undefined,
    p.reasons.length ? `Why it asks: ${p.reasons.join('; ')}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  return { message, detail };
}

export function lateAnswerMessage(info: LateAnswer): string {
  const what = info.method === 'approval/request' ? 'approval' : info.method === 'clarify/request' ? 'question' : 'request';
  if (info.reason === 'hostGone') return `Hermes: the host restarted and no longer waits for this ${what}; your answer was not applied.`;
  if (info.outcome === 'timeout') return `Hermes: this ${what} timed out before you answered; your answer was not applied.`;
  if (info.outcome === 'cancelled') return `Hermes: this ${what} was cancelled (the turn ended); your answer was not applied.`;
  const decision = (info.result as { decision?: ApprovalDecision } | undefined)?.decision;
  const how = decision ? ` with "${DECISION_LABELS[decision]}"` : '';
  const who = info.answeredBy ? ` in ${info.answeredBy}` : ' elsewhere';
  return `Hermes: this ${what} was already answered${how}${who}; your answer was not applied.`;
}

function approvalPrompt(p: ApprovalParams): OpenPrompt<{ decision: ApprovalDecision }> {
  const { message, detail } = approvalMessage(p);
  const choices = (p.choices.length ? p.choices : (['once', 'deny'] as ApprovalDecision[])).map((d) => DECISION_LABELS[d]);
  const result = Promise.resolve(vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices)).then((label) => {
    const decision = (Object.keys(DECISION_LABELS) as ApprovalDecision[]).find((d) => DECISION_LABELS[d] === label);
    return decision ? { decision } : undefined;
  });
  return { result }; // a modal dialog cannot be closed from code
}

function clarifyPrompt(p: ServerRequestParams<'clarify/request'>): OpenPrompt<{ answer: string }> {
  if (p.choices?.length) {
    const qp = vscode.window.createQuickPick();
    qp.title = `Hermes asks: ${p.question}`;
    qp.placeholder = 'Pick an answer, or type your own and press Enter';
    qp.items = p.choices.map((label) => ({ label }));
    qp.ignoreFocusOut = true;
    const result = new Promise<{ answer: string } | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const answer = qp.selectedItems[0]?.label ?? qp.value.trim();
        if (!answer) return;
        resolve({ answer });
        qp.hide();
      });
      qp.onDidHide(() => {
        resolve(undefined);
        qp.dispose();
      });
    });
    qp.show();
    return { result, close: () => qp.hide() };
  }
  return inputPrompt({ title: 'Hermes asks', prompt: p.question, password: false }, (v) => ({ answer: v }));
}

function inputPrompt<T>(o: { title: string; prompt: string; password: boolean; placeholder?: string }, wrap: (v: string) => T): OpenPrompt<T> {
  const box = vscode.window.createInputBox();
  box.title = o.title;
  box.prompt = o.prompt;
  box.password = o.password;
  box.placeholder = o.placeholder;
  box.ignoreFocusOut = true;
  const result = new Promise<T | undefined>((resolve) => {
    box.onDidAccept(() => {
      const v = box.value;
      if (!v.trim()) return;
      resolve(wrap(v));
      box.hide();
    });
    box.onDidHide(() => {
      resolve(undefined);
      box.dispose();
    });
  });
  box.show();
  return { result, close: () => box.hide() };
}

export function createPromptUi(redactor: SecretRedactor): PromptUi {
  return {
    open(method, params): OpenPrompt<any> {
      if (method === 'approval/request') return approvalPrompt(params as ApprovalParams);
      if (method === 'clarify/request') return clarifyPrompt(params as ServerRequestParams<'clarify/request'>);
      const p = params as ServerRequestParams<'secret/request'>;
      return inputPrompt(
        { title: `Hermes needs ${p.name}${p.skill ? ` for ${p.skill}` : ''}`, prompt: p.prompt, password: true, placeholder: p.help },
        (value) => {
          redactor.add(value); // before it is sent: the client's trace would print the reply
          return { value };
        },
      );
    },
    alreadyAnswered(info) {
      void vscode.window.showInformationMessage(lateAnswerMessage(info));
    },
  };
}
