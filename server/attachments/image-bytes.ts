// Image bytes as clients send them: base64 or a data URL, checked to be one of the formats vision models take. The
// type comes from the bytes themselves (their magic numbers), never from what the sender claims.
import { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES, type ImageMimeType } from '../protocol';

export const EXTENSION_OF: Record<ImageMimeType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** The image format of `b` by its signature, or undefined when it is none the host takes. */
export function sniffImage(b: Uint8Array): ImageMimeType | undefined {
  const at = (i: number, bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return undefined;
}

export class ImageDataError extends Error {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:([^;,]*)(?:;[^;,]*)*;base64,/i;

/**
 * Decodes `data` (plain base64, or a `data:<type>;base64,` URL) and checks it is a PNG, JPEG, GIF or WebP image no
 * larger than MAX_IMAGE_BYTES. Throws ImageDataError with a sentence naming what is wrong.
 */
export function decodeImage(data: string): { bytes: Buffer; mimeType: ImageMimeType } {
  let b64 = data;
  const url = DATA_URL.exec(data);
  if (url) b64 = data.slice(url[0].length);
  else if (/^data:/i.test(data)) throw new ImageDataError('a data URL must be base64 (data:image/png;base64,…)');
  b64 = b64.replace(/\s+/g, '');
  if (!b64 || b64.length % 4 === 1 || !BASE64.test(b64)) throw new ImageDataError('not valid base64');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length > MAX_IMAGE_BYTES) throw new ImageDataError(`image is ${bytes.length} bytes, larger than the limit of ${MAX_IMAGE_BYTES}`);
  const mimeType = sniffImage(bytes);
  if (!mimeType) throw new ImageDataError(`not an image the model can take (${IMAGE_MIME_TYPES.map((t) => t.slice(6).toUpperCase()).join(', ')})`);
  return { bytes, mimeType };
}

/** `12.3 KB`, `1.4 MB`: sizes as the model and the user read them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
