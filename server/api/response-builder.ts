// Builds a Responses API `response` object from an agent turn, emitting the spec's stream events as it goes
// (output_item.added / content_part.added / output_text.delta / … .done). Tools the agent ran appear as
// `function_call` items followed by their `function_call_output`, as Hermes's API server shows them; the final
// object is the same whether it was streamed or not.
import { randomBytes } from 'node:crypto';
import type { ToolProgress } from './turn';

const rid = (p: string) => `${p}_${randomBytes(12).toString('hex')}`;

type Emit = (type: string, payload: Record<string, unknown>) => void;

interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: { type: 'output_text'; text: string; annotations: unknown[] }[];
}

export class ResponseBuilder {
  readonly output: Record<string, any>[] = [];
  private message?: { item: MessageItem; index: number };
  private readonly calls = new Map<string, number>();

  constructor(private readonly emit: Emit = () => {}) {}

  text(delta: string): void {
    const m = this.openMessage();
    m.item.content[0].text += delta;
    this.emit('response.output_text.delta', { item_id: m.item.id, output_index: m.index, content_index: 0, delta, logprobs: [] });
  }

  tool(p: ToolProgress): void {
    if (p.status === 'running') {
      if (this.calls.has(p.toolCallId)) return;
      const item = { type: 'function_call', id: rid('fc'), call_id: p.toolCallId, name: p.tool, arguments: p.arguments ?? '{}', status: 'in_progress' };
      this.calls.set(p.toolCallId, this.output.length);
      this.add(item);
      return;
    }
    const index = this.calls.get(p.toolCallId);
    if (index === undefined) return;
    const call = this.output[index];
    call.status = 'completed';
    if (p.arguments) call.arguments = p.arguments;
    this.emit('response.output_item.done', { output_index: index, item: structuredClone(call) });
    const out = { type: 'function_call_output', id: rid('fco'), call_id: p.toolCallId, output: p.output ?? '', status: 'completed' };
    this.add(out);
    this.emit('response.output_item.done', { output_index: this.output.length - 1, item: structuredClone(out) });
  }

  /** Closes the message with the turn's authoritative text (what was stored, redacted). */
  finish(text: string, status: 'completed' | 'incomplete'): void {
    if (!this.message && !text) return;
    const m = this.openMessage();
    const part = m.item.content[0];
    part.text = text;
    m.item.status = status;
    this.emit('response.output_text.done', { item_id: m.item.id, output_index: m.index, content_index: 0, text, logprobs: [] });
    this.emit('response.content_part.done', { item_id: m.item.id, output_index: m.index, content_index: 0, part: structuredClone(part) });
    this.emit('response.output_item.done', { output_index: m.index, item: structuredClone(m.item) });
  }

  private openMessage(): { item: MessageItem; index: number } {
    if (this.message) return this.message;
    const item: MessageItem = { type: 'message', id: rid('msg'), status: 'in_progress', role: 'assistant', content: [] };
    const index = this.add(item);
    this.message = { item, index };
    const part = { type: 'output_text' as const, text: '', annotations: [] };
    item.content.push(part);
    this.emit('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: structuredClone(part) });
    return this.message;
  }

  private add(item: Record<string, any>): number {
    this.output.push(item);
    const index = this.output.length - 1;
    const shown = item.type === 'message' ? { ...item, content: [] } : item;
    this.emit('response.output_item.added', { output_index: index, item: structuredClone(shown) });
    return index;
  }
}

export const newResponseId = () => rid('resp');
