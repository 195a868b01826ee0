// What clients send as conversation: chat-completions `messages` and Responses `input` items, reduced to the text
// the agent works with, plus the images of the message that becomes the turn. An image given as a data URL goes to
// the turn as an image input (checked here, so a bad one is a 400 naming the part); in earlier messages it is
// named `[image]` (as the host's own transcript names it, so a continued conversation matches). Images by http(s)
// URL, files and audio are named, not dropped silently: the host does not fetch them.
import { decodeImage, ImageDataError } from '../attachments/image-bytes';
import { badRequest } from './errors';

export interface TextMessage {
  role: 'system' | 'user' | 'assistant';
  text: string;
  /** Data URLs of the images the message carries. */
  images?: string[];
}

/** One image part's data URL, checked; undefined for an image by http(s) URL. */
function imageUrl(p: Record<string, unknown>, where: string): string | undefined {
  // Chat completions: `image_url: {url}`; Responses: `image_url: "<url>"`.
  const raw = p.image_url as { url?: unknown } | string | undefined;
  const url = typeof raw === 'string' ? raw : raw?.url;
  if (typeof url !== 'string' || !url) throw badRequest(`${where}: an ${p.type} part needs an image URL`, where);
  if (!/^data:/i.test(url)) return undefined;
  try {
    decodeImage(url);
  } catch (e) {
    if (e instanceof ImageDataError) throw badRequest(`${where}: ${e.message}`, where);
    throw e;
  }
  return url;
}

/** Hermes's limits: a normalised message's text and the parts one message may have. */
export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_PARTS = 1_000;

function partText(part: unknown, where: string, images: string[]): string | null {
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
    case 'input_image': {
      const url = imageUrl(p, where);
      if (!url) return '[an image was attached by URL; this agent takes images as data URLs only]';
      images.push(url);
      return null;
    }
    case 'file':
    case 'input_file':
      return '[a file was attached; this agent reads text only]';
    case 'input_audio':
      return '[audio was attached; this agent reads text only]';
    default:
      throw badRequest(`${where}: unsupported content part type ${JSON.stringify(p.type)}`, where);
  }
}

/** A message's text and the data URLs of its images. */
export function contentOf(content: unknown, where: string): { text: string; images: string[] } {
  if (content == null) return { text: '', images: [] };
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) throw badRequest(`${where}: content must be a string or an array of parts`, where);
  if (content.length > MAX_PARTS) throw badRequest(`${where}: more than ${MAX_PARTS} content parts`, where);
  const images: string[] = [];
  const texts = content.map((p, i) => partText(p, `${where}[${i}]`, images)).filter((t): t is string => t !== null);
  return { text: texts.join('\n'), images };
}

const message = (role: TextMessage['role'], c: { text: string; images: string[] }): TextMessage => ({ role, text: c.text, ...(c.images.length ? { images: c.images } : {}) });

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
    const c = contentOf((m as { content?: unknown }).content, `${where}.content`);
    if (r === 'assistant' && !c.text) return; // an assistant message that only called client tools
    out.push(message(r, c));
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
    const c = contentOf(item.content, `${where}.content`);
    if (role === 'assistant' && !c.text) return;
    out.push(message(role, c));
  });
  return out;
}

/**
 * Splits a conversation into what it carries: the system text (all system messages, in order), the history before
 * the last user message, and that message, which is the turn's input.
 */
export function splitConversation(
  msgs: TextMessage[],
  param: string,
): { system: string; history: TextMessage[]; input: string; images: string[] } {
  const system = msgs.filter((m) => m.role === 'system').map((m) => m.text).filter(Boolean).join('\n\n');
  const rest = msgs.filter((m) => m.role !== 'system');
  const last = rest[rest.length - 1];
  if (!last || last.role !== 'user') throw badRequest('the last message must be from the user', param);
  if (!last.text.trim() && !last.images?.length) throw badRequest('the last user message is empty', param);
  const total = rest.reduce((n, m) => n + m.text.length, 0) + system.length;
  if (total > MAX_TEXT_CHARS) throw badRequest(`the conversation is longer than ${MAX_TEXT_CHARS} characters`, param);
  // Earlier images are not sent again: they are named as the host's transcript names an image without a name.
  const history = rest.slice(0, -1).map((m) => ({ role: m.role, text: [m.text, ...(m.images ?? []).map(() => '[image]')].filter(Boolean).join('\n') }));
  return { system, history, input: last.text, images: last.images ?? [] };
}
