// Small builders for stored conversations: a user message, an assistant message with tool calls, a tool result.
import type { Item } from '../../../server/protocol';
import type { StoredMessage } from '../../../server/store';

export class Convo {
  readonly messages: StoredMessage[] = [];
  private nextId = 1;
  private calls = 0;

  constructor(private turn = 'turn_1') {}

  private push(p: Partial<StoredMessage>): StoredMessage {
    const m: StoredMessage = {
      id: this.nextId++,
      threadId: 'thr_test',
      turnId: this.turn,
      role: 'user',
      content: null,
      reasoning: null,
      toolCalls: null,
      toolCallId: null,
      toolName: null,
      items: [],
      createdAt: 0,
      ...p,
    };
    this.messages.push(m);
    return m;
  }

  /** A user message starts a new turn. */
  user(text: string): this {
    this.turn = `turn_${this.messages.filter((m) => m.role === 'user').length + 1}`;
    this.push({ role: 'user', content: text, items: [{ id: `it${this.nextId}`, type: 'userMessage', content: [{ type: 'text', text }] }] });
    return this;
  }

  assistant(text: string): this {
    this.push({ role: 'assistant', content: text, items: [{ id: `it${this.nextId}`, type: 'agentMessage', text }] });
    return this;
  }

  /** An assistant message calling tools, followed by their results. */
  tools(...calls: { name: string; args?: Record<string, unknown>; result: string; status?: 'completed' | 'failed'; exitCode?: number }[]): this {
    const ids = calls.map(() => `call_${++this.calls}`);
    this.push({
      role: 'assistant',
      content: null,
      toolCalls: calls.map((c, i) => ({ id: ids[i], name: c.name, arguments: JSON.stringify(c.args ?? {}) })),
    });
    calls.forEach((c, i) => {
      const item: Item =
        c.exitCode !== undefined
          ? { id: `it${this.nextId}`, type: 'commandExecution', tool: c.name, command: String(c.args?.command ?? ''), status: c.status ?? 'completed', exitCode: c.exitCode }
          : { id: `it${this.nextId}`, type: 'toolCall', tool: c.name, arguments: c.args ?? {}, status: c.status ?? 'completed', result: c.result };
      this.push({ role: 'tool', content: c.result, toolCallId: ids[i], toolName: c.name, items: [item] });
    });
    return this;
  }
}

/** Token count stand-in for selection tests: one token per character (plus nothing), so budgets are easy to read. */
export const charTokens = (m: StoredMessage) => (m.content ?? '').length + (m.toolCalls ?? []).reduce((n, c) => n + c.arguments.length, 0);
