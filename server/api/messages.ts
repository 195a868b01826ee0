// What clients send as conversation: chat-completions `messages` and Responses `input` items, reduced to the text
// the agent works with. Images and files are named, not dropped silently: the host takes text only.
import { badRequest } from './errors';

export interface TextMessage {
  role: 'system' | 'user' | 'assistant';
  text: string;
}

/** Hermes's limits: a normalised message's text and the parts one message may have. */
export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_PARTS = 1_000;

function partText(part: unknown, where: string): string {
  if (typeof part === 'string') return part;
  if (!part || typeof part !== 'object') throw badRequest(`${where}: a content part must be an object`, where);
  const p = part as Record<string, unknown>;
  switch (p.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      if (typeof p.text !== 'string') throw badRequest(`${where}: a ${p.type} part needs "text"`, where);
      return p.text;
    case 'refusal':
      return typeof p.refusal === 'string' ? p.refusal : '';
    case 'image_url':
    case 'input_image':
      return '[an image was attached; this agent reads text only]';
    case 'file':
    case 'input_file':
      return '[a file was attached; this agent reads text only]';
    case 'input_audio':
      return '[audio was attached; this agent reads text only]';
    default:
      throw badRequest(`${where}: unsupported content part type ${JSON.stringify(p.type)}`, where);
  }
}

export function contentText(content: unknown, where: string): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw badRequest(`${where}: content must be a string or an array of parts`, where);
  if (content.length > MAX_PARTS) throw badRequest(`${where}: more than ${MAX_PARTS} content parts`, where);
  return content.map((p, i) => partText(p, `${where}[${i}]`)).join('\n');
}

const ROLES: Record<string, TextMessage['role'] | null> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  // Results of tools the client ran itself: this agent runs its own tools, so they are not part of its history.
  tool: null,
  function: null,
};

/** Chat-completions `messages` → text messages (tool-call plumbing from client-side tools is left out). */
export function fromChatMessages(raw: unknown): TextMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('messages must be a non-empty array', 'messages');
  const out: TextMessage[] = [];
  raw.forEach((m, i) => {
    const where = `messages[${i}]`;
    if (!m || typeof m !== 'object') throw badRequest(`${where} must be an object`, where);
    const role = (m as { role?: unknown }).role;
    if (typeof role !== 'string' || !(role in ROLES)) throw badRequest(`${where}.role must be one of system, developer, user, assistant, tool`, `${where}.role`);
    const r = ROLES[role];
    if (!r) return;
    const text = contentText((m as { content?: unknown }).content, `${where}.content`);
    if (r === 'assistant' && !text) return; // an assistant message that only called client tools
    out.push({ role: r, text });
  });
  return out;
}

/** Responses `input`: a string, or a list of message items (`{role, content}` with or without `type: "message"`). */
export function fromResponsesInput(raw: unknown): TextMessage[] {
  if (typeof raw === 'string') return [{ role: 'user', text: raw }];
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('input must be a string or a non-empty array of items', 'input');
  const out: TextMessage[] = [];
  raw.forEach((it, i) => {
    const where = `input[${i}]`;
    if (!it || typeof it !== 'object') throw badRequest(`${where} must be an object`, where);
    const item = it as Record<string, unknown>;
    const type = item.type ?? 'message';
    if (type === 'function_call' || type === 'function_call_output' || type === 'reasoning') return; // client-side tool plumbing
    if (type !== 'message') throw badRequest(`${where}.type ${JSON.stringify(type)} is not supported (message items only)`, `${where}.type`);
    const role = typeof item.role === 'string' ? ROLES[item.role] : undefined;
    if (!role) throw badRequest(`${where}.role must be one of system, developer, user, assistant`, `${where}.role`);
    const text = contentText(item.content, `${where}.content`);
    if (role === 'assistant' && !text) return;
    out.push({ role, text });
  });
  return out;
}

/**
 * Splits a conversation into what it carries: the system text (all system messages, in order), the history before
 * the last user message, and that message, which is the turn's input.
 */
export function splitConversation(msgs: TextMessage[], param: string): { system: string; history: TextMessage[]; input: string } {
  const system = msgs.filter((m) => m.role === 'system').map((m) => m.text).filter(Boolean).join('\n\n');
  const rest = msgs.filter((m) => m.role !== 'system');
  const last = rest[rest.length - 1];
  if (!last || last.role !== 'user') throw badRequest('the last message must be from the user', param);
  if (!last.text.trim()) throw badRequest('the last user message is empty', param);
  const total = rest.reduce((n, m) => n + m.text.length, 0) + system.length;
  if (total > MAX_TEXT_CHARS) throw badRequest(`the conversation is longer than ${MAX_TEXT_CHARS} characters`, param);
  return { system, history: rest.slice(0, -1), input: last.text };
}
