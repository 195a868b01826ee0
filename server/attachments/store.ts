// Images users send, kept once each under HERMES_HOME/attachments/images, named by the SHA-256 of their bytes. A
// transcript row names an image by that id (with its type and size), so the bytes are never copied into history:
// a forked or compacted thread, a `/retry` and the model request all read the one file. Files are written
// atomically (temp file, fsync, rename) before the message that names them is committed, and kept 0600: they are
// the user's pictures. Sandboxed commands can read them (HERMES_HOME is mounted read-only), so file tools work on
// them as on any other file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_MIME_TYPES, type ImageMimeType } from '../protocol';
import { writeFileAtomic } from '../util/atomic';
import { EXTENSION_OF } from './image-bytes';

export interface StoredImage {
  attachmentId: string;
  mimeType: ImageMimeType;
  size: number;
  path: string;
}

const ID = /^[0-9a-f]{64}$/;

export class AttachmentStore {
  readonly dir: string;

  constructor(hermesHome: string) {
    this.dir = join(hermesHome, 'attachments', 'images');
  }

  /** Where an image of this id and type lives (whether or not it is there). */
  pathOf(attachmentId: string, mimeType: ImageMimeType): string {
    if (!ID.test(attachmentId)) throw new Error(`not an attachment id: ${attachmentId}`);
    return join(this.dir, attachmentId.slice(0, 2), `${attachmentId}.${EXTENSION_OF[mimeType]}`);
  }

  /** Keeps `bytes` (already checked to be an image of `mimeType`); the same bytes twice are one file. */
  put(bytes: Buffer, mimeType: ImageMimeType): StoredImage {
    const attachmentId = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(attachmentId, mimeType);
    if (!existsSync(path)) writeFileAtomic(path, bytes, { mode: 0o600 });
    return { attachmentId, mimeType, size: bytes.length, path };
  }

  /** The stored image with this id, or undefined. */
  find(attachmentId: string): StoredImage | undefined {
    if (!ID.test(attachmentId)) return undefined;
    for (const mimeType of IMAGE_MIME_TYPES) {
      const path = this.pathOf(attachmentId, mimeType);
      try {
        return { attachmentId, mimeType, size: statSync(path).size, path };
      } catch {
        // not in this format
      }
    }
    return undefined;
  }

  /** The bytes of a stored image, or undefined when it is gone. */
  read(attachmentId: string): { image: StoredImage; bytes: Buffer } | undefined {
    const image = this.find(attachmentId);
    if (!image) return undefined;
    try {
      return { image, bytes: readFileSync(image.path) };
    } catch {
      return undefined;
    }
  }

  /** Deletes a stored image (no transcript names it any more); a missing file is fine. */
  remove(attachmentId: string): void {
    const image = this.find(attachmentId);
    if (image) rmSync(image.path, { force: true });
  }

  /** A `data:` URL of the image, as the chat-completions API takes it; undefined when the file is gone. */
  dataUrl(attachmentId: string): string | undefined {
    const r = this.read(attachmentId);
    return r && `data:${r.image.mimeType};base64,${r.bytes.toString('base64')}`;
  }
}
