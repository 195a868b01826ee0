// Clarifying questions in chats. When the agent asks (`clarify`) on a thread a chat is driving, the question goes to
// that chat — with its choices as buttons and a numbered list — and the chat user's next plain message (or a tap) is
// the answer, instead of a new message that would interrupt the turn waiting for it. A question answered elsewhere
// (VS Code), timed out or stopped is closed in the chat too. Questions live in memory: a restart ends their turn.
import { randomBytes } from 'node:crypto';
import type { ClarifyRequestParams } from '../protocol';
import type { InboundEnvelope, PlatformAdapter } from './adapter';
import type { ChatOfThread } from './chat-approvals';
import type { Outbox } from './outbox';
import type { Logger } from '../util/log';

interface Pending {
  id: string;
  requestId: string;
  chat: ChatOfThread;
  question: string;
  choices: string[];
  outboxId: number;
  resolve: (r: { answer: string }) => void;
  reject: (e: Error) => void;
}

const chatKey = (platform: string, chatId: string, topicId?: string) => `${platform}\0${chatId}\0${topicId ?? ''}`;

export class ChatClarify {
  private readonly byChat = new Map<string, Pending>();
  private readonly byId = new Map<string, Pending>();

  constructor(
    private readonly outbox: Outbox,
    private readonly adapter: (platform: string) => PlatformAdapter | undefined,
    private readonly log: Logger,
  ) {}

  ask(p: ClarifyRequestParams, chat: ChatOfThread): Promise<{ answer: string }> {
    const key = chatKey(chat.platform, chat.chatId, chat.topicId);
    // One question per chat at a time: an older one still open there is superseded.
    this.byChat.get(key)?.reject(new Error('superseded by a newer question'));
    const id = randomBytes(6).toString('base64url');
    const choices = p.choices ?? [];
    const list = choices.map((c, i) => `${i + 1}. ${c}`).join('\n');
    const text = `❓ ${p.question}${list ? `\n\n${list}\n\nTap a choice or reply with its number or your own answer.` : '\n\nReply with your answer.'}`;
    const buttons = choices.length ? choices.slice(0, 8).map((c, i) => [{ text: c.slice(0, 60), data: `cq:${i}:${id}` }]) : undefined;
    const outboxId = this.outbox.enqueue({ platform: chat.platform, chatId: chat.chatId, threadId: chat.topicId, text, buttons, tag: `clarify:${id}` });
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        id,
        requestId: p.requestId,
        chat,
        question: p.question,
        choices,
        outboxId,
        resolve,
        reject: (e) => {
          this.forget(pending);
          reject(e);
        },
      };
      this.byChat.set(key, pending);
      this.byId.set(id, pending);
    });
  }

  /** A plain message in a chat with an open question from its user: taken as the answer (true), else false. */
  take(e: InboundEnvelope): boolean {
    const pending = this.byChat.get(chatKey(e.platform, e.chatId, e.threadId));
    if (!pending || pending.chat.userId !== e.userId || !e.text.trim()) return false;
    const n = /^\s*(\d{1,2})\s*\.?\s*$/.exec(e.text);
    const picked = n ? pending.choices[Number(n[1]) - 1] : undefined;
    this.answer(pending, picked ?? e.text.trim(), e.userName);
    return true;
  }

  /** A tap on a choice button; false when the data is not ours. */
  async onTap(e: InboundEnvelope): Promise<boolean> {
    const m = /^cq:(\d+):([\w-]+)$/.exec(e.callback?.data ?? '');
    if (!m) return false;
    const pending = this.byId.get(m[2]);
    let text: string;
    if (!pending) text = 'This question is closed.';
    else if (pending.chat.userId !== e.userId) text = 'Only the user who started this task can answer.';
    else {
      const choice = pending.choices[Number(m[1])];
      this.answer(pending, choice ?? '', e.userName);
      text = `Answered: ${choice}`;
    }
    await this.adapter(e.platform)
      ?.answerCallback(e.callback!.id, text)
      .catch((err) => this.log.debug('answerCallback failed', { error: err.message }));
    return true;
  }

  /** serverRequest/resolved: answered elsewhere, timed out or the turn stopped. */
  resolved(requestId: string, outcome: string, answeredBy?: string): void {
    for (const p of this.byId.values()) {
      if (p.requestId !== requestId) continue;
      this.forget(p);
      this.close(p, outcome === 'answered' ? `answered in ${answeredBy ?? 'another client'}` : outcome === 'timeout' ? 'no answer came in time' : 'the task was stopped');
      p.reject(new Error('resolved elsewhere'));
    }
  }

  private answer(p: Pending, answer: string, by: string): void {
    this.forget(p);
    p.resolve({ answer });
    this.close(p, `answered by ${by}: ${answer}`);
  }

  private forget(p: Pending): void {
    const key = chatKey(p.chat.platform, p.chat.chatId, p.chat.topicId);
    if (this.byChat.get(key) === p) this.byChat.delete(key);
    this.byId.delete(p.id);
  }

  /** Rewrites the question without its buttons once its message exists. */
  private close(p: Pending, outcome: string): void {
    void this.outbox.wait(p.outboxId).then((sent) => {
      if (sent.state !== 'sent' || !sent.platform_message_id) return;
      this.outbox.enqueue({ platform: p.chat.platform, chatId: p.chat.chatId, kind: 'edit', targetMessageId: sent.platform_message_id, text: `❓ ${p.question}\n\n✔️ ${outcome}`, tag: `clarify-result:${p.id}` });
    });
  }
}
