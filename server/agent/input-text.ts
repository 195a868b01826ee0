// A user's turn input as the model and the thread list read it: text as typed, `@file` mentions inlined, a line per
// stored image, and a short title from the words of the first message.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inputPartText, type UserInput } from '../protocol';
import { redact } from '../util/redact';
import type { AttachmentStore } from '../attachments/store';
import { imageLine, isImageRef } from '../attachments/ingest';

const MENTION_MAX_CHARS = 100_000;

export function titleFrom(input: UserInput[]): string {
  // Images name the thread only when nothing else does.
  const words = input.filter((i) => i.type !== 'image');
  const text = (words.length ? words.map(inputPartText) : input.map(inputPartText)).join(' ').replace(/\s+/g, ' ').trim();
  return redact(text.length > 60 ? text.slice(0, 57) + '…' : text) || 'New thread';
}

/**
 * Text parts as typed; `@file` mentions inlined so the model sees the file's content; a line per stored image saying
 * what it is and where its file is (the pixels go to the model as image parts, see agent/image-parts.ts).
 */
export function renderInput(input: UserInput[], cwd: string, attachments?: AttachmentStore): string {
  const parts: string[] = [];
  for (const i of input) {
    if (i.type === 'text') parts.push(i.text);
    else if (i.type === 'image') {
      if (attachments && isImageRef(i)) parts.push(imageLine(i, attachments));
    } else {
      const path = isAbsolute(i.path) ? i.path : resolve(cwd, i.path);
      try {
        const st = statSync(path);
        if (!st.isFile()) throw new Error('not a file');
        let text = readFileSync(path, 'utf8');
        if (text.length > MENTION_MAX_CHARS) text = text.slice(0, MENTION_MAX_CHARS) + `\n[... truncated: ${st.size} bytes in total]`;
        parts.push(`<file path="${i.path}">\n${text}\n</file>`);
      } catch (e) {
        parts.push(`[@${i.path}: could not read the file (${(e as Error).message})]`);
      }
    }
  }
  return parts.join('\n\n');
}
