// The host's stream for one thread as ACP session updates: text and reasoning deltas as chunks, tool items as
// tool_call / tool_call_update (a command's output accumulates in its card), the todo list as the plan, a new title
// as session_info_update. It keeps the little state that needs: which messages were streamed, each command's output.
import type * as acp from '@agentclientprotocol/sdk';
import type { AnyServerNotification } from '../protocol';
import { MAX_TOOL_TEXT, isToolItem, planUpdate, toolCallEnd, toolCallStart } from './updates';

export class LiveUpdates {
  private readonly streamed = new Set<string>();
  private readonly output = new Map<string, string>();

  /** The updates one host notification means for a session whose thread runs in `cwd`. */
  translate(n: AnyServerNotification, cwd: string): acp.SessionUpdate[] {
    switch (n.method) {
      case 'item/agentMessage/delta':
        this.streamed.add(n.params.itemId);
        return [{ sessionUpdate: 'agent_message_chunk', messageId: n.params.itemId, content: { type: 'text', text: n.params.delta } }];
      case 'item/reasoning/delta':
        this.streamed.add(n.params.itemId);
        return [{ sessionUpdate: 'agent_thought_chunk', messageId: n.params.itemId, content: { type: 'text', text: n.params.delta } }];
      case 'item/commandExecution/outputDelta': {
        let out = (this.output.get(n.params.itemId) ?? '') + n.params.delta;
        if (out.length > MAX_TOOL_TEXT * 2) out = out.slice(-MAX_TOOL_TEXT);
        this.output.set(n.params.itemId, out);
        const shown = out.length > MAX_TOOL_TEXT ? `…${out.slice(-MAX_TOOL_TEXT)}` : out;
        return [{ sessionUpdate: 'tool_call_update', toolCallId: n.params.itemId, content: [{ type: 'content', content: { type: 'text', text: shown } }] }];
      }
      case 'item/started': {
        const item = n.params.item;
        return isToolItem(item) ? [toolCallStart(item, cwd)] : [];
      }
      case 'item/updated': {
        const item = n.params.item;
        return isToolItem(item) ? [toolCallEnd(item, cwd)] : [];
      }
      case 'item/completed': {
        const item = n.params.item;
        if (isToolItem(item)) {
          this.output.delete(item.id);
          return [toolCallEnd(item, cwd)];
        }
        // A message that arrived whole (no deltas) is sent whole.
        const whole = !this.streamed.delete(item.id);
        if (whole && item.type === 'agentMessage' && item.text) return [{ sessionUpdate: 'agent_message_chunk', messageId: item.id, content: { type: 'text', text: item.text } }];
        if (whole && item.type === 'reasoning' && item.text) return [{ sessionUpdate: 'agent_thought_chunk', messageId: item.id, content: { type: 'text', text: item.text } }];
        return [];
      }
      case 'thread/todo/updated':
        return [planUpdate(n.params.todos)];
      case 'thread/updated':
        return [{ sessionUpdate: 'session_info_update', title: n.params.thread.title || null, updatedAt: new Date(n.params.thread.updatedAt).toISOString() }];
      default:
        return [];
    }
  }
}
