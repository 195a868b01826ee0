// Images in the chat view. Pasted or dropped pictures wait beside the message box as data URLs until the message is
// sent (the host checks and stores them); pictures in the transcript are read from the host by id
// (`thread/attachment`) and shown as thumbnails. Every `src` the view sets is a data URL built here from a type on the
// protocol's list and strict base64, so nothing a transcript holds can point an <img> anywhere else.
import { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES, type ImageMimeType } from '../server/protocol/image-limits';
import type { UserInput } from '../server/protocol';
import type { HostBridge } from './bridge-client';

export interface PendingImage {
  name: string;
  /** `data:image/…;base64,…` */
  dataUrl: string;
  size: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isImageType(t: string): t is ImageMimeType {
  return (IMAGE_MIME_TYPES as readonly string[]).includes(t);
}

/** A data URL for display, or null when the type or the data is not what an image of ours is. */
export function safeDataUrl(mimeType: string, base64: string): string | null {
  return isImageType(mimeType) && BASE64.test(base64) ? `data:${mimeType};base64,${base64}` : null;
}

/** Reads a pasted or dropped file; throws a sentence for the user when it cannot be sent. */
export async function readImageFile(file: File): Promise<PendingImage> {
  if (!isImageType(file.type)) throw new Error(`${file.name || 'That file'} is not a PNG, JPEG, GIF or WebP image`);
  if (file.size > MAX_IMAGE_BYTES) throw new Error(`${file.name || 'The image'} is larger than ${Math.round(MAX_IMAGE_BYTES / 1024 / 1024)} MB`);
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('could not read the image'));
    r.readAsDataURL(file);
  });
  return { name: file.name || 'pasted image', dataUrl, size: file.size };
}

export function imageInputs(images: PendingImage[]): UserInput[] {
  return images.map((i) => ({ type: 'image' as const, data: i.dataUrl, name: i.name }));
}

/** Thumbnails of stored images, fetched once per id. */
export class TranscriptImages {
  private readonly cache = new Map<string, Promise<string | null>>();

  constructor(private readonly bridge: HostBridge) {}

  url(threadId: string, attachmentId: string): Promise<string | null> {
    let hit = this.cache.get(attachmentId);
    if (!hit) {
      hit = this.bridge
        .request('thread/attachment', { threadId, attachmentId })
        .then((r) => safeDataUrl(r.mimeType, r.data))
        .catch(() => null);
      this.cache.set(attachmentId, hit);
      // A failure is not remembered: the next view of the message asks again.
      void hit.then((u) => u === null && this.cache.delete(attachmentId));
    }
    return hit;
  }
}
