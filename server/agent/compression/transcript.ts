// The middle of a thread as plain text for the summariser. Long bodies keep their head and tail (where a file's
// purpose and a command's verdict usually are); the caps tighten until the text fits the summariser's budget.
import type { StoredMessage } from '../../store';
import { isSummary, unframe, userText } from './frame';

export interface TranscriptCaps {
  bodyChars: number;
  argsChars: number;
}

/** From generous to terse; the last resort cuts the middle of the whole text. */
export const CAP_STEPS: TranscriptCaps[] = [
  { bodyChars: 6_000, argsChars: 1_500 },
  { bodyChars: 2_000, argsChars: 500 },
  { bodyChars: 600, argsChars: 200 },
];

const EARLIER_SUMMARY_MAX = 12_000;

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.7);
  const tail = Math.floor(max * 0.25);
  return `${text.slice(0, head)}\n[… ${text.length - head - tail} chars omitted …]\n${text.slice(text.length - tail)}`;
}

export function renderTranscript(messages: StoredMessage[], caps: TranscriptCaps): string {
  const out: string[] = [];
  for (const m of messages) {
    const content = m.content ?? '';
    if (m.role === 'user') {
      if (isSummary(content)) {
        out.push(`[earlier context summary]\n${clip(unframe(content), EARLIER_SUMMARY_MAX)}`);
        const rest = userText(content);
        if (rest) out.push(`[user]\n${clip(rest, caps.bodyChars)}`);
      } else out.push(`[user]\n${clip(content, caps.bodyChars)}`);
    } else if (m.role === 'assistant') {
      if (content) out.push(`[assistant]\n${clip(content, caps.bodyChars)}`);
      for (const c of m.toolCalls ?? []) out.push(`[assistant called ${c.name}] ${clip(c.arguments || '{}', caps.argsChars)}`);
    } else if (m.role === 'tool') {
      out.push(`[result of ${m.toolName ?? 'tool'}]\n${clip(content, caps.bodyChars)}`);
    } else out.push(`[system note]\n${clip(content, caps.bodyChars)}`);
  }
  return out.join('\n\n');
}

/** The most detailed rendering whose token count fits `maxTokens`, cut in the middle if even the tersest does not. */
export function fitTranscript(messages: StoredMessage[], maxTokens: number, count: (s: string) => number): string {
  let text = '';
  for (const caps of CAP_STEPS) {
    text = renderTranscript(messages, caps);
    const n = count(text);
    if (n <= maxTokens) return text;
    if (caps === CAP_STEPS[CAP_STEPS.length - 1]) {
      const keep = Math.max(200, Math.floor((text.length * maxTokens) / n) - 100);
      return clip(text, keep);
    }
  }
  return text;
}
