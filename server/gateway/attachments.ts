// Files sent in chats. The protocol's user input has no image part yet, so photos and documents are saved to the
// thread's working folder and named in the message (the model reads them with its file tools); voice messages are
// transcribed through an OpenAI-compatible /audio/transcriptions endpoint when one is configured.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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

/** The message text the model sees: what the user typed, plus a line per attachment saying where it is. */
export async function describeAttachments(e: InboundEnvelope, adapter: PlatformAdapter | undefined, port: HostPort, threadOf: () => string): Promise<string> {
  if (!e.attachments.length || !adapter) return e.text;
  const notes: string[] = [];
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
      const dir = join(port.cwd(threadOf()), 'chat-files');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${e.messageId}-${safeName(a.fileName ?? `${a.kind}`)}`);
      writeFileSync(path, data);
      notes.push(`[The user sent a ${a.kind === 'photo' ? 'photo' : 'file'}, saved as ${path}]`);
    } catch (err) {
      notes.push(`[The user sent a ${a.kind} that could not be received: ${(err as Error).message}]`);
    }
  }
  return [e.text, ...notes].filter(Boolean).join('\n\n');
}
