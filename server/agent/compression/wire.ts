// The summary is stored as its own user message (outside any turn, so rolling back a turn never removes it). When
// a user message sits next to it, the two are sent as one: several providers' chat templates require user and
// assistant turns to alternate.
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isSummary } from './frame';

export function joinSummaryMessages(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    const prev = out[out.length - 1];
    if (prev?.role === 'user' && m.role === 'user' && (isSummary(textOf(prev.content)) || isSummary(textOf(m.content)))) {
      out[out.length - 1] = { role: 'user', content: joinContent(prev.content, m.content) };
    } else out.push(m);
  }
  return out;
}

type UserContent = Extract<ChatCompletionMessageParam, { role: 'user' }>['content'];

/** A user message's text (the text parts of one that carries images). */
function textOf(c: unknown): string {
  if (typeof c === 'string') return c;
  return Array.isArray(c) ? c.map((p) => (p?.type === 'text' ? p.text : '')).join('\n\n') : '';
}

/** Two user messages as one: plain text when both are text, else parts (a message with images keeps them). */
function joinContent(a: UserContent, b: UserContent): UserContent {
  if (typeof a === 'string' && typeof b === 'string') return `${a}\n\n${b}`;
  const parts = (c: UserContent): ChatCompletionContentPart[] => (typeof c === 'string' ? [{ type: 'text', text: c }] : c);
  return [...parts(a), ...parts(b)];
}
