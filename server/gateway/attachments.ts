// Files sent in chats. Every photo and document is saved to the thread's working folder as its sandbox sees it and
// named in the message (the model reads it with its file tools); a photo in a format vision models take (PNG, JPEG,
// GIF, WebP) also goes to the turn as an image input, so a vision model sees it. Voice messages and audio files are
// transcribed through an OpenAI-compatible /audio/transcriptions endpoint when one is configured.
import { basename } from 'node:path';
import { MAX_IMAGE_BYTES, MAX_TURN_IMAGES, type UserInput } from '../protocol';
import { sniffImage } from '../attachments/image-bytes';
import type { InboundEnvelope, PlatformAdapter } from './adapter';
import type { HostPort } from './host-port';

const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

function safeName(name: string): string {
  return basename(name).replace(/[^\w.+-]/g, '_').slice(0, 120) || 'file';
}

async function transcribe(port: HostPort, audio: Buffer, fileName: string): Promise<string> {
  const cfg = port.config().gateway.transcription;
  const key = port.env()[cfg.api_key_env];
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(audio)]), fileName);
  form.append('model', cfg.model);
  const res = await fetch(`${cfg.base_url.replace(/\/+$/, '')}/audio/transcriptions`, {
    method: 'POST',
    body: form,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  if (!res.ok) throw new Error(`transcription failed: HTTP ${res.status}`);
  const body = (await res.json()) as { text?: string };
  return (body.text ?? '').trim();
}

/** What a chat message becomes: the text the model reads, and the images that go with it. */
export interface ReceivedMessage {
  text: string;
  images: UserInput[];
}

/**
 * The message text the model sees (what the user typed, plus a line per attachment saying where it is or what the
 * voice message said) and the photos as image inputs.
 */
export async function describeAttachments(e: InboundEnvelope, adapter: PlatformAdapter | undefined, port: HostPort, threadOf: () => string): Promise<ReceivedMessage> {
  if (!e.attachments.length || !adapter) return { text: e.text, images: [] };
  const notes: string[] = [];
  const images: UserInput[] = [];
  for (const a of e.attachments) {
    if (a.size && a.size > MAX_DOWNLOAD_BYTES) {
      notes.push(`[The user sent a ${a.kind} (${a.fileName ?? 'unnamed'}) too large to download: ${a.size} bytes]`);
      continue;
    }
    try {
      const data = await adapter.downloadFile(a.fileId);
      if (a.kind === 'voice' || a.kind === 'audio') {
        if (!port.config().gateway.transcription.base_url) {
          notes.push('[The user sent a voice message, but no transcription endpoint is configured. Tell them to set gateway.transcription.base_url (an OpenAI-compatible endpoint) to enable voice messages.]');
          continue;
        }
        const text = await transcribe(port, data, a.fileName ?? 'voice.ogg');
        notes.push(`[The user sent a voice message. Transcript: "${text}"]`);
        continue;
      }
      const path = await port.saveChatFile(threadOf(), `${e.messageId}-${safeName(a.fileName ?? `${a.kind}`)}`, data);
      // The bytes decide: a "photo" in a format no vision model takes (SVG, BMP, HEIC) is a file like any other.
      const seen = a.kind === 'photo' && images.length < MAX_TURN_IMAGES && data.length <= MAX_IMAGE_BYTES && sniffImage(data);
      if (seen) images.push({ type: 'image', data: data.toString('base64'), name: basename(path) });
      notes.push(`[The user sent a ${a.kind === 'photo' ? 'photo' : 'file'}, saved as ${path}]`);
    } catch (err) {
      notes.push(`[The user sent a ${a.kind} that could not be received: ${(err as Error).message}]`);
    }
  }
  return { text: [e.text, ...notes].filter(Boolean).join('\n\n'), images };
}
