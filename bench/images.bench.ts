// What images cost a model request in a long thread: 40 user messages each carrying a 300 KB photo (stored once in
// the attachment store), the request built with the default latest-4 rule against every image inline (the
// baseline: what a history that re-sends every picture costs). Request bytes and build time per model call.
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttachmentStore } from '../server/attachments/store';
import { ingestInput, type ImageRef } from '../server/attachments/ingest';
import { toChatMessages } from '../server/agent/history';
import type { StoredMessage } from '../server/store';
import { median, report, timeRuns } from './lib';

const MESSAGES = 40;
const IMAGE_BYTES = 300 * 1024;

function main() {
  const store = new AttachmentStore(mkdtempSync(join(tmpdir(), 'hermes-images-bench-')));
  const history: StoredMessage[] = [];
  let id = 1;
  for (let i = 0; i < MESSAGES; i++) {
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(IMAGE_BYTES - 4)]);
    const ref = ingestInput([{ type: 'image', data: photo.toString('base64'), name: `photo-${i}.jpg` }], store)[0] as ImageRef;
    const text = `photo ${i}: what changed since the last one?`;
    history.push({ id: id++, threadId: 't', turnId: `turn${i}`, role: 'user', content: text, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [{ id: `u${i}`, type: 'userMessage', content: [{ type: 'text', text }, ref] }], createdAt: 0 });
    history.push({ id: id++, threadId: 't', turnId: `turn${i}`, role: 'assistant', content: `The light moved a little in photo ${i}.`, reasoning: null, toolCalls: null, toolCallId: null, toolName: null, items: [], createdAt: 0 });
  }
  const build = (maxInline: number) => toChatMessages('system prompt', history, { mode: 'native', maxInline, store });
  const bytes = (maxInline: number) => Buffer.byteLength(JSON.stringify(build(maxInline)));
  return (async () => {
    const l = await timeRuns(() => build(4), 15, 2);
    const a = await timeRuns(() => build(MESSAGES), 15, 2);
    report('images in a long thread (40 messages, one 300 KB photo each)', [
      { metric: 'request size, latest 4 images inline (default)', value: bytes(4) / 1024, unit: 'KB', baseline: bytes(MESSAGES) / 1024, target: 'bounded by max_inline_images (baseline: every image inline)' },
      { metric: 'build the request, latest 4 inline', value: median(l), unit: 'ms', baseline: median(a) },
    ]);
  })();
}

void main();
