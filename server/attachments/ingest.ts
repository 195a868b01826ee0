// A turn's input as the host keeps it: image bytes go to the attachment store and the part that stays in the
// transcript names the stored image (id, type, size, name) instead of carrying the bytes. An `@file` mention of an
// image file becomes an image too: inlined as text it would be bytes the model cannot read.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MAX_IMAGE_BYTES, type ImageInput, type UserInput } from '../protocol';
import { HostError } from '../util/errors';
import { decodeImage, formatBytes, ImageDataError, sniffImage } from './image-bytes';
import type { AttachmentStore } from './store';

/** An image part as stored in a transcript: everything but the bytes. */
export type ImageRef = ImageInput & { attachmentId: string; mimeType: NonNullable<ImageInput['mimeType']>; size: number };

export function isImageRef(p: UserInput): p is ImageRef {
  return p.type === 'image' && typeof p.attachmentId === 'string' && !!p.mimeType && typeof p.size === 'number';
}

/** Image names reach the model and the file system's view of the user: one line, no control characters. */
function cleanName(name: string | undefined): string | undefined {
  const n = name?.replace(/[\u0000-\u001f\u007f\]\[]/g, ' ').trim().slice(0, 120);
  return n || undefined;
}

/**
 * Stores every image of `input` and returns the input with image parts as references. Bad images are refused before
 * anything is stored, with an InvalidParams error naming the part (`input[2].data: not valid base64`).
 */
export function ingestInput(input: UserInput[], store: AttachmentStore, cwd?: string): UserInput[] {
  const decoded = input.map((p, i) => {
    if (p.type === 'mention') return (cwd !== undefined && mentionedImage(p.path, cwd)) || p;
    if (p.type !== 'image') return p;
    const name = cleanName(p.name);
    if (p.data === undefined) {
      const found = p.attachmentId ? store.find(p.attachmentId) : undefined;
      if (!found) throw new HostError('InvalidParams', `invalid params: input[${i}].attachmentId: no stored image has this id`, { field: `input.${i}.attachmentId` });
      return { type: 'image' as const, attachmentId: found.attachmentId, mimeType: found.mimeType, size: found.size, ...(name ? { name } : {}) };
    }
    try {
      return { ...decodeImage(p.data), name };
    } catch (e) {
      if (e instanceof ImageDataError) throw new HostError('InvalidParams', `invalid params: input[${i}].data: ${e.message}`, { field: `input.${i}.data` });
      throw e;
    }
  });
  return decoded.map((p) => {
    if (!('bytes' in p)) return p;
    const s = store.put(p.bytes, p.mimeType);
    return { type: 'image' as const, attachmentId: s.attachmentId, mimeType: s.mimeType, size: s.size, ...(p.name ? { name: p.name } : {}) };
  });
}

/** The bytes of a mentioned file when it is an image the model can take (by its first bytes), else undefined. */
function mentionedImage(path: string, cwd: string): { bytes: Buffer; mimeType: NonNullable<ImageInput['mimeType']>; name: string } | undefined {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  try {
    const st = statSync(full);
    if (!st.isFile() || st.size > MAX_IMAGE_BYTES || st.size < 12) return undefined;
    const head = Buffer.alloc(12);
    const fd = openSync(full, 'r');
    try {
      readSync(fd, head, 0, 12, 0);
    } finally {
      closeSync(fd);
    }
    const mimeType = sniffImage(head);
    return mimeType && { bytes: readFileSync(full), mimeType, name: cleanName(path)! };
  } catch {
    return undefined; // unreadable: the mention is inlined as before, which says why
  }
}

/** The line the model reads for an image, whatever it can see: what it is and where the file is. */
export function imageLine(ref: ImageRef, store: AttachmentStore): string {
  const label = ref.name ? `${ref.name} (${ref.mimeType}, ${formatBytes(ref.size)})` : `${ref.mimeType}, ${formatBytes(ref.size)}`;
  return `[Image attached: ${label}, saved at ${store.pathOf(ref.attachmentId, ref.mimeType)}]`;
}
