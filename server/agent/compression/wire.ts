// The summary is stored as its own user message (outside any turn, so rolling back a turn never removes it). When
// a user message sits next to it, the two are sent as one: several providers' chat templates require user and
// assistant turns to alternate.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isSummary } from './frame';

export function joinSummaryMessages(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    const prev = out[out.length - 1];
    if (
      prev?.role === 'user' &&
      m.role === 'user' &&
      typeof prev.content === 'string' &&
      typeof m.content === 'string' &&
      (isSummary(prev.content) || isSummary(m.content))
    ) {
      out[out.length - 1] = { role: 'user', content: `${prev.content}\n\n${m.content}` };
    } else out.push(m);
  }
  return out;
}
