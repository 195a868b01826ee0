// session/load: a thread's history as the session/update notifications a client would have seen live, so an editor
// opening a session started anywhere (VS Code, the terminal, a chat app) shows the same conversation.
import type * as acp from '@agentclientprotocol/sdk';
import { inputPartText, type Item } from '../protocol';
import { isToolItem, planUpdate, todosOf, toolCallEnd, toolCallStart } from './updates';

export function replayUpdates(items: Item[], cwd: string): acp.SessionUpdate[] {
  const out: acp.SessionUpdate[] = [];
  let plan: acp.SessionUpdate | null = null;
  for (const item of items) {
    switch (item.type) {
      case 'userMessage':
        for (const c of item.content) {
          out.push({
            sessionUpdate: 'user_message_chunk',
            messageId: item.id,
            content: c.type === 'mention' ? { type: 'resource_link', name: c.path, uri: `file://${encodeURI(c.path)}` } : { type: 'text', text: inputPartText(c) },
          });
        }
        break;
      case 'agentMessage':
        if (item.text) out.push({ sessionUpdate: 'agent_message_chunk', messageId: item.id, content: { type: 'text', text: item.text } });
        break;
      case 'reasoning':
        if (item.text) out.push({ sessionUpdate: 'agent_thought_chunk', messageId: item.id, content: { type: 'text', text: item.text } });
        break;
      case 'contextCompaction':
        out.push({ sessionUpdate: 'agent_message_chunk', messageId: item.id, content: { type: 'text', text: `[Earlier conversation summarised]\n${item.summary}` } });
        break;
      default:
        if (isToolItem(item)) {
          out.push(toolCallStart({ ...item, status: 'inProgress' } as typeof item, cwd), toolCallEnd(item, cwd));
          const todos = todosOf(item);
          if (todos) plan = planUpdate(todos);
        }
    }
  }
  // The plan as it stood last, once: replaying every intermediate plan would only flicker.
  if (plan) out.push(plan);
  return out;
}
