// Turns stored messages into the chat-completions message list, repairing what a crash or an interrupt can leave
// behind: every tool call gets a result, and no result appears without its call.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { StoredMessage } from '../store';
import { imageContents, type ImageOptions } from './image-parts';

/** `images`: how user messages carrying images are sent (without it, as their text alone). */
export function toChatMessages(system: string, history: StoredMessage[], images?: ImageOptions): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  const withImages = images ? imageContents(history, images) : new Map();
  if (system) out.push({ role: 'system', content: system });
  let open = new Map<string, string>(); // tool_call_id → tool name, for the latest assistant message
  const flushOpen = () => {
    for (const [id, name] of open) {
      out.push({ role: 'tool', tool_call_id: id, content: `No result: the turn ended before ${name} finished.` });
    }
    open = new Map();
  };
  for (const m of history) {
    if (m.role === 'tool') {
      if (!m.toolCallId || !open.has(m.toolCallId)) continue;
      open.delete(m.toolCallId);
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content ?? '' });
      continue;
    }
    flushOpen();
    if (m.role === 'user') out.push({ role: 'user', content: withImages.get(m.id) ?? m.content ?? '' });
    else if (m.role === 'system') out.push({ role: 'system', content: m.content ?? '' });
    else if (m.role === 'assistant') {
      const calls = m.toolCalls ?? [];
      if (!calls.length && !m.content) continue;
      out.push({
        role: 'assistant',
        content: m.content || null,
        ...(calls.length
          ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments || '{}' } })) }
          : {}),
      });
      for (const c of calls) open.set(c.id, c.name);
    }
  }
  flushOpen();
  return out;
}
