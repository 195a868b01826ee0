// Dangerous-command approvals in chats. The gateway is a client of the host's hub that can answer
// `approval/request` for threads a chat is driving (for any other thread it declines, so the hub does not wait on
// it). A request becomes a message with buttons; the chat's authorised user answers with a tap or /approve, /deny.
// The answer is resolved with the hub before the message is edited, so the message never claims more than
// happened; a request answered elsewhere (VS Code), expired, or lost in a restart says so instead.
import { GATEWAY_SURFACE_ID } from './host-port';
import { randomBytes } from 'node:crypto';
import type { AnyServerNotification, ApprovalRequestParams, ClarifyRequestParams, ServerRequestMethod } from '../protocol';
import type { ChatClarify } from './chat-clarify';
import type { ClientPeer } from '../rpc/hub';
import type { Outbox } from './outbox';
import type { ApprovalRow, GatewayStore } from './store';
import type { InboundEnvelope, PlatformAdapter } from './adapter';
import type { Logger } from '../util/log';
import { typed } from './commands';

export type Decision = 'once' | 'session' | 'always' | 'deny';
const DECISIONS: Decision[] = ['once', 'session', 'always', 'deny'];

export const GATEWAY_CLIENT_LABEL = 'gateway';

export interface ChatOfThread {
  platform: string;
  chatId: string;
  topicId?: string;
  /** The user who may answer for this chat's turn. */
  userId: string;
  userName: string;
}

const DONE_TEXT: Record<Decision, string> = {
  once: '✅ Approved once',
  session: '✅ Approved for this session',
  always: '✅ Approved permanently',
  deny: '❌ Denied',
};

/** Where buttons stop working after a while (Discord: 15 min), the prompt says so and names the typed answers. */
function buttonNote(a: PlatformAdapter | undefined): string {
  const ttlMs = a?.capabilities.buttonTtlMs;
  return ttlMs ? `\nThe buttons expire ${Math.round(ttlMs / 60_000)} min after this message; after that, type ${typed(a, 'approve')} or ${typed(a, 'deny')}.` : '';
}

export class ChatApprovals {
  private readonly waiting = new Map<string, { resolve: (r: { decision: Decision }) => void; reject: (e: Error) => void }>();
  readonly peer: ClientPeer;

  constructor(
    private readonly store: GatewayStore,
    private readonly outbox: Outbox,
    private readonly adapter: (platform: string) => PlatformAdapter | undefined,
    private readonly chatOf: (threadId: string) => ChatOfThread | undefined,
    private readonly log: Logger,
    /** Clarifying questions go to the chat through the same hub client. */
    private readonly clarify?: ChatClarify,
  ) {
    this.peer = {
      id: GATEWAY_SURFACE_ID,
      kind: 'chat',
      label: GATEWAY_CLIENT_LABEL,
      ready: () => true,
      canAnswer: (m: ServerRequestMethod) => m === 'approval/request' || (m === 'clarify/request' && !!this.clarify),
      notify: (n: AnyServerNotification) => this.onNotification(n),
      request: (method, params) =>
        method === 'clarify/request' ? this.askClarify(params as ClarifyRequestParams) : this.request(method, params as ApprovalRequestParams),
    };
  }

  /** Prompts left by a previous process: their requests died with it, so the buttons now say so. */
  abandonOld(): void {
    for (const row of this.store.abandonApprovals()) this.render(row, `⚠️ This approval request is gone (the host restarted before it was answered); the command did not run.`);
  }

  private askClarify(p: ClarifyRequestParams): Promise<unknown> {
    const chat = this.chatOf(p.threadId);
    if (!chat || !this.clarify) return Promise.reject(new Error('not a chat thread'));
    return this.clarify.ask(p, chat);
  }

  private request(method: string, p: ApprovalRequestParams): Promise<unknown> {
    if (method !== 'approval/request') return Promise.reject(new Error(`the gateway does not answer ${method}`));
    const chat = this.chatOf(p.threadId);
    if (!chat) return Promise.reject(new Error('not a chat thread'));
    const shortId = randomBytes(6).toString('base64url');
    const what = p.command ? `run:\n${p.command}` : `write ${p.path ?? 'a file'}`;
    const summary = `⚠️ ${p.tool} wants to ${what}\nBecause: ${p.reasons.join('; ')}`;
    const expiresAt = p.expiresAt ?? Date.now() + 300_000;
    this.store.addApproval({ shortId, requestId: p.requestId, platform: chat.platform, chatId: chat.chatId, userId: chat.userId, summary, expiresAt });
    const choices = DECISIONS.filter((d) => p.choices.includes(d));
    const label: Record<Decision, string> = { once: 'Allow once', session: 'Allow for session', always: 'Always allow', deny: 'Deny' };
    const buttons = [choices.filter((c) => c === 'once' || c === 'session'), choices.filter((c) => c === 'always' || c === 'deny')]
      .filter((row) => row.length)
      .map((row) => row.map((d) => ({ text: label[d], data: `ea:${d}:${shortId}` })));
    const seconds = Math.max(1, Math.round((expiresAt - Date.now()) / 1000));
    const a = this.adapter(chat.platform);
    const answers = [typed(a, 'approve'), typed(a, 'approve session'), typed(a, 'approve always'), typed(a, 'deny')].join(', ');
    const id = this.outbox.enqueue({
      platform: chat.platform,
      chatId: chat.chatId,
      threadId: chat.topicId,
      text: `${summary}\n\nAnswer within ${seconds} s (or ${answers}); silence denies.${buttonNote(a)}`,
      buttons,
      tag: `approval:${shortId}`,
    });
    this.store.setApprovalOutbox(shortId, id);
    return new Promise((resolve, reject) => this.waiting.set(shortId, { resolve, reject }));
  }

