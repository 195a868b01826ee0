// The images of a thread as the model request carries them. A user message's text already names each image and
// where its file is (attachments/ingest.ts imageLine); here the latest `maxInline` images of the history are added
// as chat-completions `image_url` parts (data URLs read from the attachment store), so a long history with many
// pictures does not grow every request. Older images, and every image when the model cannot see them, stay as that
// line plus a note saying why the model does not see the picture.
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import type { StoredMessage } from '../store';
import type { AttachmentStore } from '../attachments/store';
import { isImageRef, type ImageRef } from '../attachments/ingest';
import type { ImageMode } from './vision';

export interface ImageOptions {
  mode: ImageMode;
  /** How many of the latest images go inline; older ones become text. */
  maxInline: number;
  store: AttachmentStore;
}

export const NOT_SEEN_NOTE =
  '[You cannot see images with the current model, so the image above was not shown to you. Its file is at the path given; tell the user if you need to know what it shows.]';
export const OLDER_NOTE = '[An earlier image, no longer shown to keep the request small; its file is at the path given.]';
export const MISSING_NOTE = '[The image file is gone from the attachment store; it cannot be shown.]';

/** The stored images a user message carries (its transcript item's image parts). */
export function imagesOf(m: StoredMessage): ImageRef[] {
  if (m.role !== 'user') return [];
  const out: ImageRef[] = [];
  for (const it of m.items) if (it.type === 'userMessage') for (const p of it.content) if (isImageRef(p)) out.push(p);
  return out;
}

/**
 * The content of each user message with images, by message id: text only, or text followed by image parts for the
 * images that go inline. Messages without images are left out (their stored text is sent as it is).
 */
export function imageContents(history: StoredMessage[], opts: ImageOptions): Map<number, string | ChatCompletionContentPart[]> {
  const out = new Map<number, string | ChatCompletionContentPart[]>();
  let inlineLeft = opts.mode === 'native' ? opts.maxInline : 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    const refs = imagesOf(m);
    if (!refs.length) continue;
    const parts: ChatCompletionContentPart[] = [];
    const notes = new Set<string>();
    // Within one message the first images are the ones kept when only some fit.
    const inlineHere = Math.min(inlineLeft, refs.length);
    inlineLeft -= inlineHere;
    refs.forEach((ref, k) => {
      if (k >= inlineHere) {
        notes.add(opts.mode === 'native' ? OLDER_NOTE : NOT_SEEN_NOTE);
        return;
      }
      const url = opts.store.dataUrl(ref.attachmentId);
      if (url) parts.push({ type: 'image_url', image_url: { url } });
      else notes.add(MISSING_NOTE);
    });
    const text = [m.content ?? '', ...notes].filter(Boolean).join('\n\n');
    out.set(m.id, parts.length ? [{ type: 'text', text }, ...parts] : text);
  }
  return out;
}

/** Whether a request carries any image part (a refusal of it may be about them). */
export function hasImageParts(messages: { role: string; content?: unknown }[]): boolean {
  return messages.some((m) => Array.isArray(m.content) && m.content.some((p: { type?: string }) => p?.type === 'image_url'));
}