  /** A tap on a prompt's button. */
  async onTap(e: InboundEnvelope): Promise<void> {
    const m = /^ea:(once|session|always|deny):([\w-]+)$/.exec(e.callback!.data);
    const adapter = this.adapter(e.platform);
    if (!m || !adapter) return;
    const text = this.buttonsExpired(m[2], adapter) ?? this.answer(m[2], m[1] as Decision, e.userId, e.userName);
    await adapter.answerCallback(e.callback!.id, text).catch((err) => this.log.debug('answerCallback failed', { error: err.message }));
  }

  /** Past the platform's button lifetime (as the prompt says) a click answers nothing; typed answers still work. */
  private buttonsExpired(shortId: string, a: PlatformAdapter): string | undefined {
    const ttlMs = a.capabilities.buttonTtlMs;
    const row = ttlMs ? this.store.approval(shortId) : undefined;
    if (!row || row.state !== 'pending' || Date.now() - row.created_at <= ttlMs!) return undefined;
    return `⌛ Expired: these buttons work for ${Math.round(ttlMs! / 60_000)} min. Type ${typed(a, 'approve')} or ${typed(a, 'deny')} instead.`;
  }

  /** `/approve [session|always]` or `/deny` typed in a chat: answers the newest prompt waiting there. */
  command(e: InboundEnvelope, decision: Decision): string {
    const row = this.store.pendingApprovalIn(e.platform, e.chatId);
    if (!row) return 'No approval is waiting in this chat.';
    return this.answer(row.short_id, decision, e.userId, e.userName);
  }

  private answer(shortId: string, decision: Decision, userId: string, userName: string): string {
    const row = this.store.approval(shortId);
    if (!row) return 'This approval request is unknown.';
    if (row.state === 'gone') return 'This approval request is gone (the host restarted); nothing was run.';
    if (row.state === 'expired') return '⌛ Expired: no answer came in time, so the command was denied.';
    if (row.state === 'resolved') return `Already answered (${row.decision}).`;
    if (row.user_id !== userId) return 'Only the user who started this task can answer.';
    const waiter = this.waiting.get(shortId);
    if (!waiter || Date.now() > row.expires_at) {
      this.store.finishApproval(shortId, waiter ? 'expired' : 'gone');
      this.render(this.store.approval(shortId)!, waiter ? `${row.summary}\n\n⌛ Expired — denied.` : `${row.summary}\n\n⚠️ This request is gone; nothing was run.`);
      return waiter ? '⌛ Expired: the command was denied.' : 'This approval request is gone; nothing was run.';
    }
    // Resolve first, then render: the message only says "approved" once the host has the answer.
    if (!this.store.finishApproval(shortId, 'resolved', decision)) return 'Already answered.';
    this.waiting.delete(shortId);
    waiter.resolve({ decision });
    this.render(row, `${row.summary}\n\n${DONE_TEXT[decision]} by ${userName}.`);
    return DONE_TEXT[decision];
  }

  private onNotification(n: AnyServerNotification): void {
    if (n.method !== 'serverRequest/resolved') return;
    this.clarify?.resolved(n.params.requestId, n.params.outcome, n.params.answeredBy);
    for (const row of this.store.approvalsForRequest(n.params.requestId)) {
      const waiter = this.waiting.get(row.short_id);
      this.waiting.delete(row.short_id);
      if (row.state !== 'pending') continue; // answered here: already rendered
      const outcome = n.params.outcome;
      if (outcome === 'answered') {
        const decision = (n.params.result as { decision?: Decision } | undefined)?.decision ?? 'deny';
        this.store.finishApproval(row.short_id, 'resolved', decision);
        this.render(row, `${row.summary}\n\n${DONE_TEXT[decision]} in ${n.params.answeredBy ?? 'another client'}.`);
      } else {
        this.store.finishApproval(row.short_id, 'expired');
        this.render(row, `${row.summary}\n\n⌛ Expired — ${outcome === 'timeout' ? 'no answer came in time, so it was denied' : 'the task was stopped'}.`);
      }
      waiter?.reject(new Error('resolved elsewhere'));
    }
  }

  /** Rewrites the prompt (without buttons) once its message exists. */
  private render(row: ApprovalRow, text: string): void {
    const target = row.outbox_id ? this.outbox.get(row.outbox_id) : undefined;
    if (!target) return;
    void this.outbox.wait(target.id).then((sent) => {
      if (sent.state !== 'sent' || !sent.platform_message_id) return;
      this.outbox.enqueue({ platform: row.platform, chatId: row.chat_id, kind: 'edit', targetMessageId: sent.platform_message_id, text, tag: `approval-result:${row.short_id}` });
    });
  }
}
